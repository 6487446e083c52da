// Atomic file writes: write a temporary file in the same directory, fsync it, then rename over the target.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes `data` to `file` so that readers see either the old file or the complete new one, never a
 * partial write: the bytes go to a temporary sibling, are flushed to disk, then renamed into place.
 * @example await writeFileAtomic('model.keras', bytes);
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(tmp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(tmp, file);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(dir);
}

/** Writes several files of one save (e.g. model.json and its shards) atomically, each via writeFileAtomic. */
export async function writeFilesAtomic(files: readonly { path: string; data: Uint8Array | string }[]): Promise<void> {
  for (const f of files) await writeFileAtomic(f.path, f.data);
}

async function syncDirectory(dir: string): Promise<void> {
  // NOTE: fsync of a directory makes the rename durable on POSIX; it is not supported on every platform.
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    if (handle) await handle.close().catch(() => undefined);
  }
}

// Archive extraction for getFile({ extract: true }): .zip (fflate) and .tar / .tar.gz / .tgz (ustar).
import { readFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { unzipSync } from 'fflate';

export type ArchiveFormat = 'auto' | 'zip' | 'tar';

function detect(bytes: Uint8Array): 'zip' | 'tar' | 'tar.gz' | undefined {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'zip';
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) return 'tar.gz';
  if (bytes.length >= 263 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') return 'tar';
  return undefined;
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end));
}

/** Regular files of a (ustar/GNU) tar archive, name -> contents. */
function untar(bytes: Uint8Array, name: string): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  let longName: string | undefined;
  for (let off = 0; off + 512 <= bytes.length;) {
    const header = bytes.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const size = parseInt(cString(header.subarray(124, 136)).trim() || '0', 8);
    if (!Number.isFinite(size) || off + 512 + size > bytes.length) throw new Error(`extract: ${name} is a truncated or corrupt tar archive`);
    const type = String.fromCharCode(header[156] || 0x30);
    const prefix = cString(header.subarray(345, 500));
    const entry = longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    const body = bytes.subarray(off + 512, off + 512 + size);
    longName = undefined;
    if (type === 'L') longName = cString(body);
    else if (type === '0' || type === '\0' || type === '7') files.set(entry, body);
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/**
 * Extracts `archive` into `destDir` (written to a temporary sibling, then renamed into place).
 * Rejects members whose path would escape `destDir`.
 */
export async function extractArchive(archive: string, destDir: string, format: ArchiveFormat = 'auto'): Promise<void> {
  const bytes = new Uint8Array(await readFile(archive));
  const kind = detect(bytes);
  if (kind === undefined || (format === 'zip' && kind !== 'zip') || (format === 'tar' && kind === 'zip')) {
    throw new Error(`getFile: cannot extract ${archive}: expected a ${format === 'auto' ? 'zip or tar(.gz)' : format} archive`);
  }
  let files: Map<string, Uint8Array>;
  try {
    files = kind === 'zip'
      ? new Map(Object.entries(unzipSync(bytes)).filter(([n]) => !n.endsWith('/')))
      : untar(kind === 'tar.gz' ? gunzipSync(bytes) : bytes, archive);
  } catch (e) {
    throw new Error(`getFile: cannot extract ${archive}: ${(e as Error).message}`);
  }
  const tmp = `${destDir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await mkdir(tmp, { recursive: true });
    for (const [member, data] of files) {
      const target = path.resolve(tmp, member);
      if (!target.startsWith(path.resolve(tmp) + path.sep)) throw new Error(`getFile: refusing to extract ${JSON.stringify(member)} outside ${destDir}`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, data);
    }
    await rm(destDir, { recursive: true, force: true });
    await rename(tmp, destDir);
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

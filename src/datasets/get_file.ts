// getFile: keras.utils.get_file — download once into a cache, verify the hash, rename atomically, reuse.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { access, constants, mkdir, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { downloadTo } from './download.js';
import { extractArchive, type ArchiveFormat } from './extract.js';

export interface GetFileOptions {
  /** Expected SHA-256 (hex) of the file; verified on download and on every cache hit. */
  sha256?: string;
  /** Keras' `file_hash`: an expected sha256 or md5 hex digest (see `hashAlgorithm`). */
  fileHash?: string;
  /** 'auto' (default) picks sha256 for 64 hex digits, md5 for 32. */
  hashAlgorithm?: 'auto' | 'sha256' | 'md5';
  /** Cache root (default: $LAYERWISE_HOME or ~/.layerwise; falls back to <tmpdir>/.layerwise if unwritable). */
  cacheDir?: string;
  /** Subdirectory of the cache root (default 'datasets'); an absolute path is used as is. */
  cacheSubdir?: string;
  /** Extract a zip / tar / tar.gz archive into `<file>_extracted` and return that directory. */
  extract?: boolean;
  archiveFormat?: ArchiveFormat;
  /** Download even if a verified copy is cached. */
  forceDownload?: boolean;
  /** Show a progress bar on stderr (default: only when stderr is a TTY). */
  progress?: boolean;
  /** Abort when the server sends nothing for this long (default 60000 ms). */
  timeoutMs?: number;
}

function resolveHash(opts: GetFileOptions): { expected?: string; algorithm: 'sha256' | 'md5' } {
  if (opts.sha256 !== undefined && opts.fileHash !== undefined && opts.sha256.toLowerCase() !== opts.fileHash.toLowerCase()) {
    throw new Error(`getFile: options sha256 and fileHash disagree (${opts.sha256} vs ${opts.fileHash}); pass one`);
  }
  const expected = (opts.sha256 ?? opts.fileHash)?.toLowerCase();
  if (expected === undefined) return { algorithm: 'sha256' };
  let algorithm: 'sha256' | 'md5';
  if (opts.sha256 !== undefined || opts.hashAlgorithm === 'sha256') algorithm = 'sha256';
  else if (opts.hashAlgorithm === 'md5') algorithm = 'md5';
  else algorithm = expected.length === 64 ? 'sha256' : 'md5';
  const len = algorithm === 'sha256' ? 64 : 32;
  if (!new RegExp(`^[0-9a-f]{${len}}$`).test(expected)) {
    throw new Error(`getFile: expected a ${len}-digit hex ${algorithm} digest, received ${JSON.stringify(expected)}`);
  }
  return { expected, algorithm };
}

/** Hex digest of a file on disk, streamed. */
export async function hashFile(filePath: string, algorithm: 'sha256' | 'md5' = 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(filePath) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

async function writableDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

async function resolveDataDir(opts: GetFileOptions): Promise<string> {
  const subdir = opts.cacheSubdir ?? 'datasets';
  const root = opts.cacheDir ?? process.env.LAYERWISE_HOME ?? path.join(os.homedir(), '.layerwise');
  const dir = path.isAbsolute(subdir) ? subdir : path.join(root, subdir);
  if (await writableDir(dir)) return dir;
  if (opts.cacheDir !== undefined || path.isAbsolute(subdir)) throw new Error(`getFile: cache directory ${dir} is not writable`);
  const fallback = path.join(os.tmpdir(), '.layerwise', subdir);
  if (await writableDir(fallback)) return fallback;
  throw new Error(`getFile: neither ${dir} nor ${fallback} is writable`);
}

function nameFromUrl(origin: string): string {
  let base: string;
  try {
    base = path.posix.basename(new URL(origin).pathname);
  } catch {
    throw new Error(`getFile: invalid URL ${JSON.stringify(origin)}`);
  }
  if (!base) throw new Error(`getFile: cannot derive a file name from ${origin}; pass fname`);
  return decodeURIComponent(base);
}

/**
 * Downloads `origin` into the cache (default ~/.layerwise/datasets/<fname>) unless a copy is
 * already there, and returns its path. Like `keras.utils.get_file`: with a hash, a cached file
 * is reused only if it verifies (otherwise it is downloaded again); a new download is written
 * to a temporary file, verified, then renamed into place, so an interrupted or corrupt transfer
 * never leaves a cache entry behind.
 * @example const p = await getFile('mnist.npz', 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz', { sha256 });
 */
export async function getFile(fname: string | null | undefined, origin: string, options?: GetFileOptions): Promise<string>;
export async function getFile(origin: string, options?: GetFileOptions): Promise<string>;
export async function getFile(a: string | null | undefined, b?: string | GetFileOptions, c?: GetFileOptions): Promise<string> {
  const [fnameArg, origin, opts] = typeof b === 'string' ? [a, b, c ?? {}] : [undefined, a ?? '', b ?? {}];
  if (!origin) throw new Error('getFile: expected an origin URL, received none');
  const { expected, algorithm } = resolveHash(opts);
  const fname = fnameArg ?? nameFromUrl(origin);
  const fpath = path.isAbsolute(fname) ? fname : path.join(await resolveDataDir(opts), fname);
  await mkdir(path.dirname(fpath), { recursive: true });

  let needDownload = opts.forceDownload === true || !existsSync(fpath);
  if (!needDownload && expected !== undefined) {
    const actual = await hashFile(fpath, algorithm);
    if (actual !== expected) {
      process.stderr.write(`getFile: the cached file ${fpath} does not match the expected ${algorithm} (expected ${expected}, received ${actual}); downloading it again.\n`);
      await rm(fpath, { force: true });
      needDownload = true;
    }
  }
  if (needDownload) {
    const tmp = `${fpath}.${process.pid}.${randomBytes(4).toString('hex')}.part`;
    try {
      const { digest } = await downloadTo(origin, tmp, {
        hashAlgorithm: algorithm,
        timeoutMs: opts.timeoutMs ?? 60000,
        progress: opts.progress ?? process.stderr.isTTY === true,
      });
      if (expected !== undefined && digest !== expected) {
        throw new Error(`getFile: incomplete or corrupted download of ${origin}: the ${algorithm} of the received file is ${digest}, expected ${expected}; nothing was cached`);
      }
      await rename(tmp, fpath);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
  if (opts.extract) {
    const extractDir = `${fpath}_extracted`;
    if (needDownload || !existsSync(extractDir)) await extractArchive(fpath, extractDir, opts.archiveFormat ?? 'auto');
    return extractDir;
  }
  return fpath;
}

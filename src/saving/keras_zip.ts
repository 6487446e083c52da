// The .keras archive (Keras 3): a zip of metadata.json, config.json and model.weights.h5, stored uncompressed.
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { parsePythonJson } from './python_json.js';

/** The three members of a .keras file. */
export interface KerasArchive {
  metadata: Record<string, unknown>;
  config: Record<string, any>;
  weights: Uint8Array;
}

const MAX_ENTRY_BYTES = 4 * 1024 ** 3;
const REQUIRED = ['metadata.json', 'config.json', 'model.weights.h5'];

/** Rejects names that could escape an extraction directory: absolute, drive-letter, or with `..` segments. */
export function assertSafeEntryName(name: string, label: string): void {
  const parts = name.split(/[\\/]/);
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || parts.includes('..') || name.includes('\0')) {
    throw new Error(`${label}: refusing zip entry "${name}" (absolute paths and ".." are not allowed)`);
  }
}

function parseJson(bytes: Uint8Array, entry: string, label: string): Record<string, any> {
  let v: unknown;
  try {
    v = parsePythonJson(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (err) {
    throw new Error(`${label}: ${entry} is not valid JSON (${(err as Error).message})`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${label}: ${entry} should hold a JSON object`);
  return v as Record<string, any>;
}

/** Reads a .keras archive, checking entry names and sizes before anything is decompressed. */
export function readKerasZip(bytes: Uint8Array, label: string): KerasArchive {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new Error(`${label}: not a .keras file (expected a zip archive, the file starts with ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing'})`);
  }
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        assertSafeEntryName(f.name, label);
        if (f.originalSize > MAX_ENTRY_BYTES || f.originalSize > 64 * bytes.length + (1 << 20)) {
          throw new Error(`${label}: zip entry "${f.name}" declares ${f.originalSize} bytes, more than the archive can hold`);
        }
        return REQUIRED.includes(f.name);
      },
    });
  } catch (err) {
    const msg = (err as Error).message;
    if (msg.startsWith(label)) throw err;
    throw new Error(`${label}: corrupt or truncated .keras archive (${msg})`);
  }
  for (const r of REQUIRED) if (!files[r]) throw new Error(`${label}: the .keras archive has no ${r}`);
  return {
    metadata: parseJson(files['metadata.json'], 'metadata.json', label),
    config: parseJson(files['config.json'], 'config.json', label),
    weights: files['model.weights.h5'],
  };
}

/** Builds a .keras archive (entries stored, not deflated, as Keras writes them). */
export function writeKerasZip(archive: KerasArchive): Uint8Array {
  const enc = new TextEncoder();
  const mtime = new Date();
  const entries: Zippable = {
    'metadata.json': [enc.encode(JSON.stringify(archive.metadata)), { level: 0, mtime: new Date(1980, 0, 1) }],
    'config.json': [enc.encode(JSON.stringify(archive.config)), { level: 0, mtime: new Date(1980, 0, 1) }],
    'model.weights.h5': [archive.weights, { level: 0, mtime }],
  };
  return zipSync(entries);
}

// The .keras archive (Keras 3): a zip of metadata.json, config.json and model.weights.h5, stored uncompressed.
import { inflateSync, zipSync, type Zippable } from 'fflate';
import { loadBudget } from './budget.js';
import { checkZip, crc32, type ZipEntry } from './zip_check.js';
import { parsePythonJson } from './python_json.js';

/** The three members of a .keras file. */
export interface KerasArchive {
  metadata: Record<string, unknown>;
  config: Record<string, any>;
  weights: Uint8Array;
}

const REQUIRED = ['metadata.json', 'config.json', 'model.weights.h5'];

export { assertSafeEntryName } from './zip_check.js';

/** One entry's bytes: inflated into a buffer of exactly its declared size, then checked against its CRC-32. */
function extract(bytes: Uint8Array, entry: ZipEntry, label: string): Uint8Array {
  const raw = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  let out: Uint8Array;
  if (entry.method === 0) out = raw.slice();
  else {
    try {
      out = inflateSync(raw, { out: new Uint8Array(entry.size) });
    } catch (err) {
      throw new Error(`${label}: corrupt .keras archive: entry "${entry.name}" does not inflate (${(err as Error).message})`);
    }
  }
  if (out.length !== entry.size || crc32(out) !== entry.crc) {
    throw new Error(`${label}: corrupt .keras archive: entry "${entry.name}" fails its CRC-32 check (its bytes were altered)`);
  }
  return out;
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

/** Reads a .keras archive: the central directory is checked (names, sizes, ratios, overlaps) before anything is inflated. */
export function readKerasZip(bytes: Uint8Array, label: string): KerasArchive {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new Error(`${label}: not a .keras file (expected a zip archive, the file starts with ${Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing'})`);
  }
  const entries = checkZip(bytes, label, loadBudget(bytes.length));
  const files = new Map(entries.filter((e) => REQUIRED.includes(e.name)).map((e) => [e.name, e]));
  for (const r of REQUIRED) if (!files.has(r)) throw new Error(`${label}: the .keras archive has no ${r}`);
  return {
    metadata: parseJson(extract(bytes, files.get('metadata.json')!, label), 'metadata.json', label),
    config: parseJson(extract(bytes, files.get('config.json')!, label), 'config.json', label),
    weights: extract(bytes, files.get('model.weights.h5')!, label),
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

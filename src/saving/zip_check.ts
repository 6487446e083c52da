// Zip archive check before anything is decompressed: end record, central directory, local headers, entry sizes,
// compression ratios, overlaps and names; and the CRC-32 of what was extracted (browser-safe).
import type { LoadBudget } from './budget.js';

/** One entry as its central directory describes it. */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Where its data starts (after the local header). */
  dataOffset: number;
}

const MAX_ENTRIES = 256;
/** Deflate cannot expand more than about 1032:1; a larger declared ratio is a lie (or a bomb). */
const MAX_DEFLATE_RATIO = 1032;

/** Rejects names that could escape an extraction directory: absolute, drive-letter, or with `..` segments. */
export function assertSafeEntryName(name: string, label: string): void {
  const parts = name.split(/[\\/]/);
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name) || parts.includes('..') || name.includes('\0')) {
    throw new Error(`${label}: refusing zip entry "${name}" (absolute paths and ".." are not allowed)`);
  }
}

const u16 = (b: Uint8Array, p: number): number => b[p] | (b[p + 1] << 8);
const u32 = (b: Uint8Array, p: number): number => (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;

function endRecord(b: Uint8Array, label: string): number {
  for (let e = b.length - 22; e >= 0 && b.length - e <= 22 + 0xffff; e--) {
    if (u32(b, e) === 0x06054b50 && e + 22 + u16(b, e + 20) === b.length) return e;
  }
  throw new Error(`${label}: corrupt or truncated zip archive (no end-of-central-directory record in its last bytes)`);
}

/**
 * Reads and checks the central directory: every entry's header, name, sizes and data range lie in the file, do not
 * overlap, and declare no more than the budget allows. Throws an Error naming the archive and the entry.
 */
export function checkZip(b: Uint8Array, label: string, budget: LoadBudget): ZipEntry[] {
  const bad = (what: string): never => {
    throw new Error(`${label}: corrupt zip archive: ${what}`);
  };
  const e = endRecord(b, label);
  const count = u16(b, e + 10);
  const cdSize = u32(b, e + 12);
  const cdOffset = u32(b, e + 16);
  if (count === 0xffff || cdOffset === 0xffffffff) bad('ZIP64 archives are not supported (a .keras file is far below 4 GB)');
  if (u16(b, e + 4) !== 0 || u16(b, e + 6) !== 0 || u16(b, e + 8) !== count) bad('multi-disk archives are not supported');
  if (count > MAX_ENTRIES) bad(`${count} entries (at most ${MAX_ENTRIES})`);
  if (cdOffset + cdSize > e) bad(`the central directory (${cdSize} bytes at byte ${cdOffset}) runs past its end record at byte ${e}`);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  for (let i = 0, p = cdOffset; i < count; i++) {
    if (p + 46 > cdOffset + cdSize || u32(b, p) !== 0x02014b50) bad(`central directory entry ${i} at byte ${p} is missing`);
    const [flags, method] = [u16(b, p + 8), u16(b, p + 10)];
    const [nameLen, extraLen, commentLen] = [u16(b, p + 28), u16(b, p + 30), u16(b, p + 32)];
    if (p + 46 + nameLen + extraLen + commentLen > cdOffset + cdSize) bad(`central directory entry ${i} runs past the directory`);
    const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(b.subarray(p + 46, p + 46 + nameLen));
    const entry: ZipEntry = { name, method, crc: u32(b, p + 16), compressedSize: u32(b, p + 20), size: u32(b, p + 24), dataOffset: 0 };
    const local = u32(b, p + 42);
    p += 46 + nameLen + extraLen + commentLen;
    assertSafeEntryName(name, label);
    const what = `entry "${name}"`;
    if (names.has(name)) bad(`${what} appears twice`);
    names.add(name);
    if (flags & 0x1) bad(`${what} is encrypted`);
    if (method !== 0 && method !== 8) bad(`${what} uses compression method ${method} (stored or deflate expected)`);
    if (method === 0 && entry.size !== entry.compressedSize) bad(`${what} is stored but declares ${entry.compressedSize} bytes stored for ${entry.size}`);
    if (method === 8 && entry.size > entry.compressedSize * MAX_DEFLATE_RATIO + 1024) bad(`${what} declares ${entry.size} bytes from ${entry.compressedSize} compressed (a ratio deflate cannot reach)`);
    total += entry.size;
    if (entry.size > budget.maxAllocation || total > budget.maxTotal) bad(`${what} declares ${entry.size} bytes, more than this ${b.length}-byte archive's budget (${budget.maxTotal} bytes)`);
    if (local + 30 > cdOffset || u32(b, local) !== 0x04034b50) bad(`${what}'s local header at byte ${local} is missing`);
    entry.dataOffset = local + 30 + u16(b, local + 26) + u16(b, local + 28);
    if (entry.dataOffset + entry.compressedSize > cdOffset) bad(`${what}'s data (${entry.compressedSize} bytes at byte ${entry.dataOffset}) runs into the central directory`);
    entries.push(entry);
  }
  const byOffset = [...entries].sort((x, y) => x.dataOffset - y.dataOffset);
  for (let i = 1; i < byOffset.length; i++) {
    const prev = byOffset[i - 1];
    if (prev.dataOffset + prev.compressedSize > byOffset[i].dataOffset - 30) bad(`entries "${prev.name}" and "${byOffset[i].name}" overlap`);
  }
  return entries;
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE), as zip stores it for each entry. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

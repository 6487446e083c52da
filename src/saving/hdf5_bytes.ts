// Bounds-checked little-endian reads over an HDF5 file's bytes, shared by the structure checks (browser-safe).

/** An address field with every bit set: "no such object". */
export const UNDEFINED_ADDRESS = -1;

/** An address as errors show it: 'byte 4096', 'an undefined address', 'an address beyond 2^53'. */
function where(at: number): string {
  if (at === UNDEFINED_ADDRESS) return 'an undefined address';
  return Number.isSafeInteger(at) && at >= 0 ? `byte ${at}` : 'an address beyond 2^53';
}

/** Thrown when the file's structure is inconsistent; the message names the structure and its byte offset. */
export class Hdf5StructureError extends Error {
  override name = 'Hdf5StructureError';
}

export interface CheckLimits {
  /** Most structures (object headers, B-tree nodes, heaps...) visited before giving up. */
  maxStructures: number;
  /** Largest allocation libhdf5 may make for one dataset, chunk or attribute, in bytes. */
  maxAllocation: number;
}

/** The reading state of one file: sizes from the superblock, what was visited, how much work was done. */
export class H5Reader {
  offsetSize = 8;
  lengthSize = 8;
  base = 0;
  /** End of the addressable file: min(stored end-of-file address, real length). */
  eof: number;
  groupLeafK = 4;
  groupInternalK = 16;
  chunkK = 32;
  structures = 0;
  /** Steps spent inside structures (heap objects scanned), bounded by the limits too. */
  work = 0;
  readonly visited = new Set<string>();

  constructor(readonly bytes: Uint8Array, readonly limits: CheckLimits) {
    this.eof = bytes.length;
  }

  fail(what: string, at: number, problem: string): never {
    throw new Hdf5StructureError(`${what} at ${where(at)} ${problem}`);
  }

  /** Counts one structure and refuses a second visit of the same one (a cycle in the file's pointers). */
  enter(kind: string, at: number): void {
    const key = `${kind}@${at}`;
    if (this.visited.has(key)) this.fail(kind, at, 'is reached twice (the file\'s links form a cycle or share one object)');
    this.visited.add(key);
    if (++this.structures > this.limits.maxStructures) {
      this.fail(kind, at, `is one structure too many (more than ${this.limits.maxStructures} for a file of ${this.bytes.length} bytes)`);
    }
  }

  /** Checks that [at, at + len) lies inside the file. */
  need(what: string, at: number, len: number): void {
    if (!(at >= 0) || !(len >= 0) || !Number.isSafeInteger(at + len) || at + len > this.eof) {
      const size = Number.isSafeInteger(len) && len >= 0 ? `${len} bytes` : 'an impossible size';
      throw new Hdf5StructureError(`${what} at ${where(at)} (${size}) lies outside the file (${this.eof} bytes)`);
    }
  }

  u8(p: number): number {
    return this.bytes[p];
  }

  u16(p: number): number {
    return this.bytes[p] | (this.bytes[p + 1] << 8);
  }

  u32(p: number): number {
    return (this.bytes[p] | (this.bytes[p + 1] << 8) | (this.bytes[p + 2] << 16) | (this.bytes[p + 3] << 24)) >>> 0;
  }

  /** An unsigned little-endian integer of `n` bytes; Infinity when above 2^53, -1 when every bit is set. */
  uint(p: number, n: number): number {
    let allOnes = true;
    let v = 0;
    for (let i = n - 1; i >= 0; i--) {
      const b = this.bytes[p + i];
      if (b !== 0xff) allOnes = false;
      v = v * 256 + b;
    }
    if (allOnes) return UNDEFINED_ADDRESS;
    return Number.isSafeInteger(v) ? v : Infinity;
  }

  /** A file address (relative to the base address), made absolute; UNDEFINED_ADDRESS stays as is. */
  address(p: number): number {
    const a = this.uint(p, this.offsetSize);
    return a === UNDEFINED_ADDRESS ? a : this.base + a;
  }

  length(p: number): number {
    return this.uint(p, this.lengthSize);
  }

  signature(p: number, sig: string): boolean {
    for (let i = 0; i < sig.length; i++) if (this.bytes[p + i] !== sig.charCodeAt(i)) return false;
    return true;
  }

  /** Checks that `at` holds the 4-letter signature `sig` (a structure's header must be where a pointer says). */
  expectSignature(what: string, at: number, sig: string, len: number): void {
    this.need(what, at, Math.max(len, 4));
    if (!this.signature(at, sig)) {
      const found = Array.from(this.bytes.subarray(at, at + 4), (b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
      this.fail(what, at, `should start with "${sig}", found "${found}"`);
    }
  }
}

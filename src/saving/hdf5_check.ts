// Structure check of an HDF5 file before libhdf5 reads it: superblock (versions 0-3), object headers, group
// B-trees and heaps, attribute and dataset storage, each checked against the file length (browser-safe).
import { H5Reader, Hdf5StructureError, UNDEFINED_ADDRESS, type CheckLimits } from './hdf5_bytes.js';
import { checkBySignature, checkGlobalHeapId, checkLocalHeap, heapName, walkBtreeV1 } from './hdf5_heaps.js';

export { Hdf5StructureError, type CheckLimits } from './hdf5_bytes.js';

const MSG = { dataspace: 0x1, linkInfo: 0x2, datatype: 0x3, link: 0x6, externalFiles: 0x7, layout: 0x8, filters: 0xb, attribute: 0xc, continuation: 0x10, symbolTable: 0x11, attributeInfo: 0x15 };
const MAX_RANK = 32;

interface Datatype { size: number; vlen: boolean }
interface ObjectInfo { at: number; dtype?: Datatype; dims?: number[]; layoutAt?: number; layoutSize?: number; filtered: boolean }

/** Where the superblock is: offset 0, 512, 1024, 2048... (-1 when there is none). */
export function superblockOffset(bytes: Uint8Array): number {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (let off = 0; off + 8 <= bytes.length; off = off === 0 ? 512 : off * 2) {
    if (sig.every((b, i) => bytes[off + i] === b)) return off;
  }
  return -1;
}

/**
 * Checks every structure libhdf5 will follow when opening and reading the whole file, and throws an
 * Hdf5StructureError naming the first one that is inconsistent (outside the file, looping, too large).
 */
export function checkHdf5Structure(bytes: Uint8Array, limits: CheckLimits): void {
  const sb = superblockOffset(bytes);
  if (sb < 0) throw new Hdf5StructureError(`no HDF5 signature in the file's ${bytes.length} bytes`);
  const r = new H5Reader(bytes, limits);
  const rootAt = readSuperblock(r, sb);
  walkObject(r, rootAt, 0);
  checkBySignature(r);
}

function readSuperblock(r: H5Reader, at: number): number {
  const what = 'superblock';
  r.need(what, at, 12);
  const version = r.u8(at + 8);
  if (version > 3) r.fail(what, at, `has version ${version}; versions 0 to 3 exist`);
  const sizes = version < 2 ? [r.u8(at + 13), r.u8(at + 14)] : [r.u8(at + 9), r.u8(at + 10)];
  for (const s of sizes) if (![2, 4, 8].includes(s)) r.fail(what, at, `declares ${s}-byte addresses or lengths (2, 4 or 8 expected)`);
  [r.offsetSize, r.lengthSize] = sizes;
  const O = r.offsetSize;
  let p: number;
  if (version < 2) {
    p = at + 24 + (version === 1 ? 4 : 0);
    r.need(what, at, p - at + 4 * O + 2 * O + 24);
    r.groupLeafK = r.u16(at + 16);
    r.groupInternalK = r.u16(at + 18);
    if (version === 1) r.chunkK = r.u16(at + 24);
    if (r.groupLeafK === 0 || r.groupInternalK === 0 || r.chunkK === 0) r.fail(what, at, 'declares a B-tree node size of 0');
  } else {
    p = at + 12;
    r.need(what, at, 12 + 4 * O + 4);
  }
  // NOTE: like libhdf5, addresses count from where the superblock is, whatever base address it stores.
  r.base = at;
  const stored = r.uint(p + 2 * O, O);
  if (stored === UNDEFINED_ADDRESS || at + stored > r.bytes.length) {
    r.fail(what, at, `says the file ends at byte ${stored === UNDEFINED_ADDRESS ? 'undefined' : at + stored}, but it has ${r.bytes.length} bytes (truncated?)`);
  }
  r.eof = at + stored;
  if (version >= 2) return r.address(p + 3 * O);
  // Versions 0/1: the root group's symbol table entry (name offset, object header, cache type, scratch).
  const entry = p + 4 * O;
  if (r.u32(entry + 2 * O) === 1) {
    r.need('root group\'s cached B-tree', r.address(entry + 2 * O + 8), 1);
    r.need('root group\'s cached local heap', r.address(entry + 3 * O + 8), 1);
  }
  return r.address(entry + O);
}

/** Checks one object header (version 1 or 2 "OHDR") and, through its messages, everything it points to. */
function walkObject(r: H5Reader, at: number, depth: number): void {
  if (depth > 64) r.fail('object header', at, 'is nested more than 64 groups deep');
  const info: ObjectInfo = { at, filtered: false };
  r.need('object header', at, 16);
  r.enter('object header', at);
  const chunks: [number, number][] = [];
  let v2 = false;
  let crtOrder = false;
  if (r.signature(at, 'OHDR')) {
    v2 = true;
    if (r.u8(at + 4) !== 2) r.fail('object header', at, `has version ${r.u8(at + 4)}, expected 2`);
    const flags = r.u8(at + 5);
    crtOrder = (flags & 0x04) !== 0;
    let p = at + 6 + (flags & 0x20 ? 16 : 0) + (flags & 0x10 ? 4 : 0);
    const width = 1 << (flags & 3);
    r.need('object header', at, p - at + width);
    const size = r.uint(p, width);
    p += width;
    r.need('object header', at, p - at + size + 4);
    chunks.push([p, p + size]);
  } else {
    if (r.u8(at) !== 1) r.fail('object header', at, `has version ${r.u8(at)} (expected 1, or an "OHDR" signature)`);
    const size = r.u32(at + 8);
    r.need('object header', at, 16 + size);
    chunks.push([at + 16, at + 16 + size]);
  }
  for (let c = 0; c < chunks.length; c++) {
    const [start, end] = chunks[c];
    const hdr = v2 ? (crtOrder ? 6 : 4) : 8;
    for (let p = start; p + hdr <= end;) {
      const type = v2 ? r.u8(p) : r.u16(p);
      const size = v2 ? r.u16(p + 1) : r.u16(p + 2);
      const flags = v2 ? r.u8(p + 3) : r.u8(p + 4);
      p += hdr;
      if (p + size > end) r.fail('object header', at, `has a message (type ${type}, ${size} bytes) running past the end of its block at byte ${end}`);
      if (type === MSG.continuation) {
        const cAt = r.address(p);
        const cLen = r.length(p + r.offsetSize);
        r.need('object header continuation', cAt, cLen);
        r.enter('object header continuation', cAt);
        if (v2) {
          r.expectSignature('object header continuation', cAt, 'OCHK', cLen);
          chunks.push([cAt + 4, cAt + cLen - 4]);
        } else chunks.push([cAt, cAt + cLen]);
        if (chunks.length > 10_000) r.fail('object header', at, 'has more than 10000 continuation blocks');
      } else if ((flags & 0x02) === 0) message(r, info, type, p, size, depth);
      p += size;
    }
  }
  checkStorage(r, info);
}

function message(r: H5Reader, info: ObjectInfo, type: number, p: number, size: number, depth: number): void {
  const O = r.offsetSize;
  if (type === MSG.symbolTable) {
    const heap = checkLocalHeap(r, r.address(p + O));
    walkBtreeV1(r, r.address(p), 0, r.lengthSize, (child) => symbolNode(r, child.address, heap, depth));
  } else if (type === MSG.link) {
    const target = hardLink(r, info.at, p, size);
    if (target !== null) walkObject(r, target, depth + 1);
  } else if (type === MSG.linkInfo || type === MSG.attributeInfo) {
    const flags = r.u8(p + 1);
    const q = p + 2 + (flags & 1 ? (type === MSG.linkInfo ? 8 : 2) : 0);
    const heap = r.address(q);
    if (heap !== UNDEFINED_ADDRESS) r.expectSignature('fractal heap', heap, 'FRHP', 4);
    const btree = r.address(q + O);
    if (btree !== UNDEFINED_ADDRESS) r.expectSignature('version-2 B-tree', btree, 'BTHD', 4);
  } else if (type === MSG.datatype) info.dtype = datatype(r, info.at, p, size);
  else if (type === MSG.dataspace) info.dims = dataspace(r, info.at, p, size);
  else if (type === MSG.layout) [info.layoutAt, info.layoutSize] = [p, size];
  else if (type === MSG.externalFiles) externalFiles(r, info.at, p);
  else if (type === MSG.filters) info.filtered = r.u8(p + 1) > 0;
  else if (type === MSG.attribute) attribute(r, info.at, p, size);
}

/** A symbol table node ("SNOD"): each entry's name lies in the group's heap; each object is walked. */
function symbolNode(r: H5Reader, at: number, heap: { dataAddress: number; dataSize: number }, depth: number): void {
  const what = 'symbol table node';
  const O = r.offsetSize;
  const entrySize = 2 * O + 24;
  r.expectSignature(what, at, 'SNOD', 8);
  r.enter(what, at);
  const count = r.u16(at + 6);
  if (count > 2 * r.groupLeafK) r.fail(what, at, `holds ${count} entries, more than ${2 * r.groupLeafK}`);
  r.need(what, at, 8 + count * entrySize);
  for (let i = 0; i < count; i++) {
    const e = at + 8 + i * entrySize;
    heapName(r, heap, r.uint(e, O), `${what}'s entry ${i}`);
    walkObject(r, r.address(e + O), depth + 1);
  }
}

const OUTSIDE = 'layerwise reads nothing outside the file it was given';

/** An external file list (raw data kept in other files, by name): refused, naming the files. */
function externalFiles(r: H5Reader, at: number, p: number): void {
  const used = r.u16(p + 6);
  const names: string[] = [];
  try {
    const heap = checkLocalHeap(r, r.address(p + 8));
    for (let i = 0; i < Math.min(used, 4); i++) names.push(JSON.stringify(heapName(r, heap, r.length(p + 8 + r.offsetSize + i * 3 * r.lengthSize), 'external file name')));
  } catch {
    names.push('(unreadable names)');
  }
  r.fail('dataset', at, `keeps its data in external files ${names.join(', ')}; ${OUTSIDE}`);
}

/** A link message: the address of a hard link's object, or null for a soft link; external links are refused. */
function hardLink(r: H5Reader, at: number, p: number, size: number): number | null {
  const flags = r.u8(p + 1);
  let q = p + 2;
  const linkType = flags & 0x08 ? r.u8(q++) : 0;
  if (flags & 0x04) q += 8;
  if (flags & 0x10) q += 1;
  const width = 1 << (flags & 3);
  const nameLen = r.uint(q, width);
  q += width + nameLen;
  if (q > p + size) r.fail('link message', at, `declares a ${nameLen}-byte name, longer than the message`);
  if (linkType >= 64) {
    const text = new TextDecoder().decode(r.bytes.subarray(q + 3, Math.min(q + 3 + 200, p + size))).split('\0');
    r.fail('link message', at, `links to ${linkType === 64 ? `another file (${JSON.stringify(text[0])})` : `a user-defined target (type ${linkType})`}; ${OUTSIDE}`);
  }
  return linkType === 0 ? r.address(q) : null;
}

function datatype(r: H5Reader, at: number, p: number, size: number): Datatype {
  if (size < 8) r.fail('datatype message', at, `is ${size} bytes, too short`);
  const cls = r.u8(p) & 0x0f;
  const elem = r.u32(p + 4);
  if (cls === 9) return { size: 4 + r.offsetSize + 4, vlen: true };
  if (elem === 0 || elem > r.limits.maxAllocation) r.fail('datatype message', at, `declares ${elem}-byte elements`);
  return { size: elem, vlen: false };
}

function dataspace(r: H5Reader, at: number, p: number, size: number): number[] {
  const version = r.u8(p);
  const rank = r.u8(p + 1);
  const flags = r.u8(p + 2);
  if (version < 1 || version > 2) r.fail('dataspace message', at, `has version ${version}`);
  if (rank > MAX_RANK) r.fail('dataspace message', at, `declares ${rank} dimensions (at most ${MAX_RANK})`);
  const start = version === 1 ? p + 8 : p + 4;
  const L = r.lengthSize;
  if (start + rank * L * (flags & 1 ? 2 : 1) > p + size) r.fail('dataspace message', at, 'is shorter than its dimensions');
  if (version === 2 && r.u8(p + 3) === 2) return [0];
  const dims = Array.from({ length: rank }, (_, i) => r.length(start + i * L));
  if (dims.some((d) => !(d >= 0 && d < 2 ** 48))) r.fail('dataspace message', at, `declares dimensions [${dims.join(', ')}]`);
  return dims;
}

const count = (dims: number[]): number => dims.reduce((a, b) => a * b, 1);

/** An attribute message: its data fits in the message; each variable-length element's heap object exists. */
function attribute(r: H5Reader, at: number, p: number, size: number): void {
  const what = 'attribute message';
  const version = r.u8(p);
  if (version < 1 || version > 3) r.fail(what, at, `has version ${version}`);
  const flags = r.u8(p + 1);
  const [nameSize, typeSize, spaceSize] = [r.u16(p + 2), r.u16(p + 4), r.u16(p + 6)];
  const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
  const nameAt = p + (version === 3 ? 9 : 8);
  const typeAt = nameAt + pad(nameSize);
  const spaceAt = typeAt + pad(typeSize);
  const dataAt = spaceAt + pad(spaceSize);
  const end = p + size;
  if (dataAt > end) r.fail(what, at, `declares name, type and space sizes (${nameSize}, ${typeSize}, ${spaceSize}) larger than the message`);
  if (flags & 0x03) return; // shared datatype or dataspace: stored elsewhere, read by libhdf5 with its own checks
  const dtype = datatype(r, at, typeAt, typeSize);
  const n = count(dataspace(r, at, spaceAt, spaceSize));
  if (!(n * dtype.size <= end - dataAt)) r.fail(what, at, `declares ${n} elements of ${dtype.size} bytes, more than its ${end - dataAt} bytes of data`);
  if (!dtype.vlen) return;
  for (let i = 0, q = dataAt; i < n; i++, q += dtype.size) {
    const len = r.u32(q);
    if (len > 0) checkGlobalHeapId(r, r.address(q + 4), r.u32(q + 4 + r.offsetSize), len, `${what} element ${i} (object header at byte ${at})`);
  }
}

/** A dataset's raw data: contiguous bytes inside the file, or chunks (each inside the file, bounded in size). */
function checkStorage(r: H5Reader, info: ObjectInfo): void {
  if (info.layoutAt === undefined || !info.dtype || !info.dims) return;
  const what = `dataset (object header at byte ${info.at})`;
  const p = info.layoutAt;
  const version = r.u8(p);
  const total = count(info.dims) * info.dtype.size;
  const limit = info.filtered ? r.limits.maxAllocation : Math.min(r.limits.maxAllocation, r.eof);
  if (!(total <= limit)) r.fail(what, info.at, `declares ${total} bytes of data, more than ${limit} allowed for this file`);
  if (version < 3) {
    const rank = r.u8(p + 1);
    const cls = r.u8(p + 2);
    if (cls === 1 && r.address(p + 8) !== UNDEFINED_ADDRESS) r.need(`${what}'s data`, r.address(p + 8), total);
    else if (cls === 2) chunks(r, info, r.address(p + 8), Array.from({ length: rank }, (_, i) => r.u32(p + 8 + r.offsetSize + 4 * i)));
    return;
  }
  if (version > 4) r.fail(what, info.at, `has layout message version ${version}`);
  const cls = r.u8(p + 1);
  if (cls === 3) r.fail(what, info.at, `is a virtual dataset, mapped from other files; ${OUTSIDE}`);
  if (cls === 1) {
    const addr = r.address(p + 2);
    const size = r.length(p + 2 + r.offsetSize);
    if (addr !== UNDEFINED_ADDRESS) r.need(`${what}'s data`, addr, size);
  } else if (cls === 2 && version === 3) {
    const rank = r.u8(p + 2);
    chunks(r, info, r.address(p + 3), Array.from({ length: rank }, (_, i) => r.u32(p + 3 + r.offsetSize + 4 * i)));
  } else if (cls === 0 && r.u16(p + 2) > (info.layoutSize ?? 0) - 4) r.fail(what, info.at, 'declares more compact data than its layout message holds');
}

/** Chunked storage (version-1 chunk B-tree): each chunk's buffer is bounded and each stored chunk lies in the file. */
function chunks(r: H5Reader, info: ObjectInfo, btree: number, dims: number[]): void {
  const what = `dataset (object header at byte ${info.at})`;
  if (dims.length < 1 || dims.length > MAX_RANK + 1) r.fail(what, info.at, `declares ${dims.length}-dimensional chunks`);
  const chunkBytes = count(dims);
  if (chunkBytes === 0 || chunkBytes > r.limits.maxAllocation) r.fail(what, info.at, `declares chunks of ${chunkBytes} bytes (at most ${r.limits.maxAllocation} for this file)`);
  if (btree === UNDEFINED_ADDRESS) return;
  walkBtreeV1(r, btree, 1, 8 + 8 * dims.length, (child) => {
    const stored = r.u32(child.keyAt);
    if (stored > chunkBytes * 2 + 1024 && !info.filtered) r.fail(what, info.at, `has a chunk of ${stored} bytes, larger than its ${chunkBytes}-byte chunk shape`);
    r.need(`${what}'s chunk`, child.address, stored);
  });
}

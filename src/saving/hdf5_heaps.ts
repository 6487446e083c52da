// HDF5 heaps and version-1 B-trees, checked against the file length before libhdf5 follows them (browser-safe).
import { H5Reader, UNDEFINED_ADDRESS } from './hdf5_bytes.js';

/** libhdf5's end-of-free-list marker in a local heap. */
const FREE_NULL = 1;

export interface LocalHeap {
  dataAddress: number;
  dataSize: number;
}

/** A local heap ("HEAP": a group's link names): its data block lies in the file and its free list ends. */
export function checkLocalHeap(r: H5Reader, at: number): LocalHeap {
  const what = 'local heap';
  const L = r.lengthSize;
  r.expectSignature(what, at, 'HEAP', 8 + 2 * L + r.offsetSize);
  const cached = localHeaps.get(r)?.get(at);
  if (cached) return cached;
  r.enter(what, at);
  if (r.u8(at + 4) !== 0) r.fail(what, at, `has version ${r.u8(at + 4)}, expected 0`);
  const dataSize = r.length(at + 8);
  const freeHead = r.length(at + 8 + L);
  const dataAddress = r.address(at + 8 + 2 * L);
  r.need(`${what}'s data block (from the heap at byte ${at})`, dataAddress, dataSize);
  // NOTE: libhdf5 walks the free list without cycle detection, allocating one node per step: a loop never ends.
  const seen = new Set<number>();
  for (let off = freeHead; off !== FREE_NULL && off !== UNDEFINED_ADDRESS;) {
    if (!(off + 2 * L <= dataSize)) r.fail(what, at, `has a free block beyond its ${dataSize}-byte data block`);
    if (seen.has(off)) r.fail(what, at, `has a free list that loops back to offset ${off}`);
    seen.add(off);
    const next = r.length(dataAddress + off);
    const size = r.length(dataAddress + off + L);
    if (next === 0 || off + size > dataSize) r.fail(what, at, `has a corrupt free block at offset ${off}`);
    off = next;
  }
  const heap = { dataAddress, dataSize };
  if (!localHeaps.has(r)) localHeaps.set(r, new Map());
  localHeaps.get(r)!.set(at, heap);
  return heap;
}

const localHeaps = new WeakMap<H5Reader, Map<number, LocalHeap>>();
const globalHeaps = new WeakMap<H5Reader, Map<number, Map<number, number>>>();

/** A NUL-terminated name at `offset` in a local heap, checked to end inside the heap. */
export function heapName(r: H5Reader, heap: LocalHeap, offset: number, what: string): string {
  if (!(offset >= 0 && offset < heap.dataSize)) r.fail(what, heap.dataAddress, `names a heap offset outside its heap's ${heap.dataSize} bytes`);
  const start = heap.dataAddress + offset;
  const end = heap.dataAddress + heap.dataSize;
  let p = start;
  while (p < end && r.bytes[p] !== 0) p++;
  if (p >= end) r.fail(what, start, 'holds a name with no terminating NUL inside its heap');
  return new TextDecoder().decode(r.bytes.subarray(start, p));
}

/**
 * A global heap collection ("GCOL": variable-length strings), parsed as libhdf5 parses it.
 * Returns the sizes of its objects by index.
 */
function globalHeap(r: H5Reader, at: number): Map<number, number> {
  const cached = globalHeaps.get(r)?.get(at);
  if (cached) return cached;
  const what = 'global heap collection';
  const L = r.lengthSize;
  r.expectSignature(what, at, 'GCOL', 8 + L);
  r.enter(what, at);
  if (r.u8(at + 4) !== 1) r.fail(what, at, `has version ${r.u8(at + 4)}, expected 1`);
  const size = r.length(at + 8);
  r.need(what, at, size);
  const objects = new Map<number, number>();
  const header = 8 + L;
  const end = at + size;
  for (let p = at + header; p < end;) {
    if (p + header > end) break;
    if (++r.work > 16 * r.limits.maxStructures) r.fail(what, at, `holds more objects than a file of ${r.bytes.length} bytes should`);
    const idx = r.u16(p);
    const objSize = r.length(p + 8);
    // NOTE: libhdf5 advances by the free-space object's size: a zero size (a zeroed run) makes it loop forever.
    const need = idx > 0 ? header + Math.ceil(objSize / 8) * 8 : objSize;
    if (!(need > 0) || need > end - p) {
      const size = Number.isSafeInteger(objSize) && objSize >= 0 ? String(objSize) : '(impossible)';
      const problem = need > 0 ? `size ${size} runs past the collection's end (byte ${end})` : 'size is zero (libhdf5 would loop forever)';
      r.fail(what, at, `has an object (index ${idx}) at byte ${p} whose ${problem}`);
    }
    if (idx > 0) objects.set(idx, objSize);
    p += need;
  }
  if (!globalHeaps.has(r)) globalHeaps.set(r, new Map());
  globalHeaps.get(r)!.set(at, objects);
  return objects;
}

/** One variable-length element's heap ID: its collection is sound and holds the object with enough bytes. */
export function checkGlobalHeapId(r: H5Reader, collection: number, index: number, bytes: number, what: string): void {
  const objects = globalHeap(r, collection);
  const size = objects.get(index);
  if (size === undefined) r.fail(what, collection, `refers to object ${index}, which its global heap collection does not hold`);
  if (bytes > size) r.fail(what, collection, `needs ${bytes} bytes from global heap object ${index}, which holds ${size}`);
}

export interface BtreeChild {
  address: number;
  /** The key after this child: a chunk's size, filter mask and offsets for chunk trees. */
  keyAt: number;
}

/**
 * Walks a version-1 B-tree ("TREE"), type 0 (group nodes) or 1 (dataset chunks); calls `leaf` for each child of a
 * level-0 node. Levels must decrease by one per step down, and no node may be reached twice.
 */
export function walkBtreeV1(r: H5Reader, at: number, type: 0 | 1, keySize: number, leaf: (child: BtreeChild) => void, level = -1): void {
  const what = type === 0 ? 'group B-tree node' : 'chunk B-tree node';
  const O = r.offsetSize;
  const headerSize = 8 + 2 * O;
  r.expectSignature(what, at, 'TREE', headerSize);
  r.enter(what, at);
  if (r.u8(at + 4) !== type) r.fail(what, at, `has node type ${r.u8(at + 4)}, expected ${type}`);
  const nodeLevel = r.u8(at + 5);
  if (level >= 0 && nodeLevel !== level) r.fail(what, at, `has level ${nodeLevel}, expected ${level} below its parent`);
  const entries = r.u16(at + 6);
  const k = type === 0 ? r.groupInternalK : r.chunkK;
  if (entries > 2 * k) r.fail(what, at, `holds ${entries} entries, more than the ${2 * k} a node can hold`);
  r.need(what, at, headerSize + entries * (keySize + O) + keySize);
  let p = at + headerSize + keySize;
  for (let i = 0; i < entries; i++, p += O + keySize) {
    const child = r.address(p);
    if (nodeLevel > 0) walkBtreeV1(r, child, type, keySize, leaf, nodeLevel - 1);
    else leaf({ address: child, keyAt: p - keySize });
  }
}

/**
 * Structures reached only through parts the walk does not enter (dense link and attribute storage, whose blocks
 * libhdf5 checksums) are found by their signatures: every global heap collection and every group B-tree node in
 * the file is checked on its own. A level-L node's children must be level L-1 nodes, so no B-tree can loop.
 */
export function checkBySignature(r: H5Reader): void {
  const b = r.bytes;
  const O = r.offsetSize;
  for (let p = b.indexOf(0x47); p >= 0 && p + 8 <= r.eof; p = b.indexOf(0x47, p + 1)) {
    if (r.signature(p, 'GCOL') && b[p + 4] === 1) globalHeap(r, p);
  }
  for (let p = b.indexOf(0x54); p >= 0 && p + 8 <= r.eof; p = b.indexOf(0x54, p + 1)) {
    if (r.signature(p, 'TREE') && b[p + 4] === 0 && !r.visited.has(`group B-tree node@${p}`)) {
      const level = b[p + 5];
      const entries = r.u16(p + 6);
      if (entries > 2 * r.groupInternalK) r.fail('group B-tree node', p, `holds ${entries} entries, more than the ${2 * r.groupInternalK} a node can hold`);
      const keySize = r.lengthSize;
      r.need('group B-tree node', p, 8 + 2 * O + entries * (keySize + O) + keySize);
      for (let i = 0, q = p + 8 + 2 * O + keySize; level > 0 && i < entries; i++, q += O + keySize) {
        const child = r.address(q);
        r.need('group B-tree node\'s child', child, 8);
        if (!r.signature(child, 'TREE') || b[child + 4] !== 0 || b[child + 5] !== level - 1) {
          r.fail('group B-tree node', p, `has a child at byte ${child} that is not a group B-tree node of level ${level - 1}`);
        }
      }
    }
  }
}

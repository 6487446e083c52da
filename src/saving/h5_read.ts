// Reading a whole HDF5 file through h5wasm into a plain snapshot, within the file's budget: the structure check
// first, then time and bytes metered between objects. Browser-safe: h5wasm's File and FS are passed in.
import type { Group, Dataset, Attribute, File as H5File } from 'h5wasm';
import type { H5Node, H5Group, H5Dataset, H5AttrValue, H5DType } from './h5_types.js';
import { checkTime, type LoadBudget } from './budget.js';
import { checkHdf5Structure } from './hdf5_check.js';

/** What the reader needs from h5wasm (its Node or browser build): the File class and the in-memory file system. */
export interface H5wasmApi {
  File: new (name: string, mode: 'r') => H5File;
  FS: { writeFile(p: string, d: Uint8Array): void; unlink(p: string): void };
}

let fileCounter = 0;

const MAX_NODES = 100_000;
const MAX_DEPTH = 32;
const MAX_ATTR_ELEMENTS = 1_000_000;

/** One read's allowance: time since it started and bytes decoded so far, against the file's budget. */
interface Spend {
  budget: LoadBudget;
  start: number;
  bytes: number;
  nodes: number;
  fileBytes: number;
}

function spend(s: Spend, bytes: number, what: string): void {
  checkTime(s.budget, s.start, performance.now(), what);
  s.bytes += bytes;
  if (s.bytes > s.budget.maxTotal) throw new Error(`${what}: the file's arrays add up to more than ${s.budget.maxTotal} bytes, its budget`);
}

function dtypeOf(meta: { type: number; size: number; signed?: boolean; littleEndian?: boolean }): H5DType | null {
  if (meta.littleEndian === false && meta.size > 1) return null;
  if (meta.type === 1) return meta.size === 4 ? 'float32' : meta.size === 8 ? 'float64' : null;
  if (meta.type === 0) {
    if (meta.size === 8) return meta.signed ? 'int64' : 'uint64';
    if (meta.size === 4) return meta.signed ? 'int32' : 'uint32';
    if (meta.size === 1) return meta.signed ? 'int8' : 'uint8';
    if (meta.size === 2) return meta.signed ? 'int16' : 'uint16';
  }
  return null;
}

function readAttr(attr: Attribute, s: Spend): H5AttrValue {
  const meta = attr.metadata;
  const count = meta.total_size ?? 1;
  if (count > MAX_ATTR_ELEMENTS || count * (meta.size ?? 1) > s.budget.maxAllocation) {
    return { kind: 'error', message: `attribute declares ${count} elements` };
  }
  spend(s, count * (meta.size ?? 1), `attribute "${attr.name}"`);
  const shape = (meta.shape ?? []).map(Number);
  if (meta.type === 3) {
    const v = attr.value;
    const strings = (Array.isArray(v) ? v : [v]).map((s) => (typeof s === 'string' ? s : String(s)));
    return { kind: 'string', shape, value: strings, vlen: !!meta.vlen, cset: meta.cset ?? 0 };
  }
  const dtype = dtypeOf(meta);
  if (dtype === null) return { kind: 'other', shape };
  const v = attr.value;
  const nums: number[] = ArrayBuffer.isView(v) ? Array.from(v as ArrayLike<number | bigint>, Number) : Array.isArray(v) ? v.map(Number) : [Number(v)];
  return { kind: 'number', shape, value: nums, dtype };
}

function readAttrs(obj: Group | Dataset, s: Spend): Record<string, H5AttrValue> {
  const out: Record<string, H5AttrValue> = {};
  for (const [name, attr] of Object.entries(obj.attrs)) {
    Object.defineProperty(out, name, { value: readAttr(attr, s), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function scalarArray(dtype: H5DType, v: number | bigint): H5Dataset['data'] {
  switch (dtype) {
    case 'int64': return BigInt64Array.of(BigInt(v));
    case 'uint64': return BigUint64Array.of(BigInt(v));
    case 'float32': return Float32Array.of(Number(v));
    case 'int32': return Int32Array.of(Number(v));
    case 'uint32': return Uint32Array.of(Number(v));
    case 'int16': return Int16Array.of(Number(v));
    case 'uint16': return Uint16Array.of(Number(v));
    case 'int8': return Int8Array.of(Number(v));
    case 'uint8': return Uint8Array.of(Number(v));
    default: return Float64Array.of(Number(v));
  }
}

function readDataset(ds: Dataset, s: Spend): H5Dataset {
  const meta = ds.metadata;
  const shape = (meta.shape ?? []).map(Number);
  const attrs = readAttrs(ds, s);
  const dtype = dtypeOf(meta);
  if (dtype === null) return { kind: 'dataset', shape, dtype: 'unsupported', data: null, attrs, error: `unsupported element type (class ${meta.type}, ${meta.size} bytes)` };
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = count * meta.size;
  const compressed = ds.filters.length > 0;
  // NOTE: an uncompressed dataset cannot hold more bytes than the file; a compressed one is bounded by the budget.
  const limit = compressed ? s.budget.maxAllocation : s.fileBytes;
  if (!Number.isFinite(bytes) || bytes > limit) {
    return { kind: 'dataset', shape, dtype, data: null, attrs, error: `declares shape [${shape.join(', ')}] (${bytes} bytes), more than the file can hold (${s.fileBytes} bytes)` };
  }
  spend(s, bytes, `dataset "${ds.path}"`);
  let value: unknown = ds.value;
  if (typeof value === 'number' || typeof value === 'bigint') value = scalarArray(dtype, value);
  if (!ArrayBuffer.isView(value) || (value as unknown as { length: number }).length !== count) {
    return { kind: 'dataset', shape, dtype, data: null, attrs, error: 'could not be read' };
  }
  return { kind: 'dataset', shape, dtype, data: value as unknown as H5Dataset['data'], attrs };
}

function readGroup(group: Group, depth: number, s: Spend): H5Group {
  const children = new Map<string, H5Node>();
  const node: H5Group = { kind: 'group', attrs: readAttrs(group, s), children };
  if (depth > MAX_DEPTH) return node;
  const prefix = group.path === '/' ? '/' : `${group.path}/`;
  for (const name of group.keys()) {
    if (--s.nodes < 0) throw new Error(`more than ${MAX_NODES} HDF5 objects`);
    spend(s, 0, `group "${group.path}"`);
    const type = group.get_type(prefix + name);
    if (type === 0) children.set(name, readGroup(group.get(name) as Group, depth + 1, s));
    else if (type === 1) children.set(name, readDataset(group.get(name) as Dataset, s));
  }
  return node;
}

/** Reads every group, dataset and attribute of `bytes`; throws when the structure is corrupt or the budget runs out. */
export function readHdf5Snapshot(bytes: Uint8Array, budget: LoadBudget, h5: H5wasmApi): H5Group {
  const FS = h5.FS;
  const s: Spend = { budget, start: performance.now(), bytes: 0, nodes: MAX_NODES, fileBytes: bytes.length };
  // Every structure libhdf5 will follow is checked first: a corrupt file fails here in milliseconds.
  checkHdf5Structure(bytes, budget);
  const name = `/lw_read_${fileCounter++}.h5`;
  FS.writeFile(name, bytes);
  try {
    const file = new h5.File(name, 'r');
    try {
      return readGroup(file, 0, s);
    } finally {
      file.close();
    }
  } finally {
    FS.unlink(name);
  }
}

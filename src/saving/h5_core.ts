// HDF5 through h5wasm, environment-neutral: a file's bytes to a plain snapshot (H5Group) and write operations to bytes.
// Run by the Node worker thread (h5_worker.ts) and in a page (h5_browser.ts).
import h5wasm from 'h5wasm';
import type { Group, Dataset, Attribute } from 'h5wasm';
import type { H5Node, H5Group, H5Dataset, H5AttrValue, H5WriteOp, H5DType } from './h5_types.js';

/** The in-memory file system of h5wasm's module (files are written there, opened, then removed). */
export interface H5FS {
  writeFile(p: string, d: Uint8Array): void;
  readFile(p: string): Uint8Array;
  unlink(p: string): void;
}

const MAX_NODES = 100_000;
const MAX_DEPTH = 32;
const MAX_ATTR_ELEMENTS = 1_000_000;

let fileCounter = 0;

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

function readAttr(attr: Attribute): H5AttrValue {
  const meta = attr.metadata;
  const count = meta.total_size ?? 1;
  if (count > MAX_ATTR_ELEMENTS || count * (meta.size ?? 1) > 64 * 1024 * 1024) {
    return { kind: 'error', message: `attribute declares ${count} elements` };
  }
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

function readAttrs(obj: Group | Dataset): Record<string, H5AttrValue> {
  const out: Record<string, H5AttrValue> = {};
  for (const [name, attr] of Object.entries(obj.attrs)) {
    Object.defineProperty(out, name, { value: readAttr(attr), enumerable: true, writable: true, configurable: true });
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

function readDataset(ds: Dataset, fileBytes: number): H5Dataset {
  const meta = ds.metadata;
  const shape = (meta.shape ?? []).map(Number);
  const attrs = readAttrs(ds);
  const dtype = dtypeOf(meta);
  if (dtype === null) return { kind: 'dataset', shape, dtype: 'unsupported', data: null, attrs, error: `unsupported element type (class ${meta.type}, ${meta.size} bytes)` };
  const count = shape.reduce((a, b) => a * b, 1);
  const bytes = count * meta.size;
  const compressed = ds.filters.length > 0;
  // NOTE: an uncompressed dataset cannot hold more bytes than the file; a compressed one is bounded generously.
  const limit = compressed ? Math.min(2 ** 31, 64 * fileBytes + (1 << 20)) : fileBytes;
  if (!Number.isFinite(bytes) || bytes > limit) {
    return { kind: 'dataset', shape, dtype, data: null, attrs, error: `declares shape [${shape.join(', ')}] (${bytes} bytes), more than the file can hold (${fileBytes} bytes)` };
  }
  let value: unknown = ds.value;
  if (typeof value === 'number' || typeof value === 'bigint') value = scalarArray(dtype, value);
  if (!ArrayBuffer.isView(value) || (value as unknown as { length: number }).length !== count) {
    return { kind: 'dataset', shape, dtype, data: null, attrs, error: 'could not be read' };
  }
  return { kind: 'dataset', shape, dtype, data: value as unknown as H5Dataset['data'], attrs };
}

function readGroup(group: Group, fileBytes: number, depth: number, budget: { nodes: number }): H5Group {
  const children = new Map<string, H5Node>();
  const node: H5Group = { kind: 'group', attrs: readAttrs(group), children };
  if (depth > MAX_DEPTH) return node;
  const prefix = group.path === '/' ? '/' : `${group.path}/`;
  for (const name of group.keys()) {
    if (--budget.nodes < 0) throw new Error(`more than ${MAX_NODES} HDF5 objects`);
    const type = group.get_type(prefix + name);
    if (type === 0) children.set(name, readGroup(group.get(name) as Group, fileBytes, depth + 1, budget));
    else if (type === 1) children.set(name, readDataset(group.get(name) as Dataset, fileBytes));
  }
  return node;
}

export function readFile(bytes: Uint8Array, FS: { writeFile(p: string, d: Uint8Array): void; unlink(p: string): void }): H5Group {
  const name = `/lw_read_${fileCounter++}.h5`;
  FS.writeFile(name, bytes);
  try {
    const file = new h5wasm.File(name, 'r');
    try {
      return readGroup(file, bytes.length, 0, { nodes: MAX_NODES });
    } finally {
      file.close();
    }
  } finally {
    FS.unlink(name);
  }
}

function ensureGroups(file: Group, path: string): void {
  const parts = path.split('/').filter((p) => p.length > 0);
  let cur = '';
  for (const p of parts) {
    cur += `/${p}`;
    if (file.get_type(cur) !== 0) file.create_group(cur);
  }
}

const H5WASM_DTYPES: Record<string, string> = { float32: '<f', float64: '<d', int64: '<q', int32: '<i', uint8: '<B' };

export function writeFile(ops: H5WriteOp[], FS: { readFile(p: string): Uint8Array; unlink(p: string): void }): Uint8Array {
  const name = `/lw_write_${fileCounter++}.h5`;
  const file = new h5wasm.File(name, 'w', { libver: ['earliest', 'v110'] });
  try {
    for (const op of ops) {
      const parent = op.path.slice(0, op.path.lastIndexOf('/'));
      if (op.op === 'group') ensureGroups(file, op.path);
      else if (op.op === 'dataset') {
        ensureGroups(file, parent);
        (file.get(parent || '/') as Group).create_dataset({
          name: op.path.slice(op.path.lastIndexOf('/') + 1),
          data: op.data,
          shape: op.shape,
          dtype: H5WASM_DTYPES[op.dtype],
        });
      } else {
        const target = file.get(op.path || '/') as Group;
        if (op.type === 'float64') target.create_attribute(op.name, op.value as Float64Array, [(op.value as Float64Array).length], '<d');
        else target.create_attribute(op.name, op.value as string | string[], Array.isArray(op.value) ? [op.value.length] : [], op.type === 'ascii' ? 'A' : 'S');
      }
    }
  } finally {
    file.close();
  }
  const out = FS.readFile(name);
  FS.unlink(name);
  return out;
}

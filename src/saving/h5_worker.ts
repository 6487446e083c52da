// HDF5 worker thread: runs h5wasm so that a corrupt file that makes libhdf5 loop can be killed by a timeout.
import { parentPort } from 'node:worker_threads';
import h5wasm from 'h5wasm';
import type { Group, Dataset, Attribute } from 'h5wasm';
import type { H5Request, H5Response, H5Node, H5Group, H5Dataset, H5AttrValue, H5WriteOp, H5DType } from './h5_types.js';
import { checkTime, type LoadBudget } from './budget.js';
import { checkHdf5Structure } from './hdf5_check.js';

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

let fileCounter = 0;
let captured = '';

/** Runs fn while swallowing libhdf5's diagnostic prints (they go to stderr); returns what was printed. */
function quietly<T>(fn: () => T): T {
  const write = process.stderr.write;
  captured = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
  }
}

/** The most specific libhdf5 complaint printed, e.g. 'bad flag value for superblock'. */
function lastDiagnostic(): string {
  const lines = captured.split('\n').map((l) => l.trim()).filter((l) => /^#\d+:/.test(l));
  if (lines.length === 0) return '';
  const m = /\(\):\s*(.*)$/.exec(lines[lines.length - 1]);
  return m ? m[1] : '';
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

function readFile(bytes: Uint8Array, budget: LoadBudget, FS: { writeFile(p: string, d: Uint8Array): void; unlink(p: string): void }): H5Group {
  const s: Spend = { budget, start: performance.now(), bytes: 0, nodes: MAX_NODES, fileBytes: bytes.length };
  // Every structure libhdf5 will follow is checked first: a corrupt file fails here in milliseconds.
  checkHdf5Structure(bytes, budget);
  const name = `/lw_read_${fileCounter++}.h5`;
  FS.writeFile(name, bytes);
  try {
    const file = new h5wasm.File(name, 'r');
    try {
      return readGroup(file, 0, s);
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

function writeFile(ops: H5WriteOp[], FS: { readFile(p: string): Uint8Array; unlink(p: string): void }): Uint8Array {
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

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const mod = await h5wasm.ready;
  const FS = mod.FS as unknown as { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array; unlink(p: string): void };
  port.on('message', (req: H5Request) => {
    let res: H5Response;
    try {
      if (req.op === 'read') {
        const root = quietly(() => readFile(req.bytes, req.budget, FS));
        res = { id: req.id, ok: true, root };
      } else {
        const bytes = quietly(() => writeFile(req.ops, FS));
        res = { id: req.id, ok: true, bytes };
      }
    } catch (err) {
      const detail = lastDiagnostic();
      const msg = err instanceof Error ? err.message : String(err);
      const generic = /name not defined/.test(msg);
      res = { id: req.id, ok: false, error: detail ? (generic ? detail : `${detail} (${msg})`) : msg };
      // NOTE: a WebAssembly trap may leave libhdf5's state inconsistent: answer, then let a fresh worker take over.
      if (err instanceof Error && err.name === 'RuntimeError') {
        port.postMessage(res);
        setImmediate(() => process.exit(1));
        return;
      }
    }
    port.postMessage(res);
  });
  port.postMessage({ id: -1, ok: true });
}

void main();

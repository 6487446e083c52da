// HDF5 files as plain snapshots (read through a runner: a Node worker thread, h5_node.ts, or h5wasm in the page,
// h5_browser.ts), plus helpers to read Keras' attributes. Browser-safe.
import type { H5AttrValue, H5Data, H5Dataset, H5Group, H5Node, H5RequestBody, H5Response, H5WriteOp } from './h5_types.js';
import { loadBudget } from './budget.js';
import { superblockOffset } from './hdf5_check.js';

export type { H5Group, H5Dataset, H5Node, H5WriteOp, H5Data } from './h5_types.js';

let parseTimeoutMs: number | null = null;
/** The watchdog fires this long after the read's own time budget ran out (the reader checks it between objects). */
const WATCHDOG_GRACE_MS = 500;

/**
 * Overrides the watchdog: how long one HDF5 read may take before its worker is killed (null: the file's time
 * budget, 1 s + 100 ms per MB, plus 0.5 s). The structure check and the budget normally stop a corrupt file first.
 */
export function setHdf5TimeoutMs(ms: number | null): void {
  parseTimeoutMs = ms;
}

/** Runs one HDF5 request (read bytes / write ops) with a time limit. */
export interface Hdf5Runner {
  request(req: H5RequestBody, timeoutMs: number): Promise<H5Response>;
}

let runner: Hdf5Runner | null = null;

/** Installs the runner (done by h5_node.ts under Node and h5_browser.ts in a page). */
export function setHdf5Runner(r: Hdf5Runner): void {
  runner = r;
}

function request(req: H5RequestBody, timeoutMs: number): Promise<H5Response> {
  if (!runner) return Promise.reject(new Error('no HDF5 runner is installed (import layerwise from its package root)'));
  return runner.request(req, timeoutMs);
}

/** True when the bytes carry the HDF5 signature (at 0, 512, 1024... as the format allows). */
export function isHdf5(bytes: Uint8Array): boolean {
  return superblockOffset(bytes) >= 0;
}

/** Reads a whole HDF5 file into a plain snapshot; `label` names the file in errors. */
export async function readHdf5(bytes: Uint8Array, label: string): Promise<H5Group> {
  if (!isHdf5(bytes)) throw new Error(`${label}: not an HDF5 file (no HDF5 signature in its ${bytes.length} bytes)`);
  let res: H5Response;
  const budget = loadBudget(bytes.length);
  try {
    res = await request({ op: 'read', bytes: bytes.slice(), budget }, parseTimeoutMs ?? budget.timeMs + WATCHDOG_GRACE_MS);
  } catch (err) {
    throw new Error(`${label}: corrupt HDF5 file: ${(err as Error).message}`);
  }
  if (!res.ok) {
    const what = /reads nothing outside the file/.test(res.error) ? 'refused HDF5 file' : 'corrupt or truncated HDF5 file';
    throw new Error(`${label}: ${what}: ${res.error}`);
  }
  if (!res.root) throw new Error(`${label}: the HDF5 reader returned nothing`);
  return res.root;
}

/** Writes an HDF5 file from a list of operations and returns its bytes. */
export async function writeHdf5(ops: H5WriteOp[]): Promise<Uint8Array> {
  const res = await request({ op: 'write', ops }, Math.max(parseTimeoutMs ?? 0, 120_000));
  if (!res.ok) throw new Error(`writing HDF5 failed: ${res.error}`);
  if (!res.bytes) throw new Error('writing HDF5 returned no bytes');
  return res.bytes;
}

/** The node at a '/'-separated path (each segment is one link name; backslashes are literal). */
export function h5Get(root: H5Group, path: string): H5Node | undefined {
  let node: H5Node | undefined = root;
  for (const part of path.split('/').filter((p) => p.length > 0)) {
    if (!node || node.kind !== 'group') return undefined;
    node = node.children.get(part);
  }
  return node;
}

export function h5Group(root: H5Group, path: string): H5Group | undefined {
  const n = h5Get(root, path);
  return n && n.kind === 'group' ? n : undefined;
}

function attrOf(node: H5Node, name: string): H5AttrValue | undefined {
  return Object.prototype.hasOwnProperty.call(node.attrs, name) ? node.attrs[name] : undefined;
}

/** A scalar string attribute (fixed or variable length, bytes or str), or null when absent. */
export function attrString(node: H5Node, name: string, label: string): string | null {
  const a = attrOf(node, name);
  if (!a) return null;
  if (a.kind !== 'string' || a.value.length !== 1) throw new Error(`${label}: attribute "${name}" should be a string, found ${describeAttr(a)}`);
  return a.value[0];
}

/**
 * A list-of-strings attribute as Keras writes it: `name`, or split in pieces `name0`, `name1`...
 * when too long for one HDF5 object header. An empty list may be stored as an empty float array.
 */
export function attrStrings(node: H5Node, name: string, label: string): string[] | null {
  const direct = attrOf(node, name);
  if (direct) return stringList(direct, name, label);
  if (!attrOf(node, `${name}0`)) return null;
  const out: string[] = [];
  for (let i = 0; attrOf(node, `${name}${i}`); i++) out.push(...stringList(attrOf(node, `${name}${i}`)!, `${name}${i}`, label));
  return out;
}

function stringList(a: H5AttrValue, name: string, label: string): string[] {
  if (a.kind === 'string') return a.value;
  if (a.kind === 'number' && a.value.length === 0) return [];
  throw new Error(`${label}: attribute "${name}" should be a list of strings, found ${describeAttr(a)}`);
}

function describeAttr(a: H5AttrValue): string {
  if (a.kind === 'error') return a.message;
  if (a.kind === 'number') return `${a.dtype} numbers of shape [${a.shape.join(', ')}]`;
  if (a.kind === 'string') return `${a.value.length} strings`;
  return 'an unsupported type';
}

/** A stored array with its shape and dtype, as read from a file. */
export interface StoredArray {
  shape: number[];
  dtype: string;
  data: H5Data;
}

/** The dataset at `path`, checked to exist, be readable and (when given) have the expected shape. */
export function readDataset(root: H5Group, path: string, label: string, expectedShape?: readonly number[]): StoredArray {
  const node = h5Get(root, path);
  if (!node) throw new Error(`${label}: missing dataset "${path}"`);
  if (node.kind !== 'dataset') throw new Error(`${label}: "${path}" should be a dataset, found a group`);
  return datasetArray(node, `${label}: dataset "${path}"`, expectedShape);
}

export function datasetArray(ds: H5Dataset, what: string, expectedShape?: readonly number[]): StoredArray {
  if (expectedShape && (ds.shape.length !== expectedShape.length || ds.shape.some((d, i) => d !== expectedShape[i]))) {
    throw new Error(`${what} has shape [${ds.shape.join(', ')}], expected [${expectedShape.join(', ')}]`);
  }
  if (ds.error || !ds.data) throw new Error(`${what} ${ds.error ?? 'could not be read'}`);
  return { shape: ds.shape, dtype: ds.dtype, data: ds.data };
}

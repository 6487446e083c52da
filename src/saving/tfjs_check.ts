// TensorFlow.js model.json checks and shard decoding, on bytes (browser-safe): shard paths, dtypes, shapes and
// byte counts are checked before anything is allocated; where the bytes come from (files, URLs) is the caller's.
import type { H5Data } from './h5_types.js';
import { parsePythonJson } from './python_json.js';

/** A decoded weight (the same shape as h5.ts' StoredArray). */
export interface TfjsStored {
  shape: number[];
  dtype: string;
  data: H5Data;
  group?: string;
}

export interface TfjsManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype?: string; group?: string }[];
}

export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: Record<string, unknown>;
  trainingConfig?: Record<string, unknown>;
  weightsManifest: TfjsManifestGroup[];
}

/** One manifest group once checked: shard paths safe to resolve, and the bytes each weight takes. */
export interface TfjsGroupPlan {
  paths: string[];
  weights: TfjsManifestGroup['weights'];
  sizes: number[];
  bytes: number;
}

/** A model.json larger than this is refused before parsing (topologies are kilobytes, weights live in shards). */
export const MAX_MODEL_JSON_BYTES = 64 * 1024 * 1024;
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4 };

/**
 * Refuses a shard path that could leave the model's directory or origin: absolute, `..` segments, a URL scheme,
 * percent-escapes (a URL parser turns `%2e%2e` into `..`), query or fragment, backslashes or NUL.
 */
export function assertSafeShardPath(p: string, label: string): void {
  const parts = p.split('/');
  if (p.length === 0 || p.startsWith('/') || /[\\:%?#\0]/.test(p) || parts.includes('..') || parts.includes('.')) {
    throw new Error(`${label}: refusing weight shard path "${p}" (only relative names inside the model's folder are allowed)`);
  }
}

/** Parses model.json text; throws an Error naming `label` when it is not a TF.js layers model. */
export function parseTfjsModelJson(text: string, label: string): { json: TfjsModelJson; topology: Record<string, any> } {
  if (text.length > MAX_MODEL_JSON_BYTES) throw new Error(`${label}: model.json is ${text.length} bytes, more than ${MAX_MODEL_JSON_BYTES}`);
  let json: TfjsModelJson;
  try {
    json = parsePythonJson(text) as TfjsModelJson;
  } catch (err) {
    throw new Error(`${label}: not valid JSON (${(err as Error).message})`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology || typeof json.modelTopology !== 'object') {
    throw new Error(`${label}: not a TensorFlow.js layers model (no modelTopology)`);
  }
  const mt = json.modelTopology as Record<string, any>;
  const topology = (mt.model_config && typeof mt.model_config === 'object' ? mt.model_config : mt) as Record<string, any>;
  return { json, topology };
}

/** Checks the weightsManifest: paths, names, shapes, dtypes; returns what each group's shards must hold. */
export function planTfjsWeights(json: TfjsModelJson, label: string): TfjsGroupPlan[] {
  if (json.weightsManifest !== undefined && !Array.isArray(json.weightsManifest)) throw new Error(`${label}: weightsManifest should be a list`);
  return (json.weightsManifest ?? []).map((group, g) => {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new Error(`${label}: weightsManifest[${g}] should have "paths" and "weights" lists`);
    for (const p of group.paths) {
      if (typeof p !== 'string') throw new Error(`${label}: weight shard paths must be strings`);
      assertSafeShardPath(p, label);
    }
    const sizes = group.weights.map((w, i) => {
      if (!w || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new Error(`${label}: weightsManifest[${g}].weights[${i}] should have a name and a shape of non-negative integers`);
      }
      const bytes = DTYPE_BYTES[w.dtype ?? 'float32'];
      if (bytes === undefined) throw new Error(`${label}: weight "${w.name}" has unsupported dtype "${w.dtype}"`);
      const size = w.shape.reduce((a, b) => a * b, 1) * bytes;
      if (!Number.isSafeInteger(size)) throw new Error(`${label}: weight "${w.name}" declares shape [${w.shape.join(', ')}], too large`);
      return size;
    });
    return { paths: [...group.paths], weights: group.weights, sizes, bytes: sizes.reduce((a, b) => a + b, 0) };
  });
}

/** Checks that a group's shards hold exactly the bytes its manifest needs (call before reading them). */
export function checkShardSizes(plan: TfjsGroupPlan, shardSizes: number[], label: string): void {
  const declared = shardSizes.reduce((a, b) => a + b, 0);
  if (declared !== plan.bytes) throw new Error(`${label}: the weight shards hold ${declared} bytes but the manifest's shapes need ${plan.bytes} bytes`);
}

/** Decodes a group's weights from its shards (little-endian), keyed by name (`group:name` for optimizer weights). */
export function decodeTfjsGroup(plan: TfjsGroupPlan, shards: Uint8Array[], label: string, into: Map<string, TfjsStored>, order: string[]): void {
  checkShardSizes(plan, shards.map((s) => s.length), label);
  const all = new Uint8Array(plan.bytes);
  let off = 0;
  for (const s of shards) {
    all.set(s, off);
    off += s.length;
  }
  const view = new DataView(all.buffer);
  let pos = 0;
  plan.weights.forEach((w, i) => {
    const n = plan.sizes[i] / 4;
    const data = w.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
    for (let k = 0; k < n; k++, pos += 4) data[k] = w.dtype === 'int32' ? view.getInt32(pos, true) : view.getFloat32(pos, true);
    const key = w.group ? `${w.group}:${w.name}` : w.name;
    if (into.has(key)) throw new Error(`${label}: weight "${w.name}" appears twice in the manifest`);
    into.set(key, { shape: [...w.shape], dtype: w.dtype ?? 'float32', data, group: w.group });
    order.push(key);
  });
}

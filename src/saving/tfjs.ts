// TensorFlow.js layers format: model.json (topology + weightsManifest) and little-endian binary weight shards.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { assertSafeEntryName } from './keras_zip.js';
import type { StoredArray } from './h5.js';
import { parsePythonJson } from './python_json.js';

/** Default shard size, as tfjs and its converter use. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

export interface TfjsWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
  group?: string;
}

export interface TfjsModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: string | null;
  modelTopology: Record<string, unknown>;
  trainingConfig?: Record<string, unknown>;
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string; group?: string }[] }[];
}

/** Packs weights into shards of at most `shardBytes` (a weight may straddle two shards, as tfjs allows). */
export function buildTfjs(topology: Record<string, unknown>, weights: readonly TfjsWeight[], options: { trainingConfig?: Record<string, unknown>; shardBytes?: number; generatedBy: string; convertedBy: string }): { json: TfjsModelJson; shards: { name: string; data: Uint8Array }[] } {
  const shardBytes = options.shardBytes ?? DEFAULT_SHARD_BYTES;
  if (!Number.isInteger(shardBytes) || shardBytes < 4 || shardBytes % 4 !== 0) throw new Error(`saving tfjs: shard size must be a positive multiple of 4 bytes, received ${shardBytes}`);
  const total = weights.reduce((a, w) => a + w.data.length * 4, 0);
  const all = new Uint8Array(total);
  const view = new DataView(all.buffer);
  let off = 0;
  for (const w of weights) {
    for (let i = 0; i < w.data.length; i++, off += 4) {
      if (w.dtype === 'int32') view.setInt32(off, w.data[i], true);
      else view.setFloat32(off, w.data[i], true);
    }
  }
  const count = Math.max(1, Math.ceil(total / shardBytes));
  const shards = Array.from({ length: count }, (_, i) => ({ name: `group1-shard${i + 1}of${count}.bin`, data: all.slice(i * shardBytes, Math.min(total, (i + 1) * shardBytes)) }));
  const json: TfjsModelJson = {
    format: 'layers-model',
    generatedBy: options.generatedBy,
    convertedBy: options.convertedBy,
    modelTopology: topology,
    weightsManifest: [{
      paths: shards.map((s) => s.name),
      weights: weights.map((w) => ({ name: w.name, shape: [...w.shape], dtype: w.dtype, ...(w.group ? { group: w.group } : {}) })),
    }],
  };
  if (options.trainingConfig) json.trainingConfig = options.trainingConfig;
  return { json, shards };
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

/** Reads model.json and its shards; every path, dtype and byte count is checked before allocation. */
export async function readTfjs(jsonPath: string): Promise<{ json: TfjsModelJson; topology: Record<string, any>; weights: Map<string, StoredArray & { group?: string }>; order: string[] }> {
  const label = jsonPath;
  let text: string;
  try {
    text = await fsp.readFile(jsonPath, 'utf8');
  } catch (err) {
    throw new Error(`${label}: cannot read (${(err as Error).message})`);
  }
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
  const manifest = Array.isArray(json.weightsManifest) ? json.weightsManifest : [];
  const weights = new Map<string, StoredArray & { group?: string }>();
  const order: string[] = [];
  const dir = path.dirname(jsonPath);
  for (const [g, group] of manifest.entries()) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new Error(`${label}: weightsManifest[${g}] should have "paths" and "weights" lists`);
    const sizes = group.weights.map((w, i) => {
      if (!w || typeof w.name !== 'string' || !Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new Error(`${label}: weightsManifest[${g}].weights[${i}] should have a name and a shape of non-negative integers`);
      }
      const bytes = DTYPE_BYTES[w.dtype ?? 'float32'];
      if (bytes === undefined || w.dtype === 'float16' || w.dtype === 'bool' || w.dtype === 'uint8') throw new Error(`${label}: weight "${w.name}" has unsupported dtype "${w.dtype}"`);
      return w.shape.reduce((a, b) => a * b, 1) * bytes;
    });
    const expected = sizes.reduce((a, b) => a + b, 0);
    let declared = 0;
    const shardStats: string[] = [];
    for (const p of group.paths) {
      if (typeof p !== 'string') throw new Error(`${label}: weight shard paths must be strings`);
      assertSafeEntryName(p, label);
      const st = await fsp.stat(path.join(dir, p)).catch(() => null);
      if (!st || !st.isFile()) throw new Error(`${label}: weight shard "${p}" is missing`);
      declared += st.size;
      shardStats.push(p);
    }
    if (declared !== expected) {
      throw new Error(`${label}: the weight shards hold ${declared} bytes but the manifest's shapes need ${expected} bytes`);
    }
    const all = new Uint8Array(expected);
    let off = 0;
    for (const p of shardStats) {
      const buf = await fsp.readFile(path.join(dir, p));
      all.set(buf.subarray(0, expected - off), off);
      off += buf.length;
    }
    const view = new DataView(all.buffer);
    let pos = 0;
    group.weights.forEach((w, i) => {
      const n = sizes[i] / 4;
      const data = w.dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
      for (let k = 0; k < n; k++, pos += 4) data[k] = w.dtype === 'int32' ? view.getInt32(pos, true) : view.getFloat32(pos, true);
      if (weights.has(w.name) && !w.group) throw new Error(`${label}: weight "${w.name}" appears twice in the manifest`);
      const key = w.group ? `${w.group}:${w.name}` : w.name;
      weights.set(key, { shape: [...w.shape], dtype: w.dtype ?? 'float32', data, group: w.group });
      order.push(key);
    });
  }
  return { json, topology, weights, order };
}

// TensorFlow.js layers format: model.json (topology + weightsManifest) and little-endian binary weight shards.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { checkShardSizes, decodeTfjsGroup, MAX_MODEL_JSON_BYTES, parseTfjsModelJson, planTfjsWeights, type TfjsModelJson } from './tfjs_check.js';
import type { StoredArray } from './h5.js';

export type { TfjsModelJson } from './tfjs_check.js';

/** Default shard size, as tfjs and its converter use. */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

export interface TfjsWeight {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
  group?: string;
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

/** Reads model.json and its shards from files; the checks (tfjs_check.ts) run on the bytes before any allocation. */
export async function readTfjs(jsonPath: string): Promise<{ json: TfjsModelJson; topology: Record<string, any>; weights: Map<string, StoredArray & { group?: string }>; order: string[] }> {
  const label = jsonPath;
  let text: string;
  try {
    const st = await fsp.stat(jsonPath);
    if (st.size > MAX_MODEL_JSON_BYTES) throw new Error(`${st.size} bytes, more than ${MAX_MODEL_JSON_BYTES}`);
    text = await fsp.readFile(jsonPath, 'utf8');
  } catch (err) {
    throw new Error(`${label}: cannot read (${(err as Error).message})`);
  }
  const { json, topology } = parseTfjsModelJson(text, label);
  const weights = new Map<string, StoredArray & { group?: string }>();
  const order: string[] = [];
  const dir = path.dirname(jsonPath);
  for (const plan of planTfjsWeights(json, label)) {
    const sizes: number[] = [];
    for (const p of plan.paths) {
      const st = await fsp.stat(path.join(dir, p)).catch(() => null);
      if (!st || !st.isFile()) throw new Error(`${label}: weight shard "${p}" is missing`);
      sizes.push(st.size);
    }
    checkShardSizes(plan, sizes, label);
    const shards: Uint8Array[] = [];
    for (const p of plan.paths) shards.push(new Uint8Array(await fsp.readFile(path.join(dir, p))));
    decodeTfjsGroup(plan, shards, label, weights, order);
  }
  return { json, topology, weights, order };
}

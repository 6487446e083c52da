// Saving and loading models to paths (Node): .keras, legacy .h5, .weights.h5 and TensorFlow.js model.json, chosen by
// path; the byte-level work is model_bytes.ts (shared with the browser's saving, browser.ts).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Variable } from '../autograd/variable.js';
import { Model } from '../models/functional.js';
import { registerModelIO } from '../models/io.js';
import { writeFileAtomic } from '../utils/atomic.js';
import './h5_node.js';
import { buildTfjs, readTfjs, type TfjsWeight } from './tfjs.js';
import { optimizerOf, optimizerVariables, restoreCompile, restoreOptimizerState } from './compile_state.js';
import {
  buildModel, checkSavable, GENERATED_BY, kerasBytes, keras2Topology, keras2TrainingConfig, KERAS2_VERSION, legacyH5Bytes, modelFromBytes,
  weightsBytes, weightsFromBytes, type LoadOptions, type SaveOptions,
} from './model_bytes.js';

export { KERAS2_VERSION, KERAS3_VERSION, modelFromBytes } from './model_bytes.js';
export type { LoadOptions, SaveOptions } from './model_bytes.js';
export { registerSerializable } from './serializable.js';
export { setHdf5TimeoutMs } from './h5.js';
export { writeFileAtomic } from '../utils/atomic.js';

type Format = 'keras' | 'h5' | 'weights.h5' | 'tfjs';

function formatOf(p: string): Format {
  const lower = p.toLowerCase();
  if (lower.endsWith('.weights.h5')) return 'weights.h5';
  if (lower.endsWith('.keras')) return 'keras';
  if (lower.endsWith('.h5') || lower.endsWith('.hdf5')) return 'h5';
  if (lower.endsWith('.json') || !path.extname(lower) || lower.endsWith('/')) return 'tfjs';
  throw new Error(`${p}: unknown model format; use a path ending in .keras, .h5, .weights.h5, model.json or a directory`);
}

async function readBytes(p: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fsp.readFile(p));
  } catch (err) {
    throw new Error(`${p}: cannot read the file (${(err as Error).message})`);
  }
}

// ---------------------------------------------------------------- TensorFlow.js

function jsonPathOf(p: string): string {
  return p.toLowerCase().endsWith('.json') ? p : path.join(p, 'model.json');
}

async function saveTfjs(model: Model, target: string, includeOptimizer: boolean, shardBytes?: number): Promise<void> {
  const jsonPath = jsonPathOf(target);
  const dir = path.dirname(jsonPath);
  await fsp.mkdir(dir, { recursive: true });
  const weights: TfjsWeight[] = model.weights.map((v) => tfjsWeight(v, v.name));
  const opt = includeOptimizer ? optimizerOf(model) : null;
  if (opt) optimizerVariables(model).forEach((v, i) => weights.push({ ...tfjsWeight(v, `${opt.name}/${i === 0 ? 'iter' : v.name}`), group: 'optimizer' }));
  const topology = { ...keras2Topology(model), keras_version: `tfjs-layers ${KERAS2_VERSION}`, backend: 'tensor_flow.js' };
  const tc = includeOptimizer ? keras2TrainingConfig(model) : null;
  const { json, shards } = buildTfjs(topology, weights, { generatedBy: `keras v${KERAS2_VERSION}`, convertedBy: GENERATED_BY, shardBytes, ...(tc ? { trainingConfig: tc } : {}) });
  for (const s of shards) await writeFileAtomic(path.join(dir, s.name), s.data);
  await writeFileAtomic(jsonPath, JSON.stringify(json));
}

function tfjsWeight(v: Variable, name: string): TfjsWeight {
  const t = v.read();
  const int = v.dtype === 'int32';
  return { name, shape: [...t.shape], dtype: int ? 'int32' : 'float32', data: int ? Int32Array.from(t.data as Int32Array) : Float32Array.from(t.data as Float32Array) };
}

async function loadTfjsInto(model: Model | null, target: string, options: LoadOptions): Promise<Model> {
  const jsonPath = jsonPathOf(target);
  const { json, topology, weights, order } = await readTfjs(jsonPath);
  const storedBytes = [...weights.values()].reduce((a, w) => a + w.data.byteLength, 0);
  const m = model ?? buildModel(topology, jsonPath, storedBytes);
  const vars = m.weights;
  const modelKeys = order.filter((k) => !weights.get(k)!.group);
  const byName = vars.every((v) => weights.has(v.name));
  if (!byName && modelKeys.length !== vars.length) throw new Error(`${jsonPath}: the manifest holds ${modelKeys.length} weights, the model has ${vars.length}`);
  const values = vars.map((v, i) => {
    const key = byName ? v.name : modelKeys[i];
    const s = weights.get(key)!;
    if (s.shape.length !== v.shape.length || s.shape.some((d, j) => d !== v.shape[j])) {
      throw new Error(`${jsonPath}: weight "${key}" has shape [${s.shape.join(', ')}], the model's "${v.name}" has [${v.shape.join(', ')}]`);
    }
    return s;
  });
  vars.forEach((v, i) => v.assign(values[i].data as Float32Array));
  const tc = json.trainingConfig as Record<string, any> | undefined;
  if (!model && options.compile !== false && tc) {
    if (restoreCompile(m, { optimizer: tc.optimizer_config, loss: tc.loss, metrics: tc.metrics, lossWeights: tc.loss_weights }, jsonPath)) {
      const stored = order.filter((k) => weights.get(k)!.group === 'optimizer').map((k) => weights.get(k)!);
      if (stored.length > 0) restoreOptimizerState(m, stored, jsonPath);
    }
  }
  return m;
}

// ---------------------------------------------------------------- public API

/**
 * Saves a model; the format follows the path: `.keras` (Keras 3), `.h5` (legacy Keras HDF5),
 * `model.json` or a directory (TensorFlow.js layers format). Writes are atomic (temp file + rename).
 * @example await saveModel(model, 'my_model.keras');
 */
export async function saveModel(model: Model, file: string, options: SaveOptions = {}): Promise<void> {
  const includeOptimizer = options.includeOptimizer ?? true;
  checkSavable(model);
  const format = formatOf(file);
  if (format === 'keras') return writeFileAtomic(file, await kerasBytes(model, includeOptimizer));
  if (format === 'h5') return writeFileAtomic(file, await legacyH5Bytes(model, includeOptimizer));
  if (format === 'tfjs') return saveTfjs(model, file, includeOptimizer, options.shardSizeBytes);
  throw new Error(`${file}: a .weights.h5 path holds weights only; use saveWeights (model.saveWeights) for it`);
}

/**
 * Loads a model saved by layerwise, Keras (.keras, legacy .h5 from tf.keras 2 or Keras 3) or TensorFlow.js.
 * Loading never runs code from the file: unknown or Lambda layers are refused unless registered.
 * @example const model = await loadModel('my_model_A.h5');
 */
export async function loadModel(file: string, options: LoadOptions = {}): Promise<Model> {
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat) throw new Error(`${file}: no such file or directory`);
  if (stat.isDirectory() || file.toLowerCase().endsWith('.json')) return loadTfjsInto(null, file, options);
  return modelFromBytes(await readBytes(file), file, options);
}

/**
 * Saves the weights only: `.weights.h5` in the Keras 3 layout, `.h5` in the legacy layout.
 * @example await saveWeights(model, 'ckpt.weights.h5');
 */
export async function saveWeights(model: Model, file: string): Promise<void> {
  const format = formatOf(file);
  if (format === 'weights.h5' || format === 'h5') return writeFileAtomic(file, await weightsBytes(model, format));
  throw new Error(`${file}: saveWeights writes .weights.h5 (Keras 3) or .h5 (legacy) files`);
}

/** Loads weights into a built model from a .weights.h5, .h5, .keras or TensorFlow.js file; every shape is checked first. */
export async function loadWeights(model: Model, file: string): Promise<void> {
  const stat = await fsp.stat(file).catch(() => null);
  if (!stat) throw new Error(`${file}: no such file or directory`);
  if (stat.isDirectory() || file.toLowerCase().endsWith('.json')) {
    await loadTfjsInto(model, file, { compile: false });
    return;
  }
  await weightsFromBytes(model, await readBytes(file), file);
}

registerModelIO({
  save: (model, file, options) => saveModel(model, file, options as SaveOptions),
  saveWeights: (model, file) => saveWeights(model, file),
  loadWeights: (model, file) => loadWeights(model, file),
});

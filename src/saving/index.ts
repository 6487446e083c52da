// Saving and loading models: .keras, legacy .h5, .weights.h5 and TensorFlow.js model.json, chosen by path.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../autograd/variable.js';
import '../ops/index.js';
// Built-in layers register themselves on import: a loader must know every one of them.
import '../layers/index.js';
import { Layer } from '../layers/layer.js';
import { Optimizer } from '../optimizers/optimizer.js';
import { Loss } from '../losses/loss.js';
import { Metric } from '../metrics/metric.js';
import { Initializer } from '../initializers/initializer.js';
import { Regularizer } from '../regularizers/index.js';
import { Constraint } from '../constraints/index.js';
import { Model } from '../models/functional.js';
import { Sequential } from '../models/sequential.js';
import { registerModelIO } from '../models/io.js';
import { serializeLayer } from '../models/config.js';
import { writeFileAtomic } from '../utils/atomic.js';
import { lookupSerializable, registerSerializable as registerInRegistry, type RegistryKind, type SerializableClass } from './registry.js';
import { readHdf5, writeHdf5, isHdf5, type H5Group } from './h5.js';
import { readKerasZip, writeKerasZip } from './keras_zip.js';
import { loadWeightsH5, readOptimizerVars, weightsH5Ops } from './weights_h5.js';
import { isLegacyLayout, legacyOps, loadLegacyWeights, readLegacy, readLegacyOptimizer } from './legacy_h5.js';
import { buildTfjs, readTfjs, type TfjsWeight } from './tfjs.js';
import { prepareModelConfig, registerActivation, toKeras2ModelConfig, type WeightAllowance } from './serialization.js';
import { compileConfig, optimizerOf, optimizerVariables, restoreCompile, restoreLegacyOptimizerByName, restoreOptimizerState } from './compile_state.js';

export { setHdf5TimeoutMs } from './h5.js';
export { writeFileAtomic } from '../utils/atomic.js';

/** Format versions written into files (the layouts these Keras releases write). */
export const KERAS3_VERSION = '3.8.0';
export const KERAS2_VERSION = '2.15.0';
const GENERATED_BY = 'layerwise 0.1.0';

export interface SaveOptions {
  /** Save the compile configuration and optimizer state, so training can resume (default true). */
  includeOptimizer?: boolean;
  /** TensorFlow.js format only: bytes per weight shard (default 4 MiB; a weight may straddle two shards). */
  shardSizeBytes?: number;
}

export interface LoadOptions {
  /** Compile the model from its saved compile/training configuration (default true). */
  compile?: boolean;
}

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

function dateSaved(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}@${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

// ---------------------------------------------------------------- building a model from a config

/** Weights a config may declare: what its file (`fileBytes`) could hold raw, with room for optimizer slots. */
function weightAllowance(fileBytes: number): WeightAllowance {
  const total = 4 * fileBytes + (1 << 20);
  return { total, left: total };
}

function buildModel(modelConfig: unknown, label: string, fileBytes: number): Model {
  const { className, config } = prepareModelConfig(modelConfig, label, weightAllowance(fileBytes));
  const name = className === 'Model' ? 'Functional' : className;
  const cls = name === 'Sequential' ? Sequential : name === 'Functional' ? Model : (lookupSerializable('model', name) as unknown as typeof Model | undefined);
  if (!cls) throw new Error(`${label}: unknown model class "${className}"; register it with registerSerializable(cls)`);
  let model: unknown;
  try {
    model = cls.fromConfig(config as Record<string, any>);
  } catch (err) {
    throw new Error(`${label}: cannot rebuild the model from its config: ${(err as Error).message}`);
  }
  if (!(model instanceof Model)) throw new Error(`${label}: ${className}.fromConfig did not return a model`);
  if (!model.built) throw new Error(`${label}: the model config does not give an input shape, so its weights cannot be created`);
  return model;
}

// ---------------------------------------------------------------- .keras

async function saveKeras(model: Model, file: string, includeOptimizer: boolean): Promise<void> {
  const entry: Record<string, unknown> = { ...serializeLayer(model, model.inputs.length === 1 ? [...model.inputs[0].shape] : null) };
  const cc = compileConfig(model);
  if (cc) entry.compile_config = cc;
  const opt = includeOptimizer ? optimizerOf(model) : null;
  const weights = await writeHdf5(weightsH5Ops(model, opt ? { vars: optimizerVariables(model), name: opt.name } : undefined));
  const bytes = writeKerasZip({ metadata: { keras_version: KERAS3_VERSION, date_saved: dateSaved() }, config: entry, weights });
  await writeFileAtomic(file, bytes);
}

async function loadKeras(bytes: Uint8Array, label: string, options: LoadOptions): Promise<Model> {
  const archive = readKerasZip(bytes, label);
  const model = buildModel(archive.config, `${label} (config.json)`, archive.weights.length);
  const root = await readHdf5(archive.weights, `${label} (model.weights.h5)`);
  loadWeightsH5(root, model, `${label} (model.weights.h5)`);
  const cc = archive.config.compile_config as Record<string, any> | undefined;
  if (options.compile !== false && cc && typeof cc === 'object') {
    if (restoreCompile(model, { optimizer: cc.optimizer, loss: cc.loss, metrics: cc.metrics, lossWeights: cc.loss_weights }, label)) {
      const stored = readOptimizerVars(root, `${label} (model.weights.h5)`);
      if (stored) restoreOptimizerState(model, stored, label);
    }
  }
  return model;
}

// ---------------------------------------------------------------- legacy .h5

function keras2Topology(model: Model): Record<string, unknown> {
  return toKeras2ModelConfig(model.className, model.getConfig());
}

function keras2TrainingConfig(model: Model): Record<string, unknown> | null {
  const cc = compileConfig(model);
  if (!cc) return null;
  const opt = cc.optimizer as Record<string, unknown>;
  const k2 = toKeras2ModelConfig(String(opt.class_name), opt.config as Record<string, unknown>);
  return { loss: cc.loss, metrics: cc.metrics, weighted_metrics: null, loss_weights: cc.loss_weights, optimizer_config: k2 };
}

async function saveLegacyH5(model: Model, file: string, includeOptimizer: boolean): Promise<void> {
  const opt = includeOptimizer ? optimizerOf(model) : null;
  const ops = legacyOps({
    kerasVersion: KERAS2_VERSION,
    modelConfig: keras2Topology(model),
    trainingConfig: includeOptimizer ? keras2TrainingConfig(model) : null,
    layers: model.layers,
    optimizer: opt ? { name: opt.name, vars: optimizerVariables(model) } : undefined,
  });
  await writeFileAtomic(file, await writeHdf5(ops));
}

async function loadH5(bytes: Uint8Array, label: string, options: LoadOptions): Promise<Model> {
  const root = await readHdf5(bytes, label);
  if (!isLegacyLayout(root)) {
    if (root.children.has('layers') || root.children.has('vars')) throw new Error(`${label}: holds only weights (Keras 3 .weights.h5 layout); build the model and call loadWeights`);
    throw new Error(`${label}: not a Keras model file (no model_weights group or layer_names attribute)`);
  }
  const contents = readLegacy(root, label);
  if (!contents.modelConfig) throw new Error(`${label}: holds only weights (no model_config attribute); build the model and call loadWeights`);
  const model = buildModel(contents.modelConfig, label, bytes.length);
  loadLegacyWeights(contents.weightsGroup, model.layers, label);
  const tc = contents.trainingConfig;
  if (options.compile !== false && tc) {
    if (restoreCompile(model, { optimizer: tc.optimizer_config, loss: tc.loss, metrics: tc.metrics, lossWeights: tc.loss_weights }, label)) {
      const stored = readLegacyOptimizer(root, label);
      // Files from tf.keras 2 name their optimizer weights in its own order; layerwise's follow Keras 3's.
      if (stored && stored.arrays.length > 0 && !restoreLegacyOptimizerByName(model, stored.names, stored.arrays)) {
        restoreOptimizerState(model, stored.arrays, label);
      }
    }
  }
  return model;
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
  if (!(model instanceof Model)) throw new Error(`saveModel: expected a Sequential or Model, received ${String(model)}`);
  if (!model.built) throw new Error(`${model.className} "${model.name}": the model has no weights yet (give the first layer an inputShape, or call it on data) before saving`);
  const format = formatOf(file);
  if (format === 'keras') return saveKeras(model, file, includeOptimizer);
  if (format === 'h5') return saveLegacyH5(model, file, includeOptimizer);
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
  const bytes = await readBytes(file);
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return loadKeras(bytes, file, options);
  if (isHdf5(bytes)) return loadH5(bytes, file, options);
  if (file.toLowerCase().endsWith('.keras')) return loadKeras(bytes, file, options);
  if (file.toLowerCase().endsWith('.h5')) return loadH5(bytes, file, options);
  throw new Error(`${file}: not a model file (neither a .keras zip archive, an HDF5 file nor a TensorFlow.js model.json)`);
}

/**
 * Saves the weights only: `.weights.h5` in the Keras 3 layout, `.h5` in the legacy layout.
 * @example await saveWeights(model, 'ckpt.weights.h5');
 */
export async function saveWeights(model: Model, file: string): Promise<void> {
  const format = formatOf(file);
  if (format === 'weights.h5') return writeFileAtomic(file, await writeHdf5(weightsH5Ops(model)));
  if (format === 'h5') {
    const ops = legacyOps({ kerasVersion: KERAS2_VERSION, modelConfig: null, trainingConfig: null, layers: model.layers })
      .filter((op) => !(op.op === 'attr' && op.path === '/'))
      .map((op) => (op.path.startsWith('/model_weights') ? { ...op, path: op.path.slice('/model_weights'.length) || '/' } : op))
      .filter((op) => !(op.op === 'group' && op.path === '/'));
    return writeFileAtomic(file, await writeHdf5(ops));
  }
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
  const bytes = await readBytes(file);
  let root: H5Group;
  let label = file;
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    label = `${file} (model.weights.h5)`;
    root = await readHdf5(readKerasZip(bytes, file).weights, label);
  } else root = await readHdf5(bytes, file);
  if (isLegacyLayout(root)) loadLegacyWeights(readLegacy(root, label).weightsGroup, model.layers, label);
  else loadWeightsH5(root, model, label);
}

/**
 * Registers a user class (layer, optimizer, loss, metric, initializer, regularizer, constraint) so files
 * naming it can be loaded, or a custom activation function under the name files use for it. The kind is
 * inferred from the base class; the registry form `registerSerializable('layer', cls)` works too.
 * @example registerSerializable(MyLayer); registerSerializable(mySoftplus, { name: 'my_softplus' });
 */
export function registerSerializable(kind: RegistryKind, cls: SerializableClass, className?: string): void;
export function registerSerializable(cls: SerializableClass | ((x: Tensor) => Tensor), options?: { kind?: RegistryKind; name?: string }): void;
export function registerSerializable(
  a: RegistryKind | SerializableClass | ((x: Tensor) => Tensor),
  b?: SerializableClass | { kind?: RegistryKind; name?: string },
  className?: string,
): void {
  if (typeof a === 'string') {
    registerInRegistry(a, b as SerializableClass, className);
    return;
  }
  const options = (b ?? {}) as { kind?: RegistryKind; name?: string };
  if (typeof a === 'function' && !('fromConfig' in a)) {
    const name = options.name ?? a.name;
    if (!name) throw new Error('registerSerializable: an activation function needs a name (pass { name })');
    registerActivation(name, a as (x: Tensor) => Tensor);
    return;
  }
  const c = a as SerializableClass;
  if (typeof c.className !== 'string' || typeof c.fromConfig !== 'function') throw new Error('registerSerializable: expected a class with a static className and fromConfig');
  const kind = options.kind ?? kindOf(c);
  registerInRegistry(kind, c, options.name ?? c.className);
}

function kindOf(c: SerializableClass): RegistryKind {
  const proto = (c as unknown as { prototype: unknown }).prototype;
  const kinds: [RegistryKind, abstract new (...args: any[]) => unknown][] = [
    ['layer', Layer], ['optimizer', Optimizer], ['loss', Loss], ['metric', Metric],
    ['initializer', Initializer], ['regularizer', Regularizer], ['constraint', Constraint],
  ];
  for (const [kind, base] of kinds) if (proto instanceof base) return kind;
  throw new Error(`registerSerializable: cannot tell what kind of object ${c.className} is; pass { kind: 'layer' | 'initializer' | ... }`);
}

registerModelIO({
  save: (model, file, options) => saveModel(model, file, options as SaveOptions),
  saveWeights: (model, file) => saveWeights(model, file),
  loadWeights: (model, file) => loadWeights(model, file),
});

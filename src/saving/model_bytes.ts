// Models to and from bytes: .keras archives, legacy .h5 and .weights.h5 files, with no file system (browser-safe);
// src/saving/index.ts adds paths (Node), src/saving/browser.ts IndexedDB, downloads, URLs and Files.
import '../ops/index.js';
import '../layers/index.js';
import { Model } from '../models/functional.js';
import { Sequential } from '../models/sequential.js';
import { serializeLayer } from '../models/config.js';
import { lookupSerializable } from './registry.js';
import { readHdf5, writeHdf5, isHdf5, type H5Group } from './h5.js';
import { readKerasZip, writeKerasZip } from './keras_zip.js';
import { loadWeightsH5, readOptimizerVars, weightsH5Ops } from './weights_h5.js';
import { isLegacyLayout, legacyOps, loadLegacyWeights, readLegacy, readLegacyOptimizer } from './legacy_h5.js';
import { prepareModelConfig, toKeras2ModelConfig, type WeightAllowance } from './serialization.js';
import { compileConfig, optimizerOf, optimizerVariables, restoreCompile, restoreLegacyOptimizerByName, restoreOptimizerState } from './compile_state.js';

/** Format versions written into files (the layouts these Keras releases write). */
export const KERAS3_VERSION = '3.8.0';
export const KERAS2_VERSION = '2.15.0';
export const GENERATED_BY = 'layerwise 0.1.0';

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

export function dateSaved(): string {
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

export function buildModel(modelConfig: unknown, label: string, fileBytes: number): Model {
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

// ---------------------------------------------------------------- .keras

/** A model as the bytes of a Keras 3 .keras archive. */
export async function kerasBytes(model: Model, includeOptimizer: boolean): Promise<Uint8Array> {
  const entry: Record<string, unknown> = { ...serializeLayer(model, model.inputs.length === 1 ? [...model.inputs[0].shape] : null) };
  const cc = compileConfig(model);
  if (cc) entry.compile_config = cc;
  const opt = includeOptimizer ? optimizerOf(model) : null;
  const weights = await writeHdf5(weightsH5Ops(model, opt ? { vars: optimizerVariables(model), name: opt.name } : undefined));
  return writeKerasZip({ metadata: { keras_version: KERAS3_VERSION, date_saved: dateSaved() }, config: entry, weights });
}

/** A model from the bytes of a .keras archive; `label` names it in errors. */
export async function loadKeras(bytes: Uint8Array, label: string, options: LoadOptions): Promise<Model> {
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

export function keras2Topology(model: Model): Record<string, unknown> {
  return toKeras2ModelConfig(model.className, model.getConfig());
}

export function keras2TrainingConfig(model: Model): Record<string, unknown> | null {
  const cc = compileConfig(model);
  if (!cc) return null;
  const opt = cc.optimizer as Record<string, unknown>;
  const k2 = toKeras2ModelConfig(String(opt.class_name), opt.config as Record<string, unknown>);
  return { loss: cc.loss, metrics: cc.metrics, weighted_metrics: null, loss_weights: cc.loss_weights, optimizer_config: k2 };
}

/** A model as the bytes of a legacy Keras .h5 file. */
export async function legacyH5Bytes(model: Model, includeOptimizer: boolean): Promise<Uint8Array> {
  const opt = includeOptimizer ? optimizerOf(model) : null;
  const ops = legacyOps({
    kerasVersion: KERAS2_VERSION,
    modelConfig: keras2Topology(model),
    trainingConfig: includeOptimizer ? keras2TrainingConfig(model) : null,
    layers: model.layers,
    optimizer: opt ? { name: opt.name, vars: optimizerVariables(model) } : undefined,
  });
  return writeHdf5(ops);
}

/** A model from the bytes of a legacy .h5 file. */
export async function loadH5(bytes: Uint8Array, label: string, options: LoadOptions): Promise<Model> {
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

/** Throws unless `model` is a built Sequential or Model. */
export function checkSavable(model: Model): void {
  if (!(model instanceof Model)) throw new Error(`saveModel: expected a Sequential or Model, received ${String(model)}`);
  if (!model.built) throw new Error(`${model.className} "${model.name}": the model has no weights yet (give the first layer an inputShape, or call it on data) before saving`);
}

/** A model from the bytes of a .keras archive or a legacy .h5 file (told apart by their signatures). */
export async function modelFromBytes(bytes: Uint8Array, label: string, options: LoadOptions = {}): Promise<Model> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return loadKeras(bytes, label, options);
  if (isHdf5(bytes)) return loadH5(bytes, label, options);
  if (label.toLowerCase().endsWith('.keras')) return loadKeras(bytes, label, options);
  if (label.toLowerCase().endsWith('.h5')) return loadH5(bytes, label, options);
  throw new Error(`${label}: not a model file (neither a .keras zip archive, an HDF5 file nor a TensorFlow.js model.json)`);
}

/** The weights only, as a Keras 3 .weights.h5 ('weights.h5') or a legacy .h5 ('h5') file. */
export async function weightsBytes(model: Model, format: 'weights.h5' | 'h5'): Promise<Uint8Array> {
  if (format === 'weights.h5') return writeHdf5(weightsH5Ops(model));
  const ops = legacyOps({ kerasVersion: KERAS2_VERSION, modelConfig: null, trainingConfig: null, layers: model.layers })
    .filter((op) => !(op.op === 'attr' && op.path === '/'))
    .map((op) => (op.path.startsWith('/model_weights') ? { ...op, path: op.path.slice('/model_weights'.length) || '/' } : op))
    .filter((op) => !(op.op === 'group' && op.path === '/'));
  return writeHdf5(ops);
}

/** Loads weights into a built model from the bytes of a .weights.h5, .h5 or .keras file; every shape is checked first. */
export async function weightsFromBytes(model: Model, bytes: Uint8Array, file: string): Promise<void> {
  let root: H5Group;
  let label = file;
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) {
    label = `${file} (model.weights.h5)`;
    root = await readHdf5(readKerasZip(bytes, file).weights, label);
  } else root = await readHdf5(bytes, file);
  if (isLegacyLayout(root)) loadLegacyWeights(readLegacy(root, label).weightsGroup, model.layers, label);
  else loadWeightsH5(root, model, label);
}

// Legacy Keras HDF5 layout (tf.keras 2 / Keras 3 legacy .h5): root attrs, model_weights/<layer>/<weight>, optimizer_weights.
import type { Layer } from '../layers/layer.js';
import type { Variable } from '../autograd/variable.js';
import type { Tensor } from '../tensor/tensor.js';
import { attrString, attrStrings, h5Get, h5Group, readDataset, type H5Group, type H5WriteOp, type StoredArray } from './h5.js';
import { toTensorFor } from './weights_h5.js';
import { parsePythonJson } from './python_json.js';

/** Keras splits a list attribute in pieces when it exceeds the HDF5 object header limit (64 KiB). */
const HDF5_OBJECT_HEADER_LIMIT = 64512;

/** What a legacy file holds, before any of it is turned into a model. */
export interface LegacyContents {
  kerasVersion: string | null;
  backend: string | null;
  modelConfig: Record<string, any> | null;
  trainingConfig: Record<string, any> | null;
  /** The group holding per-layer weights (model_weights, or the root for save_weights files). */
  weightsGroup: H5Group;
}

function parseJsonAttr(root: H5Group, name: string, label: string): Record<string, any> | null {
  const text = attrString(root, name, label);
  if (text === null) return null;
  try {
    const v = parsePythonJson(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v as Record<string, any>;
  } catch (err) {
    throw new Error(`${label}: attribute "${name}" is not valid JSON (${(err as Error).message})`);
  }
}

export function readLegacy(root: H5Group, label: string): LegacyContents {
  const modelWeights = h5Group(root, 'model_weights');
  const weightsGroup = modelWeights ?? root;
  if (attrStrings(weightsGroup, 'layer_names', label) === null) {
    throw new Error(`${label}: not a Keras HDF5 file (no "layer_names" attribute on ${modelWeights ? '/model_weights' : 'the root group'})`);
  }
  return {
    kerasVersion: attrString(root, 'keras_version', label),
    backend: attrString(root, 'backend', label),
    modelConfig: parseJsonAttr(root, 'model_config', label),
    trainingConfig: parseJsonAttr(root, 'training_config', label),
    weightsGroup,
  };
}

/** Keras' load_weights_from_hdf5_group: layers with weights are matched to stored layers with weights by position. */
export function loadLegacyWeights(group: H5Group, layers: readonly Layer[], label: string): void {
  const names = attrStrings(group, 'layer_names', label) ?? [];
  const stored: { name: string; weightNames: string[] }[] = [];
  for (const name of names) {
    const g = h5Group(group, name) ?? (group.children.get(name)?.kind === 'group' ? (group.children.get(name) as H5Group) : undefined);
    if (!g) throw new Error(`${label}: layer "${name}" is listed in layer_names but has no group`);
    const weightNames = attrStrings(g, 'weight_names', label) ?? [];
    if (weightNames.length > 0) stored.push({ name, weightNames });
  }
  const withWeights = layers.filter((l) => l.weights.length > 0);
  if (stored.length !== withWeights.length) {
    throw new Error(
      `${label}: the file stores weights for ${stored.length} layers (${stored.map((s) => s.name).join(', ')}) ` +
      `but the model has ${withWeights.length} layers with weights (${withWeights.map((l) => l.name).join(', ')})`,
    );
  }
  const pairs: [Variable, Tensor][] = [];
  withWeights.forEach((layer, i) => {
    const s = stored[i];
    const vars = layer.weights;
    if (s.weightNames.length !== vars.length) {
      throw new Error(`${label}: layer "${s.name}" stores ${s.weightNames.length} weights but ${layer.className} "${layer.name}" has ${vars.length}`);
    }
    vars.forEach((v, j) => {
      // NOTE: weight names hold '/' (nested groups) and need not start with the layer's own name.
      const arr = readDataset(group, `${s.name}/${s.weightNames[j]}`, label, v.shape);
      pairs.push([v, toTensorFor(v, arr)]);
    });
  });
  for (const [v, t] of pairs) v.assign(t);
}

/** The stored optimizer weights and their names in weight_names order, or null when absent. */
export function readLegacyOptimizer(root: H5Group, label: string): { names: string[]; arrays: StoredArray[] } | null {
  const g = h5Group(root, 'optimizer_weights');
  if (!g) return null;
  const names = attrStrings(g, 'weight_names', label) ?? [];
  return { names, arrays: names.map((n) => readDataset(g, n, label)) };
}

function stringListAttr(path: string, name: string, values: string[]): H5WriteOp[] {
  if (values.length === 0) return [{ op: 'attr', path, name, type: 'float64', value: new Float64Array(0) }];
  const bytes = values.reduce((a, v) => a + Buffer.byteLength(v) + 16, 0);
  if (bytes < HDF5_OBJECT_HEADER_LIMIT) return [{ op: 'attr', path, name, type: 'ascii', value: values }];
  const pieces = Math.ceil(bytes / HDF5_OBJECT_HEADER_LIMIT) + 1;
  const per = Math.ceil(values.length / pieces);
  const ops: H5WriteOp[] = [];
  for (let i = 0; i * per < values.length; i++) ops.push({ op: 'attr', path, name: `${name}${i}`, type: 'ascii', value: values.slice(i * per, (i + 1) * per) });
  return ops;
}

function weightName(v: Variable): string {
  return `${v.name}:0`;
}

export interface LegacyWriteArgs {
  kerasVersion: string;
  modelConfig: Record<string, unknown> | null;
  trainingConfig: Record<string, unknown> | null;
  layers: readonly Layer[];
  optimizer?: { name: string; vars: readonly Variable[] };
}

/** Write operations for a legacy .h5 file, as tf.keras 2.x lays it out. */
export function legacyOps(args: LegacyWriteArgs): H5WriteOp[] {
  const ops: H5WriteOp[] = [
    { op: 'attr', path: '/', name: 'backend', type: 'utf8', value: 'tensorflow' },
    { op: 'attr', path: '/', name: 'keras_version', type: 'utf8', value: args.kerasVersion },
  ];
  if (args.modelConfig) ops.push({ op: 'attr', path: '/', name: 'model_config', type: 'ascii', value: JSON.stringify(args.modelConfig) });
  if (args.trainingConfig) ops.push({ op: 'attr', path: '/', name: 'training_config', type: 'ascii', value: JSON.stringify(args.trainingConfig) });
  const mw = '/model_weights';
  ops.push({ op: 'group', path: mw });
  ops.push({ op: 'attr', path: mw, name: 'backend', type: 'ascii', value: 'tensorflow' });
  ops.push({ op: 'attr', path: mw, name: 'keras_version', type: 'ascii', value: args.kerasVersion });
  ops.push(...stringListAttr(mw, 'layer_names', args.layers.map((l) => l.name)));
  const seen = new Set<string>();
  for (const layer of args.layers) {
    if (seen.has(layer.name)) throw new Error(`saving .h5: two layers are named "${layer.name}"; layer names must be unique`);
    seen.add(layer.name);
    const path = `${mw}/${layer.name}`;
    ops.push({ op: 'group', path });
    const names = layer.weights.map(weightName);
    ops.push(...stringListAttr(path, 'weight_names', names));
    layer.weights.forEach((v, i) => {
      const t = v.read();
      ops.push({ op: 'dataset', path: `${path}/${names[i]}`, shape: [...t.shape], dtype: 'float32', data: Float32Array.from(t.data as Float32Array) });
    });
  }
  ops.push({ op: 'group', path: `${mw}/top_level_model_weights` });
  ops.push(...stringListAttr(`${mw}/top_level_model_weights`, 'weight_names', []));
  if (args.optimizer && args.optimizer.vars.length > 0) {
    const og = '/optimizer_weights';
    const names = args.optimizer.vars.map((v, i) => `${args.optimizer!.name}/${i === 0 ? 'iter' : v.name}:0`);
    ops.push({ op: 'group', path: og });
    ops.push(...stringListAttr(og, 'weight_names', names));
    args.optimizer.vars.forEach((v, i) => {
      const t = v.read();
      if (i === 0) ops.push({ op: 'dataset', path: `${og}/${names[i]}`, shape: [], dtype: 'int64', data: BigInt64Array.of(BigInt(Math.round(Number(t.data[0])))) });
      else ops.push({ op: 'dataset', path: `${og}/${names[i]}`, shape: [...t.shape], dtype: 'float32', data: Float32Array.from(t.data as Float32Array) });
    });
  }
  return ops;
}

/** True when the file's group holds a model's weights in the legacy layout (layer_names attribute). */
export function isLegacyLayout(root: H5Group): boolean {
  const g = h5Group(root, 'model_weights') ?? root;
  return h5Get(g, '') !== undefined && (Object.prototype.hasOwnProperty.call(g.attrs, 'layer_names') || Object.prototype.hasOwnProperty.call(g.attrs, 'layer_names0'));
}

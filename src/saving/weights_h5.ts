// Keras 3 weights layout (.weights.h5 and the model.weights.h5 inside .keras): layers/<key>/vars/<i>, optimizer/vars/<i>.
import type { Layer } from '../layers/layer.js';
import type { Variable } from '../autograd/variable.js';
import { Tensor } from '../tensor/tensor.js';
import { toSnakeCase } from '../utils/naming.js';
import { datasetArray, h5Group, type H5Group, type H5WriteOp, type StoredArray } from './h5.js';

/** A layer or model that holds layers of its own (nested models are saved under their own key). */
interface LayerContainer {
  layers: Layer[];
}

function isContainer(l: unknown): l is Layer & LayerContainer {
  return typeof l === 'object' && l !== null && Array.isArray((l as Partial<LayerContainer>).layers);
}

/**
 * Keras 3 keys of a list of layers: snake_case(class name), then `_1`, `_2`... in layer order
 * (NOT the layers' names: the third Dense is `dense_2` whatever it is called).
 */
export function layerKeys(layers: readonly Layer[]): string[] {
  const seen = new Map<string, number>();
  return layers.map((l) => {
    const base = toSnakeCase(l.className);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  });
}

/** The variables a layer saves itself (nested layers excluded), in Keras order. */
function ownVariables(layer: Layer): Variable[] {
  if (!isContainer(layer)) return layer.weights;
  const nested = new Set(layer.layers.flatMap((l) => l.weights));
  return layer.weights.filter((v) => !nested.has(v));
}

function dtypeOf(v: Variable): 'float32' | 'float64' | 'int64' | 'int32' {
  return v.dtype === 'float64' ? 'float64' : v.dtype === 'int32' ? 'int32' : 'float32';
}

function varOps(prefix: string, vars: readonly Variable[], name: string): H5WriteOp[] {
  const ops: H5WriteOp[] = [{ op: 'group', path: `${prefix}/vars` }, { op: 'attr', path: `${prefix}/vars`, name: 'name', type: 'utf8', value: name }];
  vars.forEach((v, i) => {
    const t = v.read();
    ops.push({ op: 'dataset', path: `${prefix}/vars/${i}`, shape: [...t.shape], dtype: dtypeOf(v), data: t.data as Float32Array });
  });
  return ops;
}

function layerOps(prefix: string, layers: readonly Layer[]): H5WriteOp[] {
  const ops: H5WriteOp[] = [{ op: 'group', path: `${prefix}/layers` }];
  const keys = layerKeys(layers);
  layers.forEach((layer, i) => {
    const p = `${prefix}/layers/${keys[i]}`;
    ops.push(...varOps(p, ownVariables(layer), layer.name));
    if (isContainer(layer)) ops.push(...layerOps(p, layer.layers));
  });
  return ops;
}

/** The optimizer's state as Keras writes it: iterations as int64, then learning_rate and slots. */
export function optimizerOps(prefix: string, vars: readonly Variable[], name: string): H5WriteOp[] {
  const ops: H5WriteOp[] = [{ op: 'group', path: `${prefix}/vars` }, { op: 'attr', path: `${prefix}/vars`, name: 'name', type: 'utf8', value: name }];
  vars.forEach((v, i) => {
    const t = v.read();
    if (i === 0) ops.push({ op: 'dataset', path: `${prefix}/vars/0`, shape: [], dtype: 'int64', data: BigInt64Array.of(BigInt(Math.round(Number(t.data[0])))) });
    else ops.push({ op: 'dataset', path: `${prefix}/vars/${i}`, shape: [...t.shape], dtype: 'float32', data: Float32Array.from(t.data as Float32Array) });
  });
  return ops;
}

/** HDF5 write operations for a model's weights (and optionally its optimizer) in the Keras 3 layout. */
export function weightsH5Ops(model: Layer & LayerContainer, optimizer?: { vars: readonly Variable[]; name: string }): H5WriteOp[] {
  const ops = layerOps('', model.layers);
  if (optimizer && optimizer.vars.length > 0) ops.push(...optimizerOps('/optimizer', optimizer.vars, optimizer.name));
  ops.push(...varOps('', ownVariables(model), model.name));
  return ops;
}

/** Finds `<prefix>layers/<key>/vars`, also as Keras 2.15 on Windows wrote it: one link named `layers\<key>`. */
function varsGroup(root: H5Group, prefix: string, key: string): H5Group | undefined {
  return h5Group(root, `${prefix}layers/${key}/vars`) ?? h5Group(root, `${prefix}layers\\${key}/vars`);
}

/** The datasets 0..n-1 of a vars group, numerically ordered (HDF5 lists them as 0, 1, 10, 11, 2...). */
export function varsArrays(group: H5Group, what: string): { key: string; array: () => StoredArray; shape: number[] }[] {
  const keys = [...group.children.keys()];
  const nums = keys.map((k) => (/^\d+$/.test(k) ? Number(k) : NaN));
  if (nums.some((n) => Number.isNaN(n))) throw new Error(`${what}: unexpected entry "${keys[nums.findIndex((n) => Number.isNaN(n))]}" (expected 0, 1, 2...)`);
  const sorted = [...nums].sort((a, b) => a - b);
  sorted.forEach((n, i) => {
    if (n !== i) throw new Error(`${what}: variables are not numbered 0..${keys.length - 1} (found ${sorted.join(', ')})`);
  });
  return sorted.map((n) => {
    const node = group.children.get(String(n))!;
    if (node.kind !== 'dataset') throw new Error(`${what}/${n} should be a dataset, found a group`);
    return { key: String(n), shape: node.shape, array: () => datasetArray(node, `${what}/${n}`) };
  });
}

/** A stored array as a float32 tensor, after checking it has the variable's shape. */
export function toTensorFor(v: Variable, arr: StoredArray): Tensor {
  const data = v.dtype === 'int32' ? Int32Array.from(arr.data as ArrayLike<number>, Number) : Float32Array.from(arr.data as ArrayLike<number>, Number);
  return new Tensor(data, [...arr.shape], v.dtype === 'int32' ? 'int32' : 'float32');
}

function checkedAssign(vars: readonly Variable[], group: H5Group, what: string, layerDesc: string): Tensor[] {
  const stored = varsArrays(group, what);
  if (stored.length !== vars.length) {
    throw new Error(`${what}: ${layerDesc} has ${vars.length} weights but the file stores ${stored.length}`);
  }
  return vars.map((v, i) => {
    const s = stored[i];
    if (s.shape.length !== v.shape.length || s.shape.some((d, j) => d !== v.shape[j])) {
      throw new Error(`${what}/${i}: ${layerDesc} weight "${v.name}" has shape [${v.shape.join(', ')}], the file stores [${s.shape.join(', ')}]`);
    }
    return toTensorFor(v, s.array());
  });
}

function collectLayers(root: H5Group, prefix: string, layers: readonly Layer[], label: string, out: [Variable, Tensor][]): void {
  const keys = layerKeys(layers);
  layers.forEach((layer, i) => {
    const own = ownVariables(layer);
    const group = varsGroup(root, prefix, keys[i]);
    const desc = `${layer.className} "${layer.name}"`;
    if (!group) {
      if (own.length > 0) throw new Error(`${label}: no weights stored for ${desc} (expected group ${prefix}layers/${keys[i]}/vars)`);
    } else {
      const tensors = checkedAssign(own, group, `${label}: ${prefix}layers/${keys[i]}/vars`, desc);
      own.forEach((v, j) => out.push([v, tensors[j]]));
    }
    if (isContainer(layer)) collectLayers(root, `${prefix}layers/${keys[i]}/`, layer.layers, label, out);
  });
}

/** Reads every layer's weights from a Keras 3 weights file and assigns them (all checked before any is assigned). */
export function loadWeightsH5(root: H5Group, model: Layer & LayerContainer, label: string): void {
  const pairs: [Variable, Tensor][] = [];
  collectLayers(root, '', model.layers, label, pairs);
  const own = ownVariables(model);
  const top = h5Group(root, 'vars');
  if (own.length > 0) {
    if (!top) throw new Error(`${label}: no weights stored for the model's own variables (group /vars)`);
    checkedAssign(own, top, `${label}: vars`, `${model.className} "${model.name}"`).forEach((t, j) => pairs.push([own[j], t]));
  }
  for (const [v, t] of pairs) v.assign(t);
}

/** The stored optimizer variables (optimizer/vars/<i>), or null when the file has none. */
export function readOptimizerVars(root: H5Group, label: string): StoredArray[] | null {
  const group = h5Group(root, 'optimizer/vars');
  if (!group) return null;
  return varsArrays(group, `${label}: optimizer/vars`).map((s) => s.array());
}

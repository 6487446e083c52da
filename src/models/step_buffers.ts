// After a training step: hands the forward pass's dead buffers (layer outputs and op intermediates) back to the backend.
import type { Tensor } from '../tensor/tensor.js';
import type { Tape } from '../autograd/tape.js';
import type { TypedArray } from '../tensor/dtype.js';
import { backend } from '../backend/registry.js';
import { storageKey } from '../backend/storage_key.js';
import { outputsAreInternal, type Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import type { Model } from './functional.js';
import { envVar } from '../utils/env.js';

/** Whether every layer (nested models' too) is a built-in that keeps no reference to the tensors it computes. */
function builtInsOnly(layers: readonly Layer[]): boolean {
  return layers.every((l) => l instanceof InputLayer || outputsAreInternal(l) ||
    (isModel(l) && !l.isSubclassed && builtInsOnly(l.layers)));
}

function isModel(l: Layer): l is Model {
  return (l as Partial<Model>).callList !== undefined && (l as Partial<Model>).isSubclassed !== undefined;
}

/**
 * Recycles the storage of every tensor the step's tape recorded, except `keep` (inputs, targets, predictions, the
 * loss) and any tensor sharing storage with a leaf of the tape (a variable's value, an input, a constant: a view
 * such as a reshaped kernel): once the update and the metrics are done nothing reads them (the tape is dropped).
 * Only for models made of built-in layers, which keep no reference to what they compute; without this, each step's
 * activations (a CNN's: 10 MB at batch 32) were fresh allocations left to V8's GC.
 */
export function recycleStepBuffers(model: Model, tape: Tape, keep: readonly Tensor[]): void {
  const bk = backend();
  if (!bk.recycle || tape.nodes.length === 0 || model.isSubclassed || !builtInsOnly(model.layers)) return;
  const kept = new Set<object>();
  for (const t of keep) kept.add(storageKey(t.data));
  const produced = new Set<number>();
  for (const node of tape.nodes) produced.add(node.output.id);
  for (const node of tape.nodes) for (const x of node.inputs) if (!produced.has(x.id)) kept.add(storageKey(x.data));
  const dead = new Map<object, TypedArray>();
  for (const node of tape.nodes) {
    const d = node.output.data;
    const k = storageKey(d);
    if (!kept.has(k)) dead.set(k, d);
  }
  if (dead.size > 0) bk.recycle([...dead.values()]);
}

/**
 * Whether trainStep hands the forward pass's buffers back after each step (on by default; LAYERWISE_REUSE_STEP_BUFFERS=0
 * turns it off). Both give the same weights: the bench and tests compare them through this switch.
 * @internal
 */
export const reuseStepBuffers = { enabled: envVar('LAYERWISE_REUSE_STEP_BUFFERS') !== '0' };

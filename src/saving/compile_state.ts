// Compile configuration and optimizer state: written from a compiled model, restored so training resumes.
import type { Variable } from '../autograd/variable.js';
import type { Model } from '../models/functional.js';
import { Optimizer } from '../optimizers/optimizer.js';
import * as optimizers from '../optimizers/index.js';
import * as losses from '../losses/index.js';
import { Loss } from '../losses/loss.js';
import { Tensor } from '../tensor/tensor.js';
import type { StoredArray } from './h5.js';
import { metricIds } from './serialization.js';

/** The compiled optimizer when it is a layerwise Optimizer (configs and state need one). */
export function optimizerOf(model: Model): Optimizer | null {
  const o = model.compiled?.optimizer;
  return o instanceof Optimizer ? o : null;
}

function lossEntry(loss: Loss | null): unknown {
  if (!loss) return null;
  const canonical = losses.canonicalLossName(loss.name);
  const isDefault = canonical !== null && losses.get(canonical).className === loss.className && JSON.stringify(losses.get(canonical).getConfig()) === JSON.stringify(loss.getConfig());
  return isDefault ? canonical : losses.serialize(loss);
}

/** Keras 3 compile_config of a compiled model (null when not compiled with a layerwise optimizer). */
export function compileConfig(model: Model): Record<string, unknown> | null {
  const c = model.compiled;
  const opt = optimizerOf(model);
  if (!c || !opt) return null;
  const lossList = c.losses.map(lossEntry);
  const single = c.losses.length === 1;
  return {
    optimizer: optimizers.serialize(opt),
    loss: single ? lossList[0] : lossList,
    loss_weights: single && c.lossWeights[0] === 1 ? null : c.lossWeights,
    metrics: single ? c.metrics.map((m) => m.name) : null,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

/** The optimizer's variables after building it on the variables fit trains (so slots exist and order is fixed). */
export function optimizerVariables(model: Model): Variable[] {
  const opt = optimizerOf(model);
  if (!opt) return [];
  opt.build(model.compiled?.trainable ?? model.trainableWeights);
  return opt.variables();
}

/** Keras 2 optimizer configs carry keys Keras 3 optimizers no longer take. */
const LEGACY_OPTIMIZER_KEYS = ['decay', 'is_legacy_optimizer', 'jit_compile'];

export interface CompileSpec {
  optimizer: unknown;
  loss: unknown;
  metrics?: unknown;
  lossWeights?: unknown;
}

/** Compiles a loaded model from its saved compile/training config; on failure warns and leaves it uncompiled. */
export function restoreCompile(model: Model, spec: CompileSpec, label: string): boolean {
  try {
    let entry = spec.optimizer as Record<string, any> | string;
    if (entry && typeof entry === 'object') {
      const config = { ...(entry.config ?? {}) } as Record<string, unknown>;
      for (const k of LEGACY_OPTIMIZER_KEYS) delete config[k];
      entry = { ...entry, class_name: String(entry.class_name).replace(/^Custom>/, ''), config };
    }
    const optimizer = optimizers.deserialize(entry as { class_name: string; config?: Record<string, any> });
    const rawLoss = spec.loss;
    const loss = rawLoss && typeof rawLoss === 'object' && !Array.isArray(rawLoss) && 'class_name' in rawLoss ? losses.deserialize(rawLoss as { class_name: string }) : rawLoss;
    const metrics = metricIds(spec.metrics);
    const lossWeights = Array.isArray(spec.lossWeights) ? (spec.lossWeights as number[]) : undefined;
    model.compile({ optimizer, loss: loss as any, metrics: metrics as any, ...(lossWeights ? { lossWeights } : {}) });
    return true;
  } catch (err) {
    console.warn(`Warning: ${label}: the model was loaded without compiling it (${(err as Error).message}); call compile() before training.`);
    return false;
  }
}

/** Restores optimizer state saved by Keras or layerwise, when it matches this optimizer variable for variable. */
export function restoreOptimizerState(model: Model, stored: StoredArray[], label: string): boolean {
  const opt = optimizerOf(model);
  if (!opt) return false;
  const vars = optimizerVariables(model);
  const mismatch = stored.length !== vars.length
    ? `the file stores ${stored.length} optimizer variables, ${opt.className} has ${vars.length}`
    : vars.map((v, i) => (stored[i].data.length !== v.shape.reduce((a, b) => a * b, 1) ? `variable ${i} ("${v.name}") has ${stored[i].data.length} values, expected shape [${v.shape.join(', ')}]` : '')).find((m) => m);
  if (mismatch) {
    console.warn(`Warning: ${label}: optimizer state not restored (${mismatch}); training restarts the optimizer.`);
    return false;
  }
  opt.setVariables(stored.map((s, i) => new Tensor(vars[i].dtype === 'int32' ? Int32Array.from(s.data as ArrayLike<number>, Number) : Float32Array.from(s.data as ArrayLike<number>, Number), [...vars[i].shape], vars[i].dtype === 'int32' ? 'int32' : 'float32')));
  return true;
}

/** tf.keras 2 slot names for each Keras 3 slot name (Adam's m/v, RMSprop's rms/mg, Adadelta's accum_*...). */
const KERAS2_SLOTS: Record<string, string[]> = {
  momentum: ['momentum', 'm'],
  velocity: ['velocity', 'v', 'rms'],
  velocity_hat: ['vhat'],
  average_gradient: ['mg'],
  accumulator: ['accumulator'],
  accumulated_grad: ['accum_grad'],
  accumulated_delta_var: ['accum_var'],
  m: ['m'],
  u: ['v', 'u'],
};

/**
 * Restores tf.keras 2 optimizer weights by name ('SGD/iter:0', 'Adam/dense/kernel/m:0'...): their order and
 * slot names differ from Keras 3's. Returns false (nothing assigned) unless every slot is found with its shape.
 */
export function restoreLegacyOptimizerByName(model: Model, names: readonly string[], stored: readonly StoredArray[]): boolean {
  const opt = optimizerOf(model);
  if (!opt || names.length !== stored.length) return false;
  const byName = new Map<string, StoredArray>();
  names.forEach((n, i) => byName.set(n.replace(/:0$/, '').replace(/^[^/]*\//, ''), stored[i]));
  const iter = byName.get('iter');
  if (!iter || iter.data.length !== 1) return false;
  const vars = optimizerVariables(model);
  const values = new Map<Variable, ArrayLike<number>>([[vars[0], [Number(iter.data[0])]]]);
  for (const w of model.compiled?.trainable ?? model.trainableWeights) {
    for (const slot of opt.slotsOf(w) ?? []) {
      const spec = slot.name.startsWith(`${w.name}_`) ? slot.name.slice(w.name.length + 1) : slot.name;
      const found = (KERAS2_SLOTS[spec] ?? [spec]).map((k) => byName.get(`${w.name}/${k}`)).find((s) => s !== undefined);
      if (!found || found.data.length !== slot.shape.reduce((a, b) => a * b, 1)) return false;
      values.set(slot, Float32Array.from(found.data as ArrayLike<number>, Number));
    }
  }
  // Extra state after the slots (Nadam's u_product is tf.keras 2's momentum_cache).
  const extras = vars.slice(1).filter((v) => !values.has(v) && v.name !== 'learning_rate');
  const cache = byName.get('momentum_cache');
  for (const v of extras) {
    if (!cache || !/u_product/.test(v.name)) return false;
    values.set(v, [Number(cache.data[0])]);
  }
  opt.setVariables(vars.map((v) => values.get(v) ?? v.read()));
  return true;
}

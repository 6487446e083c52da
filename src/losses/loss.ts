// The Loss base class: per-sample losses from `call`, then Keras' sample weighting, masking and reduction.
import { Tensor } from '../tensor/tensor.js';
import { isFloat, type DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { castTo, div, expandDims, mul, squeeze, sum } from '../ops/index.js';
import { toTensor, type Arg } from '../ops/convert.js';
import { snakeToCamel, toSnakeCase } from '../utils/naming.js';

/** How per-sample losses are aggregated: Keras' `reduction` argument. */
export type Reduction = 'sum_over_batch_size' | 'sum' | 'none' | 'mean' | 'mean_with_sample_weight';

const REDUCTIONS: readonly string[] = ['sum_over_batch_size', 'sum', 'none', 'mean', 'mean_with_sample_weight'];

export interface LossOptions {
  /** Default 'sum_over_batch_size' (the mean over every per-sample loss value). */
  reduction?: Reduction | null;
  name?: string;
}

/** The float dtype a loss computes in: y_pred's if it is float, else float32. */
export function lossDtype(yPred: Tensor): DType {
  return isFloat(yPred.dtype) ? yPred.dtype : 'float32';
}

/** Keras' squeeze_or_expand_to_same_rank: fixes a trailing size-1 axis when ranks differ by exactly one. */
export function squeezeOrExpandToSameRank(x1: Tensor, x2: Tensor, expandRank1 = true): [Tensor, Tensor] {
  const r1 = x1.rank;
  const r2 = x2.rank;
  if (r1 === r2) return [x1, x2];
  if (r1 === r2 + 1 && x1.shape[r1 - 1] === 1) {
    if (r2 === 1 && expandRank1) x2 = expandDims(x2, -1);
    else x1 = squeeze(x1, -1);
  }
  if (r2 === r1 + 1 && x2.shape[r2 - 1] === 1) {
    if (r1 === 1 && expandRank1) x1 = expandDims(x1, -1);
    else x2 = squeeze(x2, -1);
  }
  return [x1, x2];
}

/** Keras' reduce_weighted_values: weights (and mask) multiply the per-sample losses, then `reduction` aggregates. */
export function reduceWeightedValues(
  values: Tensor,
  sampleWeight: Tensor | null | undefined,
  mask: Tensor | null,
  reduction: Reduction | null,
): Tensor {
  const dtype = values.dtype;
  let sw: Tensor | null = sampleWeight ? castTo(sampleWeight, dtype) : null;
  if (mask) {
    let m = castTo(mask, dtype);
    if (reduction === 'sum_over_batch_size' || reduction === 'mean') {
      // NOTE: valid entries weigh total/valid so the batch mean becomes a mean over valid entries (Keras apply_mask).
      const valid = m.sum().item();
      m = mul(m, valid === 0 ? 0 : m.size / valid);
    }
    if (sw) {
      const [a, b] = squeezeOrExpandToSameRank(m, sw);
      sw = mul(b, a);
    } else {
      sw = m;
    }
  }
  if (sw) {
    const [v, w] = squeezeOrExpandToSameRank(values, sw);
    try {
      values = mul(v, w);
    } catch {
      throw new Error(`Loss: sample weights of shape ${formatShape(sw.shape)} do not broadcast against per-sample losses of shape ${formatShape(values.shape)}`);
    }
  }
  if (reduction === null || reduction === 'none' || values.rank === 0 || values.size === 0) return values;
  const total = sum(values);
  if (reduction === 'sum') return total;
  if (reduction === 'mean_with_sample_weight' && sw) {
    const d = sw.sum().item();
    return d === 0 ? mul(total, 0) : div(total, d);
  }
  return div(total, values.size);
}

/**
 * Base class of every loss: `call` returns per-sample losses, `apply` weights and reduces them.
 * @example
 * const loss = new losses.MeanSquaredError();
 * loss.apply(yTrue, yPred);   // scalar Tensor
 */
export abstract class Loss {
  static readonly className: string = 'Loss';
  name: string;
  reduction: Reduction | null;

  constructor(options: LossOptions = {}) {
    // NOTE: tf.keras 2 configs say 'auto', which means sum_over_batch_size outside tf.distribute.
    const given = options.reduction as string | null | undefined;
    const reduction = (given === undefined || given === 'auto' ? 'sum_over_batch_size' : given) as Reduction | null;
    if (reduction !== null && !REDUCTIONS.includes(reduction)) {
      throw new Error(`Loss: invalid reduction '${String(reduction)}'; expected one of ${REDUCTIONS.join(', ')}`);
    }
    this.reduction = reduction;
    this.name = options.name ?? toSnakeCase((this.constructor as typeof Loss).className);
  }

  get className(): string {
    return (this.constructor as typeof Loss).className;
  }

  /** Per-sample losses (usually the mean over the last axis), before weighting and reduction. */
  abstract call(yTrue: Tensor, yPred: Tensor): Tensor;

  /** An optional mask over the per-sample losses (e.g. ignore_class); null when every entry counts. */
  /** @internal */
  lossMask(_yTrue: Tensor, _yPred: Tensor): Tensor | null {
    return null;
  }

  /** Keras' `loss(y_true, y_pred, sample_weight)`: a scalar unless reduction is 'none'. */
  apply(yTrue: Arg, yPred: Arg, sampleWeight?: Arg | null): Tensor {
    const p0 = toTensor(yPred);
    const p = castTo(p0, lossDtype(p0));
    const t = toTensor(yTrue);
    const values = this.call(t, p);
    const mask = this.lossMask(t, p);
    const sw = sampleWeight === undefined || sampleWeight === null ? null : toTensor(sampleWeight);
    return reduceWeightedValues(values, sw, mask, this.reduction);
  }

  /** Keras-style config (snake_case keys). */
  getConfig(): Record<string, unknown> {
    return { name: this.name, reduction: this.reduction };
  }

  /** Rebuilds a loss from its config: snake_case keys become the camelCase constructor options. */
  static fromConfig(config: Record<string, any>): Loss {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) options[snakeToCamel(k)] = v;
    return new (this as unknown as new (o: Record<string, unknown>) => Loss)(options);
  }
}

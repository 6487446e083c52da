// Loss classes (Keras 3 names, defaults and configs) wrapping the per-sample functions.
import type { Tensor } from '../tensor/tensor.js';
import { castTo, expandDims, notEqual, reshape, mul, where } from '../ops/index.js';
import { registerSerializable } from '../saving/registry.js';
import { Loss, squeezeOrExpandToSameRank, type LossOptions } from './loss.js';
import * as F from './functions.js';

/** A per-sample loss function: (yTrue, yPred) -> losses with the batch axes. */
export type LossFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Keras' LossFunctionWrapper: aligns ranks (trailing size-1 axis) then calls `fn`. */
export class LossFunctionWrapper extends Loss {
  static override readonly className: string = 'LossFunctionWrapper';
  readonly fn: LossFn;

  constructor(fn: LossFn, options: LossOptions = {}) {
    super({ ...options, name: options.name ?? (fn.name ? fn.name : undefined) });
    this.fn = fn;
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    const [t, p] = squeezeOrExpandToSameRank(yTrue, yPred);
    return this.fn(t, p);
  }

  static override fromConfig(_config: Record<string, any>): Loss {
    throw new Error('LossFunctionWrapper: a wrapped function cannot be deserialized; register a Loss subclass instead');
  }
}

function simple(className: string, fn: LossFn, defaultName: string) {
  const cls = class extends LossFunctionWrapper {
    static override readonly className = className;
    constructor(options: LossOptions = {}) {
      super(fn, { ...options, name: options.name ?? defaultName });
    }
    static override fromConfig(config: Record<string, any>): Loss {
      return new cls({ name: config.name, reduction: config.reduction });
    }
  };
  return cls;
}

/** mean((y_pred - y_true)^2) over the last axis. */
export const MeanSquaredError = simple('MeanSquaredError', F.meanSquaredError, 'mean_squared_error');
/** mean(|y_pred - y_true|) over the last axis. */
export const MeanAbsoluteError = simple('MeanAbsoluteError', F.meanAbsoluteError, 'mean_absolute_error');
/** 100 * mean(|(y_true - y_pred) / y_true|). */
export const MeanAbsolutePercentageError = simple('MeanAbsolutePercentageError', F.meanAbsolutePercentageError, 'mean_absolute_percentage_error');
/** mean((log(1 + y_pred) - log(1 + y_true))^2). */
export const MeanSquaredLogarithmicError = simple('MeanSquaredLogarithmicError', F.meanSquaredLogarithmicError, 'mean_squared_logarithmic_error');
/** sum(y_true * log(y_true / y_pred)). */
export const KLDivergence = simple('KLDivergence', F.klDivergence, 'kl_divergence');
/** mean(max(1 - y_true*y_pred, 0)); 0/1 labels become -1/1. */
export const Hinge = simple('Hinge', F.hinge, 'hinge');
/** mean(max(1 - y_true*y_pred, 0)^2). */
export const SquaredHinge = simple('SquaredHinge', F.squaredHinge, 'squared_hinge');
/** max(neg - pos + 1, 0) for one-hot labels. */
export const CategoricalHinge = simple('CategoricalHinge', F.categoricalHinge, 'categorical_hinge');
/** log(cosh(y_pred - y_true)), averaged over the last axis. */
export const LogCosh = simple('LogCosh', F.logCosh, 'log_cosh');

export interface BinaryCrossentropyOptions extends LossOptions {
  fromLogits?: boolean;
  labelSmoothing?: number;
  axis?: number;
}

/** Shared parts of the binary and categorical cross-entropies: fromLogits, labelSmoothing and axis. */
abstract class SmoothedCrossentropy extends LossFunctionWrapper {
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
  readonly axis: number;

  constructor(options: BinaryCrossentropyOptions, fn: typeof F.binaryCrossentropy, defaultName: string) {
    const { fromLogits = false, labelSmoothing = 0, axis = -1 } = options;
    super((t, p) => fn(t, p, fromLogits, labelSmoothing, axis), { ...options, name: options.name ?? defaultName });
    this.fromLogits = fromLogits;
    this.labelSmoothing = labelSmoothing;
    this.axis = axis;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), from_logits: this.fromLogits, label_smoothing: this.labelSmoothing, axis: this.axis };
  }

  static override fromConfig<T extends SmoothedCrossentropy>(this: new (options: BinaryCrossentropyOptions) => T, c: Record<string, any>): T {
    return new this({ name: c.name, reduction: c.reduction, fromLogits: c.from_logits, labelSmoothing: c.label_smoothing, axis: c.axis });
  }
}

/** Binary cross-entropy; probabilities are clipped to [1e-7, 1 - 1e-7] unless fromLogits. */
export class BinaryCrossentropy extends SmoothedCrossentropy {
  static override readonly className = 'BinaryCrossentropy';

  constructor(options: BinaryCrossentropyOptions = {}) {
    super(options, F.binaryCrossentropy, 'binary_crossentropy');
  }
}

export type CategoricalCrossentropyOptions = BinaryCrossentropyOptions;

/** Categorical cross-entropy on one-hot labels; probabilities are renormalized then clipped unless fromLogits. */
export class CategoricalCrossentropy extends SmoothedCrossentropy {
  static override readonly className = 'CategoricalCrossentropy';

  constructor(options: CategoricalCrossentropyOptions = {}) {
    super(options, F.categoricalCrossentropy, 'categorical_crossentropy');
  }
}

export interface SparseCategoricalCrossentropyOptions extends LossOptions {
  fromLogits?: boolean;
  /** A label value whose samples are left out (masked) of the loss. */
  ignoreClass?: number | null;
}

/** Cross-entropy with integer labels of shape [batch] or [batch, 1] (int, uint8 or float). */
export class SparseCategoricalCrossentropy extends Loss {
  static override readonly className = 'SparseCategoricalCrossentropy';
  readonly fromLogits: boolean;
  readonly ignoreClass: number | null;

  constructor(options: SparseCategoricalCrossentropyOptions = {}) {
    super({ ...options, name: options.name ?? 'sparse_categorical_crossentropy' });
    this.fromLogits = options.fromLogits ?? false;
    this.ignoreClass = options.ignoreClass ?? null;
  }

  private validMask(yTrue: Tensor, yPred: Tensor): Tensor {
    const labels = yTrue.rank === yPred.rank && yTrue.shape[yTrue.rank - 1] === 1 ? reshape(yTrue, yTrue.shape.slice(0, -1)) : yTrue;
    return notEqual(castTo(labels, 'float64'), this.ignoreClass as number);
  }

  call(yTrue: Tensor, yPred: Tensor): Tensor {
    if (this.ignoreClass === null) return F.sparseCategoricalCrossentropy(yTrue, yPred, this.fromLogits);
    const valid = this.validMask(yTrue, yPred);
    const labels = mul(castTo(yTrue, 'float64'), castTo(reshape(valid, yTrue.shape), 'float64'));
    const pred = mul(yPred, castTo(expandDims(valid, -1), yPred.dtype));
    const res = F.sparseCategoricalCrossentropy(labels, pred, this.fromLogits);
    return where(valid, res, 0);
  }

  override lossMask(yTrue: Tensor, yPred: Tensor): Tensor | null {
    return this.ignoreClass === null ? null : this.validMask(yTrue, yPred);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), from_logits: this.fromLogits, ignore_class: this.ignoreClass };
  }

  static override fromConfig(c: Record<string, any>): SparseCategoricalCrossentropy {
    return new SparseCategoricalCrossentropy({ name: c.name, reduction: c.reduction, fromLogits: c.from_logits, ignoreClass: c.ignore_class });
  }
}

export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1). */
  delta?: number;
}

/** Huber loss: quadratic for |error| <= delta, linear beyond. */
export class Huber extends LossFunctionWrapper {
  static override readonly className = 'Huber';
  readonly delta: number;

  constructor(options: HuberOptions = {}) {
    const delta = options.delta ?? 1;
    super((t, p) => F.huber(t, p, delta), { ...options, name: options.name ?? 'huber_loss' });
    this.delta = delta;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), delta: this.delta };
  }

  static override fromConfig(c: Record<string, any>): Huber {
    return new Huber({ name: c.name, reduction: c.reduction, delta: c.delta });
  }
}

for (const cls of [
  MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredLogarithmicError, KLDivergence, Hinge,
  SquaredHinge, CategoricalHinge, LogCosh, BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, Huber,
]) {
  registerSerializable('loss', cls);
}

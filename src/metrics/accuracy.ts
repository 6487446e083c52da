// Accuracy metrics (Keras 3 accuracy_metrics.py): per-sample match functions and their Mean wrappers.
import { Tensor } from '../tensor/tensor.js';
import { argmax, castTo, equal, greater, reshape, squeeze } from '../ops/index.js';
import { squeezeOrExpandToSameRank } from '../losses/loss.js';
import { registerSerializable } from '../saving/registry.js';
import { MeanMetricWrapper, type MetricOptions } from './metric.js';

const asFloat = (t: Tensor): Tensor => castTo(t, t.dtype === 'float64' ? 'float64' : 'float32');

/** 1 where y_true == y_pred exactly. */
export function accuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  const [t, p] = squeezeOrExpandToSameRank(asFloat(yTrue), asFloat(yPred));
  return castTo(equal(t, p), 'float32');
}

/** 1 where (y_pred > threshold) equals y_true. */
export function binaryAccuracy(yTrue: Tensor, yPred: Tensor, threshold = 0.5): Tensor {
  const [t, p] = squeezeOrExpandToSameRank(asFloat(yTrue), asFloat(yPred));
  return castTo(equal(t, castTo(greater(p, threshold), t.dtype)), 'float32');
}

/** 1 where argmax(y_true) == argmax(y_pred) (one-hot labels). */
export function categoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  let t = argmax(yTrue, -1);
  if (t.rank === yPred.rank) t = squeeze(t, -1);
  return castTo(equal(t, argmax(yPred, -1)), 'float32');
}

/** 1 where the integer label equals argmax(y_pred); labels of shape [batch] or [batch, 1]. */
export function sparseCategoricalAccuracy(yTrue: Tensor, yPred: Tensor): Tensor {
  let t = asFloat(yTrue);
  if (t.rank === yPred.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, -1);
  let matches = castTo(equal(t, castTo(argmax(yPred, -1), t.dtype)), 'float32');
  if (matches.rank > 1 && matches.shape[matches.rank - 1] === 1) matches = squeeze(matches, -1);
  return matches;
}

/** 1 where the label's score is among the k largest (ties at the boundary count as in, like in_top_k). */
function inTopK(labels: Tensor, yPred: Tensor, k: number): Tensor {
  const classes = yPred.shape[yPred.rank - 1];
  const p = reshape(castTo(yPred, 'float64'), [-1, classes]);
  const l = labels.data;
  if (l.length !== p.shape[0]) throw new Error(`top-k accuracy: ${l.length} labels for ${p.shape[0]} predictions`);
  const out = new Float32Array(l.length);
  for (let i = 0; i < l.length; i++) {
    const label = Math.trunc(l[i]);
    if (label < 0 || label >= classes) continue;
    const row = p.data.subarray(i * classes, (i + 1) * classes);
    const target = row[label];
    if (Number.isNaN(target)) continue;
    let greaterCount = 0;
    for (let j = 0; j < classes; j++) if (row[j] > target) greaterCount++;
    out[i] = greaterCount < k ? 1 : 0;
  }
  return new Tensor(out, [l.length], 'float32');
}

/** Top-k accuracy for one-hot labels. */
export function topKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5): Tensor {
  const labels = argmax(yTrue, -1);
  const m = inTopK(reshape(labels, [-1]), yPred, k);
  return reshape(m, labels.shape);
}

/** Top-k accuracy for integer labels. */
export function sparseTopKCategoricalAccuracy(yTrue: Tensor, yPred: Tensor, k = 5): Tensor {
  let t = yTrue;
  if (t.rank === yPred.rank && t.shape[t.rank - 1] === 1) t = squeeze(t, -1);
  const m = inTopK(reshape(t, [-1]), yPred, k);
  return reshape(m, t.shape);
}

/** Fraction of predictions exactly equal to the labels. */
export class Accuracy extends MeanMetricWrapper {
  static override readonly className: string = 'Accuracy';
  constructor(options: MetricOptions = {}) {
    super(accuracy, { name: options.name ?? 'accuracy' });
  }
}

export interface BinaryAccuracyOptions extends MetricOptions {
  /** Predictions above it count as 1 (default 0.5). */
  threshold?: number;
}

/** Fraction of thresholded predictions equal to 0/1 labels. */
export class BinaryAccuracy extends MeanMetricWrapper {
  static override readonly className: string = 'BinaryAccuracy';
  readonly threshold: number;
  constructor(options: BinaryAccuracyOptions = {}) {
    const threshold = options.threshold ?? 0.5;
    super((t, p) => binaryAccuracy(t, p, threshold), { name: options.name ?? 'binary_accuracy' });
    this.threshold = threshold;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), threshold: this.threshold };
  }
  static override fromConfig(c: Record<string, any>): BinaryAccuracy {
    return new BinaryAccuracy({ name: c.name, threshold: c.threshold });
  }
}

/** argmax match for one-hot labels. */
export class CategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className: string = 'CategoricalAccuracy';
  constructor(options: MetricOptions = {}) {
    super(categoricalAccuracy, { name: options.name ?? 'categorical_accuracy' });
  }
}

/** argmax match for integer labels. */
export class SparseCategoricalAccuracy extends MeanMetricWrapper {
  static override readonly className: string = 'SparseCategoricalAccuracy';
  constructor(options: MetricOptions = {}) {
    super(sparseCategoricalAccuracy, { name: options.name ?? 'sparse_categorical_accuracy' });
  }
}

export interface TopKOptions extends MetricOptions {
  /** How many of the highest scores count (default 5). */
  k?: number;
}

/** Shared parts of the top-k accuracies: the k option, its config and fromConfig. */
abstract class TopKAccuracy extends MeanMetricWrapper {
  readonly k: number;
  constructor(options: TopKOptions, fn: (yTrue: Tensor, yPred: Tensor, k: number) => Tensor, defaultName: string) {
    const k = options.k ?? 5;
    super((t, p) => fn(t, p, k), { name: options.name ?? defaultName });
    this.k = k;
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), k: this.k };
  }
  static override fromConfig<T extends TopKAccuracy>(this: new (options: TopKOptions) => T, c: Record<string, any>): T {
    return new this({ name: c.name, k: c.k });
  }
}

/** Label among the k highest scores (one-hot labels). */
export class TopKCategoricalAccuracy extends TopKAccuracy {
  static override readonly className: string = 'TopKCategoricalAccuracy';
  constructor(options: TopKOptions = {}) {
    super(options, topKCategoricalAccuracy, 'top_k_categorical_accuracy');
  }
}

/** Label among the k highest scores (integer labels). */
export class SparseTopKCategoricalAccuracy extends TopKAccuracy {
  static override readonly className: string = 'SparseTopKCategoricalAccuracy';
  constructor(options: TopKOptions = {}) {
    super(options, sparseTopKCategoricalAccuracy, 'sparse_top_k_categorical_accuracy');
  }
}

/**
 * Keras' 'accuracy' string when the loss does not decide: picks binary, sparse categorical or
 * categorical accuracy from the shapes of the first batch (Keras 3 compile_utils rule).
 */
export class AutoAccuracy extends MeanMetricWrapper {
  static override readonly className: string = 'MeanMetricWrapper';
  private resolved: MeanMetricWrapper['fn'] | null = null;

  constructor(options: MetricOptions = {}) {
    super((t, p) => this.resolve(t, p)(t, p), { name: options.name ?? 'accuracy' });
  }

  private resolvedClass = 'MeanMetricWrapper';

  /** The class it resolved to ('BinaryAccuracy', ...) once it has seen a batch. */
  override get className(): string {
    return this.resolvedClass;
  }

  private resolve(yTrue: Tensor, yPred: Tensor): MeanMetricWrapper['fn'] {
    if (!this.resolved) {
      const tLast = yTrue.shape[yTrue.rank - 1] ?? 1;
      const pLast = yPred.shape[yPred.rank - 1] ?? 1;
      if (pLast === 1) {
        this.resolved = (t, p) => binaryAccuracy(t, p);
        this.resolvedClass = 'BinaryAccuracy';
      } else if (yTrue.rank < yPred.rank || (tLast === 1 && pLast > 1)) {
        this.resolved = sparseCategoricalAccuracy;
        this.resolvedClass = 'SparseCategoricalAccuracy';
      } else {
        this.resolved = categoricalAccuracy;
        this.resolvedClass = 'CategoricalAccuracy';
      }
    }
    return this.resolved;
  }
}

for (const cls of [Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy, SparseTopKCategoricalAccuracy]) {
  registerSerializable('metric', cls);
}

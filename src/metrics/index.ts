// Metrics: stateful classes, per-sample functions, and `get` (with Keras' 'accuracy' resolution).
import type { Tensor } from '../tensor/tensor.js';
import { lookupSerializable } from '../saving/registry.js';
import { normalizeIdentifier } from '../utils/naming.js';
import * as lossFns from '../losses/functions.js';
import { canonicalLossName } from '../losses/index.js';
import { Mean, MeanMetricWrapper, Metric, type MetricFn } from './metric.js';
import {
  Accuracy, AutoAccuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, SparseTopKCategoricalAccuracy,
  TopKCategoricalAccuracy,
} from './accuracy.js';
import { AUC, Precision, Recall } from './confusion.js';
import { registerSerializable } from '../saving/registry.js';

export { Metric, Mean, MeanMetricWrapper, reduceToSamplewise } from './metric.js';
export type { MetricOptions, MetricFn } from './metric.js';
export * from './accuracy.js';
export * from './confusion.js';

/** Running mean of the per-sample squared error. */
export class MeanSquaredError extends MeanMetricWrapper {
  static override readonly className: string = 'MeanSquaredError';
  constructor(options: { name?: string } = {}) {
    super(lossFns.meanSquaredError, { name: options.name ?? 'mean_squared_error' });
  }
}

/** Running mean of the per-sample absolute error. */
export class MeanAbsoluteError extends MeanMetricWrapper {
  static override readonly className: string = 'MeanAbsoluteError';
  constructor(options: { name?: string } = {}) {
    super(lossFns.meanAbsoluteError, { name: options.name ?? 'mean_absolute_error' });
  }
}

registerSerializable('metric', Mean);
registerSerializable('metric', MeanSquaredError);
registerSerializable('metric', MeanAbsoluteError);

const FACTORIES: Record<string, (name: string) => Metric> = {
  accuracy: (name) => new Accuracy({ name }),
  binary_accuracy: (name) => new BinaryAccuracy({ name }),
  categorical_accuracy: (name) => new CategoricalAccuracy({ name }),
  sparse_categorical_accuracy: (name) => new SparseCategoricalAccuracy({ name }),
  top_k_categorical_accuracy: (name) => new TopKCategoricalAccuracy({ name }),
  sparse_top_k_categorical_accuracy: (name) => new SparseTopKCategoricalAccuracy({ name }),
  mean_squared_error: (name) => new MeanSquaredError({ name }),
  mean_absolute_error: (name) => new MeanAbsoluteError({ name }),
  auc: (name) => new AUC({ name }),
  precision: (name) => new Precision({ name }),
  recall: (name) => new Recall({ name }),
  mean: (name) => new Mean({ name }),
};

const LOSS_METRIC_FNS: Record<string, MetricFn> = {
  mean_absolute_percentage_error: lossFns.meanAbsolutePercentageError,
  mean_squared_logarithmic_error: lossFns.meanSquaredLogarithmicError,
  binary_crossentropy: (t: Tensor, p: Tensor) => lossFns.binaryCrossentropy(t, p),
  categorical_crossentropy: (t: Tensor, p: Tensor) => lossFns.categoricalCrossentropy(t, p),
  sparse_categorical_crossentropy: (t: Tensor, p: Tensor) => lossFns.sparseCategoricalCrossentropy(t, p),
  kl_divergence: lossFns.klDivergence,
  hinge: lossFns.hinge,
  squared_hinge: lossFns.squaredHinge,
  categorical_hinge: lossFns.categoricalHinge,
  log_cosh: lossFns.logCosh,
  huber: (t: Tensor, p: Tensor) => lossFns.huber(t, p),
};

/** Every string `get` accepts (plus camelCase / class names, and loss names as mean metrics). */
export const METRIC_NAMES: readonly string[] = ['acc', 'mse', 'mae', 'mape', 'msle', ...Object.keys(FACTORIES), ...Object.keys(LOSS_METRIC_FNS)];

/** The accuracy variant Keras pairs with a loss, or null when the loss does not decide it. */
function accuracyForLoss(lossName: string | undefined): ((name: string) => Metric) | null {
  if (!lossName) return null;
  switch (canonicalLossName(lossName)) {
    case 'binary_crossentropy': return FACTORIES.binary_accuracy;
    case 'sparse_categorical_crossentropy': return FACTORIES.sparse_categorical_accuracy;
    case 'categorical_crossentropy': return FACTORIES.categorical_accuracy;
    default: return null;
  }
}

/**
 * Resolves a metric: a Metric instance (returned as is), a per-sample function (wrapped in a
 * running mean) or a Keras string. 'accuracy' / 'acc' become binary, sparse categorical or
 * categorical accuracy from `lossName` when it decides, else from the shapes of the first batch;
 * the metric keeps the identifier as its name (the history key).
 * @example
 * const acc = metrics.get('accuracy', 'sparse_categorical_crossentropy');   // acc.name === 'accuracy'
 */
export function get(id: string | Metric | MetricFn, lossName?: string): Metric {
  if (id instanceof Metric) return id;
  if (typeof id === 'function') {
    if (id.prototype instanceof Metric) return new (id as unknown as new () => Metric)();
    return new MeanMetricWrapper(id);
  }
  if (typeof id !== 'string') throw new Error(`metrics.get: expected a string, a Metric or a function, received ${String(id)}`);
  const lower = id.toLowerCase();
  if (lower === 'accuracy' || lower === 'acc') {
    const byLoss = accuracyForLoss(lossName);
    return byLoss ? byLoss(id) : new AutoAccuracy({ name: id });
  }
  const key = normalizeIdentifier(id);
  const canonical = canonicalLossName(key) ?? key;
  const factory = FACTORIES[canonical];
  if (factory) return factory(id);
  const fn = LOSS_METRIC_FNS[canonical];
  if (fn) return new MeanMetricWrapper(fn, { name: id });
  const cls = lookupSerializable('metric', id);
  if (cls) return cls.fromConfig({ name: undefined }) as Metric;
  throw new Error(`metrics.get: unknown metric '${id}'. Valid names: ${METRIC_NAMES.join(', ')} (or their camelCase / class names)`);
}

/** A metric from a Keras config entry {class_name, config}. */
export function deserialize(entry: { class_name: string; config?: Record<string, any> | string } | string, lossName?: string): Metric {
  if (typeof entry === 'string') return get(entry, lossName);
  // Keras 3 serializes metric functions as {class_name: 'function', config: 'accuracy'}.
  if (typeof entry.config === 'string') return get(entry.config, lossName);
  const cls = lookupSerializable('metric', entry.class_name);
  if (!cls) throw new Error(`metrics.deserialize: unknown metric class '${entry.class_name}'`);
  return cls.fromConfig(entry.config ?? {}) as Metric;
}

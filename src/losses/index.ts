// Losses: classes, per-sample functions, and `get` resolving Keras string identifiers.
import { lookupSerializable } from '../saving/registry.js';
import { normalizeIdentifier } from '../utils/naming.js';
import { Loss } from './loss.js';
import {
  BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge, Hinge, Huber, KLDivergence, LogCosh, LossFunctionWrapper,
  MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError, SparseCategoricalCrossentropy,
  SquaredHinge, type LossFn,
} from './classes.js';

export { Loss, reduceWeightedValues, squeezeOrExpandToSameRank } from './loss.js';
export type { LossOptions, Reduction } from './loss.js';
export * from './classes.js';
export {
  meanSquaredError, meanAbsoluteError, meanAbsolutePercentageError, meanSquaredLogarithmicError, binaryCrossentropy,
  categoricalCrossentropy, sparseCategoricalCrossentropy, huber, logCosh, klDivergence, hinge, squaredHinge, categoricalHinge,
} from './functions.js';

const FACTORIES: Record<string, () => Loss> = {
  mean_squared_error: () => new MeanSquaredError(),
  mean_absolute_error: () => new MeanAbsoluteError(),
  mean_absolute_percentage_error: () => new MeanAbsolutePercentageError(),
  mean_squared_logarithmic_error: () => new MeanSquaredLogarithmicError(),
  binary_crossentropy: () => new BinaryCrossentropy(),
  categorical_crossentropy: () => new CategoricalCrossentropy(),
  sparse_categorical_crossentropy: () => new SparseCategoricalCrossentropy(),
  huber: () => new Huber(),
  kl_divergence: () => new KLDivergence(),
  hinge: () => new Hinge(),
  squared_hinge: () => new SquaredHinge(),
  categorical_hinge: () => new CategoricalHinge(),
  log_cosh: () => new LogCosh(),
};

const ALIASES: Record<string, string> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
  mape: 'mean_absolute_percentage_error',
  msle: 'mean_squared_logarithmic_error',
  bce: 'binary_crossentropy',
  kld: 'kl_divergence',
  kullback_leibler_divergence: 'kl_divergence',
  logcosh: 'log_cosh',
  huber_loss: 'huber',
};

/** Every string `get` accepts (snake_case; camelCase and class names are accepted too). */
export const LOSS_NAMES: readonly string[] = [...Object.keys(FACTORIES), ...Object.keys(ALIASES)];

/** Canonical snake_case name of a loss identifier ('mse' -> 'mean_squared_error'), or null if unknown. */
export function canonicalLossName(id: string): string | null {
  const key = normalizeIdentifier(id);
  const name = ALIASES[key] ?? key;
  return name in FACTORIES ? name : null;
}

/**
 * Resolves a loss: a Loss instance (returned as is), a function (wrapped) or a Keras string
 * ('mse', 'mean_squared_error', 'meanSquaredError', 'MeanSquaredError', 'sparse_categorical_crossentropy'...).
 * @example
 * losses.get('binary_crossentropy').apply(yTrue, yPred);
 */
export function get(id: string | Loss | LossFn): Loss {
  if (id instanceof Loss) return id;
  if (typeof id === 'function') {
    if (id.prototype instanceof Loss) return new (id as unknown as new () => Loss)();
    return new LossFunctionWrapper(id);
  }
  if (typeof id !== 'string') throw new Error(`losses.get: expected a string, a Loss or a function, received ${String(id)}`);
  const name = canonicalLossName(id);
  if (name) return FACTORIES[name]();
  const cls = lookupSerializable('loss', id);
  if (cls) return cls.fromConfig({}) as Loss;
  throw new Error(`losses.get: unknown loss '${id}'. Valid names: ${LOSS_NAMES.join(', ')} (or their camelCase / class names)`);
}

/** A loss from a Keras config entry {class_name, config}. */
export function deserialize(entry: { class_name: string; config?: Record<string, any> | string } | string): Loss {
  if (typeof entry === 'string') return get(entry);
  // Keras 3 serializes plain loss functions as {class_name: 'function', config: 'mean_squared_error'}.
  if (typeof entry.config === 'string') return get(entry.config);
  const cls = lookupSerializable('loss', entry.class_name);
  if (!cls) return get(entry.class_name);
  return cls.fromConfig(entry.config ?? {}) as Loss;
}

/** The Keras config entry of a loss. */
export function serialize(loss: Loss): { module: string; class_name: string; config: Record<string, unknown>; registered_name: null } {
  return { module: 'keras.losses', class_name: loss.className, config: loss.getConfig(), registered_name: null };
}

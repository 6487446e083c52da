// Optimizers: classes, learning-rate schedules, and `get` resolving Keras string identifiers.
import { lookupSerializable } from '../saving/registry.js';
import { normalizeIdentifier } from '../utils/naming.js';
import { Optimizer } from './optimizer.js';
import { SGD } from './sgd.js';
import { Adam, AdamW } from './adam.js';
import { RMSprop } from './rmsprop.js';
import { Adagrad } from './adagrad.js';
import { Adamax } from './adamax.js';
import { Nadam } from './nadam.js';
import { Adadelta } from './adadelta.js';

export { Optimizer, baseOptionsFromConfig } from './optimizer.js';
export type { OptimizerOptions, SlotSpec, GradientPair } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { Adamax, type AdamaxOptions } from './adamax.js';
export { Nadam, type NadamOptions } from './nadam.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export * as schedules from './schedules.js';
export {
  LearningRateSchedule, ExponentialDecay, PiecewiseConstantDecay, InverseTimeDecay, PolynomialDecay, CosineDecay,
} from './schedules.js';

const FACTORIES: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  adamw: () => new AdamW(),
  rmsprop: () => new RMSprop(),
  adagrad: () => new Adagrad(),
  adamax: () => new Adamax(),
  nadam: () => new Nadam(),
  adadelta: () => new Adadelta(),
};

/** Every string `get` accepts (case-insensitive; 'adamW' and class names work too). */
export const OPTIMIZER_NAMES: readonly string[] = Object.keys(FACTORIES);

/**
 * Resolves an optimizer: an Optimizer instance (returned as is) or a Keras string
 * ('sgd', 'adam', 'rmsprop', 'adamw', 'nadam', 'adamax', 'adagrad', 'adadelta'), with defaults.
 * @example model.compile({ optimizer: optimizers.get('adam'), loss: 'mse' })
 */
export function get(id: string | Optimizer): Optimizer {
  if (id instanceof Optimizer) return id;
  if (typeof id !== 'string') throw new Error(`optimizers.get: expected a string or an Optimizer, received ${String(id)}`);
  const key = normalizeIdentifier(id).replace(/_/g, '');
  const factory = FACTORIES[key] ?? FACTORIES[id.toLowerCase()];
  if (factory) return factory();
  throw new Error(`optimizers.get: unknown optimizer '${id}'. Valid names: ${OPTIMIZER_NAMES.join(', ')}`);
}

/** The Keras config entry of an optimizer: {module, class_name, config, registered_name}. */
export function serialize(o: Optimizer): Record<string, unknown> {
  return { module: 'keras.optimizers', class_name: o.className, config: o.getConfig(), registered_name: null };
}

function classNameOf(id: string): string {
  try {
    return get(id.replace(/^Custom>/, '')).className;
  } catch {
    return id;
  }
}

/** An optimizer from its Keras config entry (or a string). */
export function deserialize(entry: { class_name: string; config?: Record<string, any> } | string): Optimizer {
  if (typeof entry === 'string') return get(entry);
  const cls = lookupSerializable('optimizer', entry.class_name) ?? lookupSerializable('optimizer', classNameOf(entry.class_name));
  if (!cls) throw new Error(`optimizers.deserialize: unknown optimizer class '${entry.class_name}'. Valid classes: SGD, Adam, AdamW, RMSprop, Adagrad, Adamax, Nadam, Adadelta`);
  return cls.fromConfig(entry.config ?? {}) as Optimizer;
}

// registerSerializable: user classes and activation functions that saved files may name (browser-safe).
import type { Tensor } from '../tensor/tensor.js';
import { Layer } from '../layers/layer.js';
import { Optimizer } from '../optimizers/optimizer.js';
import { Loss } from '../losses/loss.js';
import { Metric } from '../metrics/metric.js';
import { Initializer } from '../initializers/initializer.js';
import { Regularizer } from '../regularizers/index.js';
import { Constraint } from '../constraints/index.js';
import { registerSerializable as registerInRegistry, type RegistryKind, type SerializableClass } from './registry.js';
import { registerActivation } from './serialization.js';

/**
 * Registers a user class (layer, optimizer, loss, metric, initializer, regularizer, constraint) so files
 * naming it can be loaded, or a custom activation function under the name files use for it. The kind is
 * inferred from the base class; the registry form `registerSerializable('layer', cls)` works too.
 * @example registerSerializable(MyLayer); registerSerializable(mySoftplus, { name: 'my_softplus' });
 */
export function registerSerializable(kind: RegistryKind, cls: SerializableClass, className?: string): void;
export function registerSerializable(cls: SerializableClass | ((x: Tensor) => Tensor), options?: { kind?: RegistryKind; name?: string }): void;
export function registerSerializable(
  a: RegistryKind | SerializableClass | ((x: Tensor) => Tensor),
  b?: SerializableClass | { kind?: RegistryKind; name?: string },
  className?: string,
): void {
  if (typeof a === 'string') {
    registerInRegistry(a, b as SerializableClass, className);
    return;
  }
  const options = (b ?? {}) as { kind?: RegistryKind; name?: string };
  if (typeof a === 'function' && !('fromConfig' in a)) {
    const name = options.name ?? a.name;
    if (!name) throw new Error('registerSerializable: an activation function needs a name (pass { name })');
    registerActivation(name, a as (x: Tensor) => Tensor);
    return;
  }
  const c = a as SerializableClass;
  if (typeof c.className !== 'string' || typeof c.fromConfig !== 'function') throw new Error('registerSerializable: expected a class with a static className and fromConfig');
  const kind = options.kind ?? kindOf(c);
  registerInRegistry(kind, c, options.name ?? c.className);
}

function kindOf(c: SerializableClass): RegistryKind {
  const proto = (c as unknown as { prototype: unknown }).prototype;
  const kinds: [RegistryKind, abstract new (...args: any[]) => unknown][] = [
    ['layer', Layer], ['optimizer', Optimizer], ['loss', Loss], ['metric', Metric],
    ['initializer', Initializer], ['regularizer', Regularizer], ['constraint', Constraint],
  ];
  for (const [kind, base] of kinds) if (proto instanceof base) return kind;
  throw new Error(`registerSerializable: cannot tell what kind of object ${c.className} is; pass { kind: 'layer' | 'initializer' | ... }`);
}

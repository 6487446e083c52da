// Initializers room: the classes, Keras string/config resolution (get), serialize and registration.
import { Initializer, type InitializerConfig } from './initializer.js';
import { Constant, Identity, Ones, Zeros } from './constant.js';
import {
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, RandomNormal, RandomUniform,
  TruncatedNormal, VarianceScaling,
} from './random.js';
import { Orthogonal } from './orthogonal.js';
import { lookupSerializable, registerSerializable } from '../saving/registry.js';
import { normalizeIdentifier, toSnakeCase } from '../utils/naming.js';

export { Initializer, RandomInitializer, computeFans, type InitializerConfig, type SeedOptions } from './initializer.js';
export { Constant, Identity, Ones, Zeros } from './constant.js';
export {
  GlorotNormal, GlorotUniform, HeNormal, HeUniform, LecunNormal, LecunUniform, RandomNormal, RandomUniform,
  TruncatedNormal, VarianceScaling, type FanMode, type VarianceDistribution, type VarianceScalingOptions,
} from './random.js';
export { Orthogonal } from './orthogonal.js';

type InitializerClass = (new (options?: any) => Initializer) & { readonly className: string; fromConfig(config: InitializerConfig): Initializer };

const BUILT_INS: InitializerClass[] = [
  Zeros, Ones, Constant, Identity, RandomNormal, RandomUniform, TruncatedNormal, VarianceScaling,
  GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal,
];

/** snake_case name -> class: every class name in snake_case plus Keras' aliases. */
const BY_NAME = new Map<string, InitializerClass>();
for (const cls of BUILT_INS) {
  registerSerializable('initializer', cls);
  BY_NAME.set(toSnakeCase(cls.className), cls);
}
// Keras aliases (keras/src/initializers/__init__.py) and the pre-Keras-3 class names.
registerSerializable('initializer', Orthogonal, 'Orthogonal');
registerSerializable('initializer', Identity, 'IdentityInitializer');
for (const [alias, cls] of [
  ['orthogonal', Orthogonal], ['identity_initializer', Identity], ['uniform', RandomUniform], ['normal', RandomNormal],
  ['one', Ones], ['zero', Zeros],
] as const) BY_NAME.set(alias, cls);

/** A serialized initializer: Keras' {class_name, config} (module and registered_name optional). */
export interface InitializerSpec {
  class_name: string;
  config?: InitializerConfig;
  module?: string;
  registered_name?: string | null;
}

export type InitializerIdentifier = string | Initializer | InitializerSpec;

function classFor(name: string): InitializerClass | undefined {
  const registered = lookupSerializable('initializer', name) as InitializerClass | undefined;
  return registered ?? BY_NAME.get(normalizeIdentifier(name));
}

/**
 * Resolves an initializer from a Keras name ('he_normal', 'HeNormal'), a camelCase name ('heNormal'),
 * a config ({class_name, config}) or an instance (returned as is).
 * @example initializers.get('he_normal').apply([784, 300])
 */
export function get(id: InitializerIdentifier | null | undefined): Initializer {
  if (id instanceof Initializer) return id;
  if (typeof id === 'string') {
    const cls = classFor(id);
    if (!cls) throw new Error(`initializers.get: unknown initializer '${id}' (expected one of ${[...BY_NAME.keys()].join(', ')})`);
    return new cls();
  }
  if (id !== null && typeof id === 'object' && typeof (id as InitializerSpec).class_name === 'string') return deserialize(id);
  throw new Error(`initializers.get: expected an initializer name, instance or {class_name, config}, received ${describe(id)}`);
}

/** Rebuilds an initializer from Keras' {class_name, config}. */
export function deserialize(spec: InitializerSpec): Initializer {
  const cls = classFor(spec.class_name);
  if (!cls) throw new Error(`initializers.deserialize: unknown initializer class '${spec.class_name}'`);
  return cls.fromConfig({ ...(spec.config ?? {}) });
}

/** Keras 3 serialization: {module, class_name, config, registered_name}. */
export function serialize(init: Initializer): Required<InitializerSpec> {
  const cls = init.constructor as InitializerClass;
  const builtIn = BUILT_INS.includes(cls);
  return {
    module: builtIn ? 'keras.initializers' : 'layerwise.custom',
    class_name: init.className,
    config: init.getConfig(),
    registered_name: builtIn ? null : init.className,
  };
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return JSON.stringify(x);
  return `${typeof x} ${String(x)}`;
}

// Activations room: the functions, Keras name resolution (get/serialize) and what Dense may fuse.
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationOp } from '../backend/backend.js';
import { normalizeIdentifier } from '../utils/naming.js';
import {
  elu, exponential, gelu, hardSigmoid, hardSilu, leakyRelu, linear, logSoftmax, mish, relu, relu6, selu, sigmoid, silu,
  softmax, softplus, softsign, tanh,
} from './functions.js';

export {
  elu, exponential, gelu, hardSigmoid, hardSilu, leakyRelu, linear, logSoftmax, mish, relu, relu6, selu, sigmoid, silu,
  softmax, softplus, softsign, tanh, type ReluOptions,
} from './functions.js';

/** Keras snake_case aliases of the camelCase functions (the same function objects). */
export const leaky_relu = leakyRelu;
export const log_softmax = logSoftmax;
export const hard_sigmoid = hardSigmoid;
export const hard_silu = hardSilu;
export const hardSwish = hardSilu;
export const hard_swish = hardSilu;
/** swish is silu (Keras serializes both as 'silu'). */
export const swish = silu;

/** An activation as `get` returns it: one tensor in, one tensor out. */
export type ActivationFn = (x: Tensor) => Tensor;

/** Keras name -> function, in Keras' serialized names. */
const BY_NAME = new Map<string, (x: Tensor, ...rest: any[]) => Tensor>([
  ['linear', linear], ['relu', relu], ['relu6', relu6], ['leaky_relu', leakyRelu], ['elu', elu], ['selu', selu],
  ['gelu', gelu], ['silu', silu], ['sigmoid', sigmoid], ['hard_sigmoid', hardSigmoid], ['hard_silu', hardSilu],
  ['tanh', tanh], ['softplus', softplus], ['softsign', softsign], ['softmax', softmax], ['log_softmax', logSoftmax],
  ['exponential', exponential], ['mish', mish],
]);
const ALIASES = new Map<string, string>([['swish', 'silu'], ['hard_swish', 'hard_silu'], ['relu_6', 'relu6'], ['leakyrelu', 'leaky_relu']]);
const NAME_OF = new Map<(x: Tensor, ...rest: any[]) => Tensor, string>([...BY_NAME].map(([n, f]) => [f, n]));

function canonicalName(id: string): string {
  const snake = normalizeIdentifier(id);
  return ALIASES.get(snake) ?? ALIASES.get(id.toLowerCase()) ?? snake;
}

/** A Keras 3 serialized function reference: {class_name: 'function', config: 'relu'}. */
export interface ActivationSpec {
  class_name: string;
  config: string | Record<string, unknown>;
  module?: string;
  registered_name?: string | null;
}

export type ActivationIdentifier = string | ((x: Tensor) => Tensor) | ActivationSpec;

/**
 * Resolves an activation: a Keras name ('leaky_relu', 'log_softmax'), its camelCase ('leakyRelu'),
 * a function (returned as is) or null/undefined (linear).
 * @example activations.get('selu')(x)
 */
export function get(id: ActivationIdentifier | null | undefined): ActivationFn {
  if (id === null || id === undefined) return linear;
  if (typeof id === 'function') return id;
  if (typeof id === 'string') {
    const fn = BY_NAME.get(canonicalName(id));
    if (!fn) throw new Error(`activations.get: unknown activation '${id}' (expected one of ${[...BY_NAME.keys()].join(', ')})`);
    return fn as ActivationFn;
  }
  if (typeof id === 'object' && typeof id.config === 'string') return get(id.config);
  throw new Error(`activations.get: expected an activation name or function, received ${JSON.stringify(id)}`);
}

/** The Keras name of a built-in activation ('relu', 'silu' for swish...); custom functions give their JS name. */
export function serialize(fn: ActivationIdentifier | null | undefined): string {
  const resolved = get(fn);
  const name = NAME_OF.get(resolved);
  if (name) return name;
  if (resolved.name) return resolved.name;
  throw new Error('activations.serialize: cannot name an anonymous custom activation function');
}

/** A backend activation that Dense can fuse into its matmul epilogue. */
export interface FusedActivation {
  op: ActivationOp;
  alpha?: number;
}

const FUSED = new Map<string, FusedActivation>([
  ['linear', { op: 'linear' }], ['relu', { op: 'relu' }], ['relu6', { op: 'relu6' }], ['elu', { op: 'elu', alpha: 1 }],
  ['selu', { op: 'selu' }], ['sigmoid', { op: 'sigmoid' }], ['tanh', { op: 'tanh' }], ['leaky_relu', { op: 'leakyRelu', alpha: 0.2 }],
]);

/**
 * The fused form of an activation given by name or as a built-in function (null/undefined = linear),
 * or null when the backend cannot fuse it (gelu, softmax, custom functions...).
 */
export function fusedActivationOf(id: ActivationIdentifier | null | undefined): FusedActivation | null {
  let name: string | undefined;
  try {
    name = NAME_OF.get(get(id));
  } catch {
    return null;
  }
  const fused = name === undefined ? undefined : FUSED.get(name);
  return fused ? { ...fused } : null;
}

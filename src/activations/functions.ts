// Keras 3 activation functions, built on the backend activation ops or composed from primitives.
import type { Tensor } from '../tensor/tensor.js';
import * as ops from '../ops/index.js';
import { gelu } from './gelu.js';

export { gelu };

/** The identity: returns x unchanged. */
export function linear(x: Tensor): Tensor {
  return x;
}

export interface ReluOptions {
  /** Slope below the threshold (default 0). */
  negativeSlope?: number;
  /** Keras 2 name of negativeSlope. */
  alpha?: number;
  /** Saturation value (default none). */
  maxValue?: number | null;
  /** Values at or below it are zeroed, or scaled by negativeSlope (default 0). */
  threshold?: number;
}

/**
 * Keras' relu: x for x > threshold, negativeSlope * (x - threshold) otherwise, clipped at maxValue.
 * @example relu(x, { maxValue: 6 }) // same as relu6(x)
 */
export function relu(x: Tensor, options: ReluOptions = {}): Tensor {
  const negativeSlope = options.negativeSlope ?? options.alpha ?? 0;
  const maxValue = options.maxValue ?? null;
  const threshold = options.threshold ?? 0;
  // NOTE: mirrors keras.src.layers.activations.ReLU.static_call branch by branch.
  if (negativeSlope !== 0 && maxValue === null && threshold === 0) return ops.leakyRelu(x, negativeSlope);
  let negativePart: Tensor | null = null;
  if (negativeSlope !== 0) negativePart = ops.relu(threshold !== 0 ? ops.sub(threshold, x) : ops.neg(x));
  let clipMax = maxValue !== null;
  let y: Tensor;
  if (threshold !== 0) {
    y = ops.where(ops.greater(x, threshold), x, 0);
  } else if (maxValue === 6) {
    y = ops.relu6(x);
    clipMax = false;
  } else {
    y = ops.relu(x);
  }
  if (clipMax) y = ops.clip(y, 0, maxValue as number);
  if (negativePart) y = ops.sub(y, ops.mul(negativePart, negativeSlope));
  return y;
}

/** min(max(x, 0), 6). */
export function relu6(x: Tensor): Tensor {
  return ops.relu6(x);
}

/** x if x >= 0 else negativeSlope * x (default slope 0.2, as keras.activations.leaky_relu). */
export function leakyRelu(x: Tensor, negativeSlope = 0.2): Tensor {
  return ops.leakyRelu(x, negativeSlope);
}

/**
 * x if x > 0 else alpha * (exp(x) - 1).
 * @example elu(x, 0.5)
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return ops.elu(x, alpha);
}

/** Scaled ELU with the self-normalizing constants (scale 1.0507..., alpha 1.6732...). */
export function selu(x: Tensor): Tensor {
  return ops.selu(x);
}

/** 1 / (1 + exp(-x)). */
export function sigmoid(x: Tensor): Tensor {
  return ops.sigmoid(x);
}

/** Hyperbolic tangent. */
export function tanh(x: Tensor): Tensor {
  return ops.tanh(x);
}

/** x * sigmoid(x) (also called swish). */
export function silu(x: Tensor): Tensor {
  return ops.mul(x, ops.sigmoid(x));
}

/** Keras 3 hard sigmoid: relu6(x + 3) / 6, i.e. 0 below -3, 1 above 3, x/6 + 1/2 between. */
export function hardSigmoid(x: Tensor): Tensor {
  return ops.div(ops.relu6(ops.add(x, 3)), 6);
}

/** x * hard_sigmoid(x) (also called hard swish). */
export function hardSilu(x: Tensor): Tensor {
  return ops.mul(x, hardSigmoid(x));
}

/** log(1 + exp(x)), stable for large |x|. */
export function softplus(x: Tensor): Tensor {
  return ops.softplus(x);
}

/** x / (1 + |x|). */
export function softsign(x: Tensor): Tensor {
  return ops.div(x, ops.add(ops.abs(x), 1));
}

/**
 * exp(x) / sum(exp(x)) along `axis` (default the last).
 * @example softmax(logits) // rows sum to 1
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return ops.softmax(x, axis);
}

/** x - logsumexp(x) along `axis` (default the last). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return ops.logSoftmax(x, axis);
}

/** exp(x). */
export function exponential(x: Tensor): Tensor {
  return ops.exp(x);
}

/** x * tanh(softplus(x)) (Misra, 2019). */
export function mish(x: Tensor): Tensor {
  return ops.mul(x, ops.tanh(ops.softplus(x)));
}

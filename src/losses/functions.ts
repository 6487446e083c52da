// Per-sample loss functions (Keras 3 losses.py): each reduces the last axis and keeps the batch axes.
import { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import {
  abs, all, castTo, lessEqual, clip, div, equal, log, logicalOr, logSoftmax, maximum, max, mean, mul, oneHot, softplus,
  square, squeeze, sub, sum, where, add,
} from '../ops/index.js';
import { sparseCategoricalCrossentropyFromProbabilities } from '../ops/crossentropy.js';

/** Keras backend epsilon. */
export const EPSILON = 1e-7;

function asFloat(yTrue: Tensor, yPred: Tensor): Tensor {
  return castTo(yTrue, yPred.dtype);
}

/** mean((y_pred - y_true)^2, axis=-1). */
export function meanSquaredError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mean(square(sub(yPred, asFloat(yTrue, yPred))), -1);
}

/** mean(|y_pred - y_true|, axis=-1). */
export function meanAbsoluteError(yTrue: Tensor, yPred: Tensor): Tensor {
  return mean(abs(sub(yPred, asFloat(yTrue, yPred))), -1);
}

/** 100 * mean(|(y_true - y_pred) / max(|y_true|, eps)|, axis=-1). */
export function meanAbsolutePercentageError(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = asFloat(yTrue, yPred);
  const diff = abs(div(sub(t, yPred), maximum(abs(t), EPSILON)));
  return mul(mean(diff, -1), 100);
}

/** mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2, axis=-1). */
export function meanSquaredLogarithmicError(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = asFloat(yTrue, yPred);
  const a = log(add(maximum(yPred, EPSILON), 1));
  const b = log(add(maximum(t, EPSILON), 1));
  return mean(square(sub(a, b)), -1);
}

/** Elementwise binary cross-entropy (Keras backend binary_crossentropy). */
export function binaryCrossentropyElementwise(target: Tensor, output: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) {
    // NOTE: softplus(x) - x*z equals max(x,0) - x*z + log1p(exp(-|x|)) and has the exact gradient sigmoid(x) - z at 0.
    return sub(softplus(output), mul(output, target));
  }
  const o = clip(output, EPSILON, 1 - EPSILON);
  const bce = add(mul(target, log(o)), mul(sub(1, target), log(sub(1, o))));
  return mul(bce, -1);
}

/** mean(bce, axis=-1), with labels smoothed towards 0.5. */
export function binaryCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false, labelSmoothing = 0, axis = -1): Tensor {
  let t = asFloat(yTrue, yPred);
  if (labelSmoothing) t = add(mul(t, 1 - labelSmoothing), 0.5 * labelSmoothing);
  return mean(binaryCrossentropyElementwise(t, yPred, fromLogits), axis);
}

/** Log-probabilities along `axis`: log_softmax of logits, or log of clipped, renormalized probabilities. */
function logProbabilities(output: Tensor, fromLogits: boolean, axis: number): Tensor {
  if (fromLogits) return logSoftmax(output, axis);
  const normalized = div(output, sum(output, axis, true));
  return log(clip(normalized, EPSILON, 1 - EPSILON));
}

/** -sum(y_true * log p, axis), labels smoothed towards 1/num_classes. */
export function categoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false, labelSmoothing = 0, axis = -1): Tensor {
  if (yTrue.rank !== yPred.rank || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new Error(`categorical_crossentropy: y_true and y_pred must have the same shape, received ${formatShape(yTrue.shape)} and ${formatShape(yPred.shape)} (use sparse_categorical_crossentropy for integer labels)`);
  }
  let t = asFloat(yTrue, yPred);
  if (labelSmoothing) {
    const numClasses = yPred.shape[yPred.rank - 1];
    t = add(mul(t, 1 - labelSmoothing), labelSmoothing / numClasses);
  }
  return mul(sum(mul(t, logProbabilities(yPred, fromLogits, axis)), axis), -1);
}

/** -log p[label]; labels are integers (any dtype) of shape [batch] or [batch, 1]. */
export function sparseCategoricalCrossentropy(yTrue: Tensor, yPred: Tensor, fromLogits = false, axis = -1): Tensor {
  let labels = yTrue;
  if (labels.rank === yPred.rank && labels.shape[labels.rank - 1] === 1) labels = squeeze(labels, -1);
  if (labels.rank !== yPred.rank - 1 || labels.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new Error(`sparse_categorical_crossentropy: expected integer labels of shape ${formatShape(yPred.shape.slice(0, -1))} (or with a trailing 1) for predictions of shape ${formatShape(yPred.shape)}, received ${formatShape(yTrue.shape)}`);
  }
  const depth = yPred.shape[yPred.rank - 1];
  for (const v of labels.data) {
    if (!(v >= 0 && v < depth)) {
      throw new Error(`sparse_categorical_crossentropy: labels must be integers in [0, ${depth}), received ${v}`);
    }
  }
  if (!fromLogits && yPred.dtype === 'float32' && (axis === -1 || axis === yPred.rank - 1)) {
    return sparseCategoricalCrossentropyFromProbabilities(castTo(labels, 'int32'), yPred, EPSILON);
  }
  const target = oneHot(castTo(labels, 'int32'), depth, yPred.dtype);
  return mul(sum(mul(target, logProbabilities(yPred, fromLogits, axis)), axis), -1);
}

/** Huber: 0.5 e^2 where |e| <= delta, else delta*|e| - 0.5 delta^2; mean over the last axis. */
export function huber(yTrue: Tensor, yPred: Tensor, delta = 1): Tensor {
  const error = sub(yPred, asFloat(yTrue, yPred));
  const absError = abs(error);
  const quadratic = mul(square(error), 0.5);
  const linear = sub(mul(absError, delta), 0.5 * delta * delta);
  return mean(where(lessEqual(absError, delta), quadratic, linear), -1);
}

/** log(cosh(x)) = x + softplus(-2x) - log 2, with x = y_pred - y_true; mean over the last axis. */
export function logCosh(yTrue: Tensor, yPred: Tensor): Tensor {
  const x = sub(yPred, asFloat(yTrue, yPred));
  return mean(sub(add(x, softplus(mul(x, -2))), Math.log(2)), -1);
}

/** sum(y_true * log(y_true / y_pred), axis=-1) with both clipped to [eps, 1]. */
export function klDivergence(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = clip(asFloat(yTrue, yPred), EPSILON, 1);
  const p = clip(yPred, EPSILON, 1);
  return sum(mul(t, log(div(t, p))), -1);
}

/** Keras' convert_binary_labels_to_hinge: labels all in {0, 1} become {-1, 1}. */
function hingeLabels(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = asFloat(yTrue, yPred);
  const isBinary = all(logicalOr(equal(t, 0), equal(t, 1))).item() !== 0;
  return isBinary ? sub(mul(t, 2), 1) : t;
}

/** mean(max(1 - y_true*y_pred, 0), axis=-1); 0/1 labels are mapped to -1/1. */
export function hinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = hingeLabels(yTrue, yPred);
  return mean(maximum(sub(1, mul(t, yPred)), 0), -1);
}

/** mean(max(1 - y_true*y_pred, 0)^2, axis=-1). */
export function squaredHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = hingeLabels(yTrue, yPred);
  return mean(square(maximum(sub(1, mul(t, yPred)), 0)), -1);
}

/** max(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0) over the last axis. */
export function categoricalHinge(yTrue: Tensor, yPred: Tensor): Tensor {
  const t = asFloat(yTrue, yPred);
  const pos = sum(mul(t, yPred), -1);
  const neg = max(mul(sub(1, t), yPred), -1);
  return maximum(add(sub(neg, pos), 1), 0);
}

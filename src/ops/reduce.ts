// Reductions along axes: sum, mean, max, min, prod, argmax/argmin, logSumExp, moments.
import type { Tensor } from '../tensor/tensor.js';
import type { ReduceOp } from '../backend/backend.js';
import { floatOf, isFloat } from '../tensor/dtype.js';
import { normalizeAxes, normalizeAxis, reducedShape } from '../tensor/shape.js';
import { defineOp } from './define.js';
import { toTensor, type Arg } from './convert.js';
import { broadcastTo, castTo, reshape } from './layout.js';
import { div, equal, mul, sub, where } from './arithmetic.js';
import { exp, log, square } from './unary.js';
import { noGrad } from '../autograd/tape.js';

export type Axis = number | readonly number[] | null | undefined;

interface ReduceAttrs { axes: number[]; keepDims: boolean }

/** Reshapes a reduced gradient back to keepDims form and broadcasts it to x's shape. */
function expandBack(t: Tensor, x: Tensor, axes: number[]): Tensor {
  return broadcastTo(reshape(t, reducedShape(x.shape, axes, true)), x.shape);
}

function reduceOp(op: ReduceOp, vjp?: (dy: Tensor, x: Tensor, y: Tensor, axes: number[]) => Tensor) {
  const o = defineOp<ReduceAttrs>({
    name: op,
    forward: (bk, [x], { axes, keepDims }) => bk.reduce(op, x, axes, keepDims),
    vjp: vjp ? (dy, { inputs: [x], output, attrs: { axes } }) => [isFloat(x.dtype) ? vjp(dy, x, output, axes) : null] : undefined,
  });
  return (x: Arg, axis?: Axis, keepDims = false): Tensor => {
    const t = toTensor(x);
    return o([t], { axes: normalizeAxes(axis, t.rank, op), keepDims });
  };
}

export const sum = reduceOp('sum', (dy, x, _y, axes) => expandBack(dy, x, axes));
// NOTE: ties share the gradient equally (TensorFlow's reduce_max gradient).
const extremumVjp = (dy: Tensor, x: Tensor, y: Tensor, axes: number[]): Tensor => {
  const mask = castTo(equal(x, expandBack(y, x, axes)), x.dtype);
  const count = expandBack(sum(mask, axes, true), x, axes);
  return div(mul(expandBack(dy, x, axes), mask), count);
};
export const max = reduceOp('max', extremumVjp);
export const min = reduceOp('min', extremumVjp);
// NOTE: d prod / d x_i = prod of the others; y / x_i is that only where x_i != 0. At a zero, the product of the others
// is the product of the non-zero entries if it is the only zero, else 0 (PyTorch's prod_backward).
export const prod = reduceOp('prod', (dy, x, y, axes) => {
  const isZero = equal(x, 0);
  const zeroCount = sum(castTo(isZero, 'int32'), axes, true);
  const othersAtZero = where(equal(zeroCount, 1), prod(where(isZero, 1, x), axes, true), 0);
  const others = where(isZero, expandBack(othersAtZero, x, axes), div(expandBack(y, x, axes), x));
  return mul(expandBack(dy, x, axes), others);
});

/** Mean over axes (integers give float32). */
export function mean(x: Arg, axis?: Axis, keepDims = false): Tensor {
  const t = toTensor(x);
  const axes = normalizeAxes(axis, t.rank, 'mean');
  const n = axes.reduce((acc, a) => acc * t.shape[a], 1);
  return div(sum(castTo(t, floatOf(t.dtype)), axes, keepDims), n);
}

const argOps = {
  argmax: defineOp<{ axis: number }>({ name: 'argmax', forward: (bk, [x], { axis }) => bk.argReduce('argmax', x, axis) }),
  argmin: defineOp<{ axis: number }>({ name: 'argmin', forward: (bk, [x], { axis }) => bk.argReduce('argmin', x, axis) }),
};

/** Index of the largest value along `axis` (default: last), int32; first occurrence on ties. */
export function argmax(x: Arg, axis = -1): Tensor {
  const t = toTensor(x);
  return argOps.argmax([t], { axis: normalizeAxis(axis, t.rank, 'argmax') });
}

export function argmin(x: Arg, axis = -1): Tensor {
  const t = toTensor(x);
  return argOps.argmin([t], { axis: normalizeAxis(axis, t.rank, 'argmin') });
}

/** log(sum(exp(x))) computed stably as m + log(sum(exp(x - m))). */
export function logSumExp(x: Arg, axis?: Axis, keepDims = false): Tensor {
  const t = toTensor(x);
  const axes = normalizeAxes(axis, t.rank, 'logSumExp');
  // NOTE: the shift m only avoids overflow and carries no gradient in exact arithmetic, so it is taken outside the
  // tape; an infinite max is replaced by 0 so that all -inf gives -inf and +inf gives +inf (PyTorch), not NaN.
  const m = noGrad(() => {
    const mx = max(t, axes, true);
    return where(equal(mx, Infinity), 0, where(equal(mx, -Infinity), 0, mx));
  });
  const shifted = sub(t, m);
  const out = sub(log(sum(exp(shifted), axes, true)), mul(m, -1));
  return keepDims ? out : reshape(out, reducedShape(t.shape, axes, false));
}

/** Mean and biased variance over axes (as tf.nn.moments / Keras BatchNormalization). */
export function moments(x: Arg, axis?: Axis, keepDims = false): { mean: Tensor; variance: Tensor } {
  const t = toTensor(x);
  const axes = normalizeAxes(axis, t.rank, 'moments');
  const m = mean(t, axes, true);
  const variance = mean(square(sub(t, m)), axes, keepDims);
  return { mean: keepDims ? m : reshape(m, reducedShape(t.shape, axes, false)), variance };
}

export function any(x: Arg, axis?: Axis, keepDims = false): Tensor {
  return castTo(max(castTo(toTensor(x), 'uint8'), axis, keepDims), 'bool');
}

export function all(x: Arg, axis?: Axis, keepDims = false): Tensor {
  return castTo(min(castTo(toTensor(x), 'uint8'), axis, keepDims), 'bool');
}

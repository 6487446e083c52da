// Softmax and log-softmax: fused, numerically stable forwards with their closed-form vjps.
import type { Tensor } from '../tensor/tensor.js';
import { floatOf } from '../tensor/dtype.js';
import { normalizeAxis } from '../tensor/shape.js';
import { defineOp, wrap } from './define.js';
import { backend } from '../backend/registry.js';
import { toTensor, type Arg } from './convert.js';
import { castTo } from './layout.js';
import { mul, sub } from './arithmetic.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';

// NOTE: softmax vjp: dx = y * (dy - sum(dy * y)), one backend call (softmaxGrad) rather than four ops.
const softmaxOp = defineOp<{ axis: number }>({
  name: 'softmax',
  forward: (bk, [x], { axis }) => bk.softmax(x, axis, false),
  vjp: (dy, { output: y, attrs: { axis } }) => [wrap(backend().softmaxGrad(y, castTo(dy, y.dtype), axis))],
});

// NOTE: log-softmax vjp: dx = dy - softmax(x) * sum(dy), with softmax(x) = exp(y).
const logSoftmaxOp = defineOp<{ axis: number }>({
  name: 'logSoftmax',
  forward: (bk, [x], { axis }) => bk.softmax(x, axis, true),
  vjp: (dy, { output: y, attrs: { axis } }) => [sub(dy, mul(exp(y), sum(dy, axis, true)))],
});

export function softmax(x: Arg, axis = -1): Tensor {
  const t = toTensor(x);
  return softmaxOp([castTo(t, floatOf(t.dtype))], { axis: normalizeAxis(axis, t.rank, 'softmax') });
}

export function logSoftmax(x: Arg, axis = -1): Tensor {
  const t = toTensor(x);
  return logSoftmaxOp([castTo(t, floatOf(t.dtype))], { axis: normalizeAxis(axis, t.rank, 'logSoftmax') });
}

// Elementwise maths (exp, log, sqrt...): each forward on the backend with its vjp beside it.
import type { Tensor } from '../tensor/tensor.js';
import type { UnaryOp } from '../backend/backend.js';
import { floatOf, isFloat } from '../tensor/dtype.js';
import { defineOp } from './define.js';
import { toTensor, type Arg } from './convert.js';
import { add, div, mul, neg, sub } from './arithmetic.js';
import { castTo } from './layout.js';
import { zerosLike } from '../tensor/creation.js';

type UnaryVjp = (dy: Tensor, x: Tensor, y: Tensor) => Tensor | null;

function unaryOp(op: UnaryOp, vjp: UnaryVjp | null, floatOnly = true) {
  const o = defineOp({
    name: op,
    forward: (bk, [x]) => bk.unary(op, x),
    vjp: vjp ? (dy, { inputs: [x], output }) => [isFloat(x.dtype) ? vjp(dy, x, output) : null] : undefined,
  });
  return (x: Arg): Tensor => {
    const t = toTensor(x);
    return o([floatOnly ? castTo(t, floatOf(t.dtype)) : t], {});
  };
}

export const exp = unaryOp('exp', (dy, _x, y) => mul(dy, y));
export const expm1 = unaryOp('expm1', (dy, _x, y) => mul(dy, add(y, 1)));
export const log = unaryOp('log', (dy, x) => div(dy, x));
export const log1p = unaryOp('log1p', (dy, x) => div(dy, add(x, 1)));
export const sqrt = unaryOp('sqrt', (dy, _x, y) => div(dy, mul(y, 2)));
// NOTE: d/dx x^-1/2 = -1/2 x^-3/2 = -1/2 y^3.
export const rsqrt = unaryOp('rsqrt', (dy, _x, y) => mul(dy, mul(mul(y, mul(y, y)), -0.5)));
export const square = unaryOp('square', (dy, x) => mul(dy, mul(x, 2)), false);
export const abs = unaryOp('abs', (dy, x) => mul(dy, sign(x)), false);
export const sign = unaryOp('sign', (dy) => zerosLike(dy), false);
export const reciprocal = unaryOp('reciprocal', (dy, _x, y) => neg(mul(dy, mul(y, y))));
export const sin = unaryOp('sin', (dy, x) => mul(dy, cos(x)));
export const cos = unaryOp('cos', (dy, x) => neg(mul(dy, sin(x))));
export const floor = unaryOp('floor', (dy) => zerosLike(dy), false);
export const ceil = unaryOp('ceil', (dy) => zerosLike(dy), false);
/** Rounds half to even (numpy, TensorFlow). */
export const round = unaryOp('round', (dy) => zerosLike(dy), false);
export const logicalNot = unaryOp('logicalNot', null, false);

/** 1 - x, a helper for composites. */
export function oneMinus(x: Arg): Tensor {
  return sub(1, toTensor(x));
}

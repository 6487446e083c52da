// Reference elementwise kernels: unary maths, activations and their fused gradients, broadcasting binary ops.
import type { ActivationOp, BinaryOp, RawTensor, UnaryOp, UnaryParams } from '../backend.js';
import { allocate, convertArray, type DType } from '../../tensor/dtype.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../../tensor/shape.js';
import { broadcastStrides, forEachBroadcast } from './indexing.js';

export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

type Fn1 = (x: number) => number;

export function unaryFn(op: UnaryOp, alpha = 0): Fn1 {
  switch (op) {
    case 'neg': return (x) => -x;
    case 'exp': return Math.exp;
    case 'expm1': return Math.expm1;
    case 'log': return Math.log;
    case 'log1p': return Math.log1p;
    case 'sqrt': return Math.sqrt;
    case 'rsqrt': return (x) => 1 / Math.sqrt(x);
    case 'abs': return Math.abs;
    case 'sign': return (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN);
    case 'square': return (x) => x * x;
    case 'reciprocal': return (x) => 1 / x;
    case 'sin': return Math.sin;
    case 'cos': return Math.cos;
    case 'floor': return Math.floor;
    case 'ceil': return Math.ceil;
    case 'round': return roundHalfEven;
    case 'logicalNot': return (x) => (x === 0 ? 1 : 0);
    case 'linear': return (x) => x;
    case 'relu': return (x) => (x > 0 ? x : 0);
    case 'relu6': return (x) => (x > 0 ? (x < 6 ? x : 6) : 0);
    case 'leakyRelu': return (x) => (x >= 0 ? x : alpha * x);
    case 'elu': return (x) => (x > 0 ? x : alpha * Math.expm1(x));
    case 'selu': return (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x));
    case 'sigmoid': return (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
    case 'tanh': return Math.tanh;
    // NOTE: softplus = max(x, 0) + log1p(exp(-|x|)) never overflows.
    case 'softplus': return (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** f'(x) expressed with x and y = f(x); kinks take the PyTorch convention (relu'(0) = 0, leaky'(0) = alpha, elu'(0) = alpha). */
export function activationDerivative(op: ActivationOp, alpha = 0): (x: number, y: number) => number {
  switch (op) {
    case 'linear': return () => 1;
    case 'relu': return (x) => (x > 0 ? 1 : 0);
    case 'relu6': return (x) => (x > 0 && x < 6 ? 1 : 0);
    case 'leakyRelu': return (x) => (x > 0 ? 1 : alpha);
    case 'elu': return (x, y) => (x > 0 ? 1 : y + alpha);
    case 'selu': return (x, y) => (x > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA);
    case 'sigmoid': return (_x, y) => y * (1 - y);
    case 'tanh': return (_x, y) => 1 - y * y;
    case 'softplus': return (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
  }
}

export function unary(op: UnaryOp, x: RawTensor, params: UnaryParams = {}): RawTensor {
  const defaultAlpha = op === 'elu' ? 1 : op === 'leakyRelu' ? 0.2 : 0;
  const f = unaryFn(op, params.alpha ?? defaultAlpha);
  const dtype: DType = op === 'logicalNot' ? 'bool' : x.dtype;
  const out = allocate(dtype, x.data.length);
  const src = x.data;
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return { data: out, shape: x.shape, dtype };
}

export function activationGrad(op: ActivationOp, x: RawTensor, y: RawTensor, dy: RawTensor, params: UnaryParams = {}): RawTensor {
  const defaultAlpha = op === 'elu' ? 1 : op === 'leakyRelu' ? 0.2 : 0;
  const d = activationDerivative(op, params.alpha ?? defaultAlpha);
  const out = allocate(dy.dtype, dy.data.length);
  for (let i = 0; i < out.length; i++) out[i] = dy.data[i] * d(x.data[i], y.data[i]);
  return { data: out, shape: dy.shape, dtype: dy.dtype };
}

export function binaryFn(op: BinaryOp): (a: number, b: number) => number {
  switch (op) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return (a, b) => a * b;
    case 'div': return (a, b) => a / b;
    case 'pow': return Math.pow;
    case 'maximum': return (a, b) => (a >= b || Number.isNaN(a) ? a : b);
    case 'minimum': return (a, b) => (a <= b || Number.isNaN(a) ? a : b);
    case 'mod': return (a, b) => a - Math.floor(a / b) * b;
    case 'floorDiv': return (a, b) => Math.floor(a / b);
    case 'equal': return (a, b) => (a === b ? 1 : 0);
    case 'notEqual': return (a, b) => (a !== b ? 1 : 0);
    case 'less': return (a, b) => (a < b ? 1 : 0);
    case 'lessEqual': return (a, b) => (a <= b ? 1 : 0);
    case 'greater': return (a, b) => (a > b ? 1 : 0);
    case 'greaterEqual': return (a, b) => (a >= b ? 1 : 0);
    case 'logicalAnd': return (a, b) => (a !== 0 && b !== 0 ? 1 : 0);
    case 'logicalOr': return (a, b) => (a !== 0 || b !== 0 ? 1 : 0);
  }
}

export function binary(op: BinaryOp, a: RawTensor, b: RawTensor, outDtype: DType): RawTensor {
  const f = binaryFn(op);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = allocate(outDtype, sizeOf(shape));
  const A = a.data;
  const B = b.data;
  if (shapesEqual(a.shape, b.shape)) {
    for (let i = 0; i < out.length; i++) out[i] = f(A[i], B[i]);
  } else if (B.length === 1) {
    const bv = B[0];
    for (let i = 0; i < out.length; i++) out[i] = f(A[i], bv);
  } else if (A.length === 1) {
    const av = A[0];
    for (let i = 0; i < out.length; i++) out[i] = f(av, B[i]);
  } else {
    forEachBroadcast(shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape), (i, ia, ib) => {
      out[i] = f(A[ia], B[ib]);
    });
  }
  return { data: out, shape, dtype: outDtype };
}

export function where(cond: RawTensor, a: RawTensor, b: RawTensor): RawTensor {
  const ab = broadcastShapes(a.shape, b.shape, 'where');
  const shape = broadcastShapes(cond.shape, ab, 'where');
  const out = allocate(a.dtype, sizeOf(shape));
  // Without broadcasting (every operand full size or a single value), one flat pass.
  const n = out.length;
  if ([cond, a, b].every((t) => t.data.length === n || t.data.length === 1)) {
    const [c, av, bv] = [cond.data, a.data, b.data];
    const [kc, ka, kb] = [c.length === n ? 1 : 0, av.length === n ? 1 : 0, bv.length === n ? 1 : 0];
    for (let i = 0; i < n; i++) out[i] = c[i * kc] !== 0 ? av[i * ka] : bv[i * kb];
    return { data: out, shape, dtype: a.dtype };
  }
  const sc = broadcastStrides(cond.shape, shape);
  const sa = broadcastStrides(a.shape, shape);
  const sb = broadcastStrides(b.shape, shape);
  forEachBroadcast(shape, sc, sa, (i, ic, ia) => {
    out[i] = cond.data[ic] !== 0 ? a.data[ia] : NaN;
  });
  forEachBroadcast(shape, sc, sb, (i, ic, ib) => {
    if (cond.data[ic] === 0) out[i] = b.data[ib];
  });
  return { data: out, shape, dtype: a.dtype };
}

export function cast(x: RawTensor, dtype: DType): RawTensor {
  return { data: convertArray(x.data, dtype), shape: x.shape, dtype };
}

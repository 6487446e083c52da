// Broadcasting binary ops (add, sub, mul, div, pow, maximum, minimum), comparisons, where and clip.
import type { Tensor } from '../tensor/tensor.js';
import type { BinaryOp } from '../backend/backend.js';
import { floatOf, isFloat, type DType } from '../tensor/dtype.js';
import { broadcastShapes, shapesEqual } from '../tensor/shape.js';
import { defineOp } from './define.js';
import { operands, toTensor, type Arg } from './convert.js';
import { castTo, unbroadcast } from './layout.js';
import { log } from './unary.js';

interface BinAttrs { op: BinaryOp; dtype: DType }

function binaryOp(name: BinaryOp, vjp?: (dy: Tensor, a: Tensor, b: Tensor, y: Tensor) => [Tensor | null, Tensor | null]) {
  return defineOp<BinAttrs>({
    name,
    forward: (bk, [a, b], { op, dtype }) => {
      broadcastShapes(a.shape, b.shape, op);
      return bk.binary(op, a, b, dtype);
    },
    vjp: vjp
      ? (dy, { inputs: [a, b], output }) => {
        const [da, db] = vjp(dy, a, b, output);
        return [da && isFloat(a.dtype) ? unbroadcast(da, a.shape) : null, db && isFloat(b.dtype) ? unbroadcast(db, b.shape) : null];
      }
      : undefined,
  });
}

const addOp = binaryOp('add', (dy) => [dy, dy]);
const subOp = binaryOp('sub', (dy) => [dy, neg(dy)]);
const mulOp = binaryOp('mul', (dy, a, b) => [mul(dy, b), mul(dy, a)]);
const divOp = binaryOp('div', (dy, a, b) => [div(dy, b), neg(div(mul(dy, a), mul(b, b)))]);
// NOTE: d(a^b)/db = a^b log(a) is taken as 0 where a <= 0 (the log is undefined there): PyTorch agrees at a = 0
// but gives NaN for a < 0; TensorFlow also gives 0. d(a^b)/da is 0 where b = 0 (PyTorch; avoids 0 * 0^-1 = NaN).
const powOp = binaryOp('pow', (dy, a, b, y) => [
  mul(dy, where(equal(b, 0), 0, mul(b, pow(a, sub(b, 1))))),
  mul(dy, where(greater(a, 0), mul(y, log(a)), 0)),
]);
// NOTE: ties send the whole gradient to `a` (TensorFlow/Keras), not half to each (PyTorch).
const maximumOp = binaryOp('maximum', (dy, a, b) => {
  const m = greaterEqual(a, b);
  return [where(m, dy, 0), where(m, 0, dy)];
});
const minimumOp = binaryOp('minimum', (dy, a, b) => {
  const m = lessEqual(a, b);
  return [where(m, dy, 0), where(m, 0, dy)];
});
// NOTE: mod(a, b) = a - floor(a / b) * b, so d/da = 1 and d/db = -floor(a / b) (PyTorch's remainder); floorDiv is flat.
const modOp = binaryOp('mod', (dy, a, b) => [dy, neg(mul(dy, floorDiv(a, b)))]);
const floorDivOp = binaryOp('floorDiv', (dy) => [mul(dy, 0), mul(dy, 0)]);

function arith(op: (inputs: Tensor[], attrs: BinAttrs) => Tensor, name: BinaryOp, a: Arg, b: Arg, toFloat = false): Tensor {
  const [ta, tb, common] = operands(a, b);
  const dtype = toFloat ? floatOf(common) : common === 'bool' ? 'uint8' : common;
  return op([castTo(ta, dtype), castTo(tb, dtype)], { op: name, dtype });
}

export const add = (a: Arg, b: Arg): Tensor => arith(addOp, 'add', a, b);
export const sub = (a: Arg, b: Arg): Tensor => arith(subOp, 'sub', a, b);
export const mul = (a: Arg, b: Arg): Tensor => arith(mulOp, 'mul', a, b);
/** True division: integer operands give float32. */
export const div = (a: Arg, b: Arg): Tensor => arith(divOp, 'div', a, b, true);
/** a ** b; the gradient with respect to b is 0 where a <= 0 (TensorFlow; PyTorch gives NaN for a < 0). */
export const pow = (a: Arg, b: Arg): Tensor => arith(powOp, 'pow', a, b);
/** Elementwise max; at ties the whole gradient goes to `a` (TensorFlow/Keras; PyTorch splits it in half). */
export const maximum = (a: Arg, b: Arg): Tensor => arith(maximumOp, 'maximum', a, b);
/** Elementwise min; at ties the whole gradient goes to `a` (TensorFlow/Keras; PyTorch splits it in half). */
export const minimum = (a: Arg, b: Arg): Tensor => arith(minimumOp, 'minimum', a, b);
export const mod = (a: Arg, b: Arg): Tensor => arith(modOp, 'mod', a, b);
export const floorDiv = (a: Arg, b: Arg): Tensor => arith(floorDivOp, 'floorDiv', a, b);

const compareOps = new Map<BinaryOp, ReturnType<typeof binaryOp>>();
function compare(name: BinaryOp, a: Arg, b: Arg): Tensor {
  let op = compareOps.get(name);
  if (!op) compareOps.set(name, (op = binaryOp(name)));
  const [ta, tb, dtype] = operands(a, b);
  return op([castTo(ta, dtype), castTo(tb, dtype)], { op: name, dtype: 'bool' });
}

export const equal = (a: Arg, b: Arg): Tensor => compare('equal', a, b);
export const notEqual = (a: Arg, b: Arg): Tensor => compare('notEqual', a, b);
export const less = (a: Arg, b: Arg): Tensor => compare('less', a, b);
export const lessEqual = (a: Arg, b: Arg): Tensor => compare('lessEqual', a, b);
export const greater = (a: Arg, b: Arg): Tensor => compare('greater', a, b);
export const greaterEqual = (a: Arg, b: Arg): Tensor => compare('greaterEqual', a, b);
export const logicalAnd = (a: Arg, b: Arg): Tensor => compare('logicalAnd', a, b);
export const logicalOr = (a: Arg, b: Arg): Tensor => compare('logicalOr', a, b);

export function neg(x: Arg): Tensor {
  return mul(x, -1);
}

const whereOp = defineOp({
  name: 'where',
  forward: (bk, [c, a, b]) => {
    broadcastShapes(c.shape, broadcastShapes(a.shape, b.shape, 'where (a and b)'), 'where (cond and values)');
    return bk.where(c, a, b);
  },
  vjp: (dy, { inputs: [c, a, b] }) => [
    null,
    isFloat(a.dtype) ? unbroadcast(whereRaw(c, dy, 0), a.shape) : null,
    isFloat(b.dtype) ? unbroadcast(whereRaw(c, 0, dy), b.shape) : null,
  ],
});

function whereRaw(cond: Tensor, a: Arg, b: Arg): Tensor {
  const [ta, tb, dtype] = operands(a, b);
  return whereOp([castTo(cond, 'bool'), castTo(ta, dtype), castTo(tb, dtype)], {});
}

/** Elementwise select with broadcasting: cond ? a : b. */
export function where(cond: Arg, a: Arg, b: Arg): Tensor {
  return whereRaw(toTensor(cond), a, b);
}

const clipOp = defineOp<{ lo: number; hi: number }>({
  name: 'clip',
  forward: (bk, [x], { lo, hi }) => {
    const lower = bk.binary('maximum', x, toTensor(lo, x.dtype), x.dtype);
    return bk.binary('minimum', lower, toTensor(hi, x.dtype), x.dtype);
  },
  // NOTE: the gradient passes where lo <= x <= hi, boundaries included (TensorFlow and PyTorch agree).
  vjp: (dy, { inputs: [x], attrs: { lo, hi } }) => [where(logicalAnd(greaterEqual(x, lo), lessEqual(x, hi)), dy, 0)],
});

/** Clips values into [lo, hi]. */
export function clip(x: Arg, lo: number, hi: number): Tensor {
  if (lo > hi) throw new Error(`clip: lower bound ${lo} is above upper bound ${hi}`);
  return clipOp([toTensor(x)], { lo, hi });
}

/** True when both tensors have the same shape and values within atol + rtol*|b|. */
export function allClose(a: Tensor, b: Tensor, rtol = 1e-5, atol = 1e-8): boolean {
  if (!shapesEqual(a.shape, b.shape)) return false;
  for (let i = 0; i < a.size; i++) {
    const x = a.data[i];
    const y = b.data[i];
    if (Number.isNaN(x) !== Number.isNaN(y)) return false;
    if (!Number.isNaN(x) && Math.abs(x - y) > atol + rtol * Math.abs(y)) return false;
  }
  return true;
}

// The golden cases' op names (scripts/golden/ops.py) mapped to layerwise calls, and JSON decoding helpers.
import type { Tensor } from '../../src/tensor/tensor.js';
import { tensor } from '../../src/tensor/creation.js';
import type { DType } from '../../src/tensor/dtype.js';
import type { ActivationOp } from '../../src/backend/backend.js';
import * as o from '../../src/ops/index.js';
import { loadGolden } from '../helpers/golden.js';

export interface GoldenArray { shape: number[]; data: (number | string)[]; dtype?: string }
export interface GoldenCase {
  name: string;
  op: string;
  attrs: Record<string, any>;
  inputs: GoldenArray[];
  outputs: GoldenArray[];
  weights: GoldenArray[];
  grads: (GoldenArray | null)[];
}

/** JSON numbers, with "nan" / "inf" / "-inf" strings decoded. */
export function decode(values: readonly (number | string)[]): number[] {
  return values.map((v) => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity));
}

/** A golden array as a tensor: float inputs take `floatDtype`, the others their recorded dtype. */
export function toTensor(a: GoldenArray, floatDtype: DType): Tensor {
  const dtype = (a.dtype === undefined || a.dtype === 'float' ? floatDtype : a.dtype) as DType;
  return tensor(decode(a.data), a.shape, dtype);
}

type OpFn = (xs: Tensor[], attrs: Record<string, any>) => Tensor | Tensor[];

const unary = (f: (x: Tensor) => Tensor): OpFn => ([x]) => f(x);
const binary = (f: (a: Tensor, b: Tensor) => Tensor): OpFn => ([a, b]) => f(a, b);
const reduce = (f: (x: Tensor, axis: o.Axis, keep: boolean) => Tensor): OpFn => ([x], { axis, keepDims }) => f(x, axis, keepDims);

export const OPS: Record<string, OpFn> = {
  neg: unary(o.neg), exp: unary(o.exp), expm1: unary(o.expm1), log: unary(o.log), log1p: unary(o.log1p),
  sqrt: unary(o.sqrt), rsqrt: unary(o.rsqrt), abs: unary(o.abs), sign: unary(o.sign), square: unary(o.square),
  relu: unary(o.relu), relu6: unary(o.relu6), selu: unary(o.selu), sigmoid: unary(o.sigmoid), tanh: unary(o.tanh),
  softplus: unary(o.softplus), sin: unary(o.sin), cos: unary(o.cos), reciprocal: unary(o.reciprocal),
  floor: unary(o.floor), ceil: unary(o.ceil), round: unary(o.round),
  mod: binary(o.mod), floorDiv: binary(o.floorDiv),
  leakyRelu: ([x], { alpha }) => o.leakyRelu(x, alpha),
  elu: ([x], { alpha }) => o.elu(x, alpha),
  add: binary(o.add), sub: binary(o.sub), mul: binary(o.mul), div: binary(o.div), pow: binary(o.pow),
  maximum: binary(o.maximum), minimum: binary(o.minimum),
  where: ([c, a, b]) => o.where(c, a, b),
  clip: ([x], { lo, hi }) => o.clip(x, lo, hi),
  sum: reduce(o.sum), mean: reduce(o.mean), max: reduce(o.max), min: reduce(o.min), prod: reduce(o.prod),
  logSumExp: reduce(o.logSumExp),
  moments: ([x], { axis, keepDims }) => {
    const m = o.moments(x, axis, keepDims);
    return [m.mean, m.variance];
  },
  softmax: ([x], { axis }) => o.softmax(x, axis),
  logSoftmax: ([x], { axis }) => o.logSoftmax(x, axis),
  matmul: ([a, b], attrs) => o.matmul(a, b, attrs),
  dense: ([x, k, b], { activation }) => o.dense(x, k, b ?? null, activation as ActivationOp),
  reshape: ([x], { shape }) => o.reshape(x, shape),
  transpose: ([x], { perm }) => o.transpose(x, perm),
  slice: ([x], { begin, size }) => o.slice(x, begin, size),
  sliceAxis: ([x], { axis, start, end }) => o.sliceAxis(x, axis, start, end),
  concat: (xs, { axis }) => o.concat(xs, axis),
  stack: (xs, { axis }) => o.stack(xs, axis),
  gather: ([x, i], { axis }) => o.gather(x, i, axis),
  pad: ([x], { paddings, value }) => o.pad(x, paddings, value),
  broadcastTo: ([x], { shape }) => o.broadcastTo(x, shape),
};

export function goldenCases(): GoldenCase[] {
  return loadGolden<{ cases: GoldenCase[] }>('ops.json').cases;
}

/** Runs a case's op, always as a list of outputs. */
export function runCase(c: GoldenCase, xs: Tensor[]): Tensor[] {
  const fn = OPS[c.op];
  if (!fn) throw new Error(`no layerwise op for golden op '${c.op}'`);
  const out = fn(xs, c.attrs);
  return Array.isArray(out) ? out : [out];
}

// Float64 finite-difference gradient checks for every differentiable op, broadcasting included (away from kinks).
import { describe, it } from 'node:test';
import type { Tensor } from '../../src/tensor/tensor.js';
import * as o from '../../src/ops/index.js';
import { gradcheck, randF64 } from '../helpers/gradcheck.js';
import { tensor } from '../../src/tensor/creation.js';

type Check = [string, (...xs: Tensor[]) => Tensor, Tensor[]];

const r = (shape: number[], seed: number, lo = -2, hi = 2): Tensor => randF64(shape, seed, lo, hi);
const pos = (shape: number[], seed: number): Tensor => randF64(shape, seed, 0.3, 2.5);

const unaryChecks: Check[] = [
  ['neg', o.neg, [r([2, 3], 1)]],
  ['exp', o.exp, [r([2, 3], 2)]],
  ['expm1', o.expm1, [r([2, 3], 3)]],
  ['log', o.log, [pos([2, 3], 4)]],
  ['log1p', o.log1p, [r([2, 3], 5, -0.7, 2)]],
  ['sqrt', o.sqrt, [pos([2, 3], 6)]],
  ['rsqrt', o.rsqrt, [pos([2, 3], 7)]],
  ['abs', o.abs, [r([2, 3], 8)]],
  ['sign', o.sign, [r([2, 3], 9)]],
  ['square', o.square, [r([2, 3], 10)]],
  ['relu', o.relu, [r([2, 3], 11)]],
  ['relu6', o.relu6, [r([2, 4], 12, -2, 8)]],
  ['leakyRelu', (x) => o.leakyRelu(x), [r([2, 3], 13)]],
  ['leakyRelu alpha 0.3', (x) => o.leakyRelu(x, 0.3), [r([2, 3], 14)]],
  ['elu', (x) => o.elu(x), [r([2, 3], 15)]],
  ['elu alpha 0.5', (x) => o.elu(x, 0.5), [r([2, 3], 16)]],
  ['selu', o.selu, [r([2, 3], 17)]],
  ['sigmoid', o.sigmoid, [r([2, 3], 18, -5, 5)]],
  ['tanh', o.tanh, [r([2, 3], 19)]],
  ['softplus', o.softplus, [r([2, 3], 20, -5, 5)]],
  ['sin', o.sin, [r([2, 3], 23)]],
  ['cos', o.cos, [r([2, 3], 24)]],
  ['reciprocal', o.reciprocal, [pos([2, 3], 25)]],
  ['floor, ceil, round (flat)', (x) => o.add(o.add(o.floor(x), o.ceil(x)), o.mul(o.round(x), x)), [r([2, 3], 26)]],
  ['clip', (x) => o.clip(x, -1, 1), [r([3, 4], 21)]],
  ['cast float64 -> float64 identity chain', (x) => o.cast(o.mul(x, 2), 'float64'), [r([3], 22)]],
];

const binaryChecks: Check[] = [];
const binaries: [string, (a: Tensor, b: Tensor) => Tensor, boolean][] = [
  ['add', o.add, false], ['sub', o.sub, false], ['mul', o.mul, false], ['div', o.div, true],
  ['pow', o.pow, true], ['maximum', o.maximum, false], ['minimum', o.minimum, false],
];
const shapes: [string, number[], number[]][] = [
  ['same shape', [2, 3], [2, 3]],
  ['row broadcast', [2, 3], [3]],
  ['both broadcast', [2, 1, 3], [4, 1]],
  ['scalar rhs', [2, 3], []],
  ['scalar lhs', [], [3]],
];
binaries.forEach(([name, f, positive], bi) => {
  shapes.forEach(([tag, sa, sb], si) => {
    const seed = 100 + bi * 10 + si;
    const a = positive ? pos(sa, seed) : r(sa, seed);
    const b = positive ? pos(sb, seed + 500) : r(sb, seed + 500);
    binaryChecks.push([`${name} (${tag})`, f, [a, b]]);
  });
});
binaryChecks.push(['mod (both broadcast)', o.mod, [r([2, 1, 3], 44, -3, 3), pos([4, 1], 45)]]);
binaryChecks.push(['floorDiv (flat)', (a, b) => o.mul(o.floorDiv(a, b), a), [r([2, 3], 46, -3, 3), pos([3], 47)]]);
binaryChecks.push(['pow, negative base and integer exponent (d/da)', (a) => o.pow(a, tensor([2, 3, 1], [3], 'float64')), [r([2, 3], 40, -2, -0.3)]]);
binaryChecks.push(['where (broadcast cond, a, b)', (a, b) => o.where(tensor([[true], [false]]), a, b), [r([2, 3], 41), r([3], 42)]]);
binaryChecks.push(['where with scalar branch', (a) => o.where(tensor([true, false, true]), a, 0), [r([2, 3], 43)]]);

const x234 = (seed: number): Tensor => r([2, 3, 4], seed);
const reductionChecks: Check[] = [];
const reductions: [string, (x: Tensor, axis: o.Axis, keep: boolean) => Tensor][] = [
  ['sum', o.sum], ['mean', o.mean], ['max', o.max], ['min', o.min], ['prod', o.prod], ['logSumExp', o.logSumExp],
  ['moments.mean', (x, a, k) => o.moments(x, a, k).mean], ['moments.variance', (x, a, k) => o.moments(x, a, k).variance],
];
reductions.forEach(([name, f], ri) => {
  const axes: o.Axis[] = [0, -1, [0, 2], null];
  axes.forEach((axis, ai) => {
    for (const keep of [false, true]) {
      reductionChecks.push([`${name} axis ${JSON.stringify(axis)} keepDims ${keep}`, (x) => f(x, axis, keep), [x234(200 + ri * 10 + ai)]]);
    }
  });
});
reductionChecks.push(['softmax last axis', (x) => o.softmax(x), [x234(300)]]);
reductionChecks.push(['softmax axis 1', (x) => o.softmax(x, 1), [x234(301)]]);
reductionChecks.push(['logSoftmax last axis', (x) => o.logSoftmax(x), [x234(302)]]);
reductionChecks.push(['logSoftmax axis 0', (x) => o.logSoftmax(x, 0), [x234(303)]]);

const mm = (ta: boolean, tb: boolean) => (a: Tensor, b: Tensor) => o.matmul(a, b, { transposeA: ta, transposeB: tb });
const matmulChecks: Check[] = [
  ['matmul', mm(false, false), [r([2, 3], 400), r([3, 4], 401)]],
  ['matmul transposeA', mm(true, false), [r([3, 2], 402), r([3, 4], 403)]],
  ['matmul transposeB', mm(false, true), [r([2, 3], 404), r([4, 3], 405)]],
  ['matmul both transposed', mm(true, true), [r([3, 2], 406), r([4, 3], 407)]],
  ['matmul batch', mm(false, false), [r([2, 2, 3], 408), r([2, 3, 4], 409)]],
  ['matmul batch transposeA', mm(true, false), [r([2, 3, 2], 410), r([2, 3, 4], 411)]],
  ['matmul broadcast batch', mm(false, false), [r([2, 1, 2, 3], 412), r([3, 3, 2], 413)]],
  ['matmul broadcast batch, transposed', mm(true, true), [r([3, 2], 414), r([2, 4, 3], 415)]],
  ['matmul rank-1 lhs', mm(false, false), [r([3], 416), r([3, 4], 417)]],
  ['matmul rank-1 rhs', mm(false, false), [r([2, 3], 418), r([3], 419)]],
  ['matmul rank-1 both', mm(false, false), [r([3], 420), r([3], 421)]],
  ['matmul rank-1 with batch', mm(false, false), [r([3], 422), r([2, 3, 4], 423)]],
];
const acts = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh', 'elu', 'selu', 'leakyRelu'] as const;
acts.forEach((act, i) => {
  matmulChecks.push([`dense ${act}`, (x, k, b) => o.dense(x, k, b, act), [r([3, 4], 430 + i), r([4, 2], 440 + i), r([2], 450 + i)]]);
});
matmulChecks.push(['dense without bias', (x, k) => o.dense(x, k, null, 'tanh'), [r([3, 4], 460), r([4, 2], 461)]]);

const layoutChecks: Check[] = [
  ['reshape with -1', (x) => o.reshape(x, [4, -1]), [x234(500)]],
  ['transpose default', (x) => o.transpose(x), [x234(501)]],
  ['transpose perm', (x) => o.transpose(x, [1, 2, 0]), [x234(502)]],
  ['slice', (x) => o.slice(x, [0, 1, 1], [-1, 2, 2]), [x234(503)]],
  ['sliceAxis', (x) => o.sliceAxis(x, -1, 1, 3), [x234(504)]],
  ['concat axis 1', (a, b) => o.concat([a, b], 1), [x234(505), r([2, 2, 4], 506)]],
  ['concat same tensor twice', (a) => o.concat([a, a], 0), [r([2, 3], 507)]],
  ['stack axis 1', (a, b) => o.stack([a, b], 1), [r([2, 3], 508), r([2, 3], 509)]],
  ['gather axis 0 with repeats', (x) => o.gather(x, [2, 0, 2, -1], 0), [r([3, 4], 510)]],
  ['gather axis 1 with 2-d indices', (x) => o.gather(x, [[2, 0], [1, 1]], 1), [x234(511)]],
  ['pad', (x) => o.pad(x, [[1, 0], [2, 1]], 3), [r([2, 3], 512)]],
  ['broadcastTo', (x) => o.broadcastTo(x, [2, 3, 4]), [r([3, 1], 513)]],
  ['expandDims + squeeze', (x) => o.squeeze(o.mul(o.expandDims(x, 1), 2), 1), [r([2, 3], 514)]],
  ['booleanMask', (x) => o.booleanMask(x, [true, false, true]), [r([3, 2], 515)]],
];

function suite(title: string, checks: Check[]): void {
  describe(title, () => {
    for (const [name, f, inputs] of checks) it(name, () => gradcheck(f, inputs));
  });
}

suite('gradcheck: elementwise unary and activations', unaryChecks);
suite('gradcheck: broadcasting binary ops and where', binaryChecks);
suite('gradcheck: reductions and softmax', reductionChecks);
suite('gradcheck: matmul and fused dense', matmulChecks);
suite('gradcheck: layout ops', layoutChecks);

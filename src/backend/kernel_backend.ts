// A Backend over a kernel library with the native addon's call signatures (the N-API addon, or the WebAssembly
// module behind the same interface); what the kernels do not cover is delegated to the reference backend.
import type {
  ActivationOp, Backend, BackendName, BatchNormGrads, BatchNormResult, BinaryOp, DenseGradOptions, DenseGrads, MatmulOptions, OptimizerUpdate, RawTensor, ReduceOp, UnaryOp, UnaryParams,
} from './backend.js';
import type { DType } from '../tensor/dtype.js';
import { broadcastShapes, reducedShape, sizeOf } from '../tensor/shape.js';
import { batchOffsets, broadcastStrides } from './reference/indexing.js';
import { referenceBackend as ref } from './reference/index.js';
import { concatInto } from './reference/layout.js';

/** Output storage of a kernel backend: alloc(n) hands out a Float32Array of n floats; recycle takes dead ones back. */
export interface OutputPool {
  alloc(n: number): Float32Array;
  recycle(arrays: readonly unknown[]): void;
}

/** The kernel calls: the functions exported by native/addon.cc (and mirrored by src/backend/wasm_addon.ts). */
export interface KernelAddon {
  gemm(a: Float32Array, offA: number, b: Float32Array, offB: number, c: Float32Array, offC: number,
    m: number, n: number, k: number, transA: boolean, transB: boolean, bias: Float32Array | null, act: number, alpha: number): void;
  unary(op: number, x: Float32Array, y: Float32Array, alpha: number): void;
  activationGrad(act: number, x: Float32Array, y: Float32Array, dy: Float32Array, out: Float32Array, alpha: number): void;
  /** dims = [rank, shape..., strides of a..., strides of b...] (0 strides broadcast). */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, dims: Float64Array): void;
  reduce(op: number, x: Float32Array, out: Float32Array, outer: number, r: number, inner: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, n: number, log: boolean): void;
  softmaxGrad(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, n: number): void;
  denseGrad(act: number, alpha: number, x: Float32Array, w: Float32Array, y: Float32Array, dy: Float32Array,
    dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null, m: number, k: number, n: number): void;
  denseGradSgd(act: number, alpha: number, x: Float32Array, w: Float32Array, y: Float32Array, dy: Float32Array,
    dx: Float32Array | null, bias: Float32Array | null, rate: number, m: number, k: number, n: number): void;
  batchNormForward(x: Float32Array, gamma: Float32Array | null, beta: Float32Array | null, epsilon: number, rows: number, c: number,
    y: Float32Array, mean: Float32Array, variance: Float32Array, rstd: Float32Array): void;
  batchNormBackward(x: Float32Array, dy: Float32Array, mean: Float32Array, rstd: Float32Array, gamma: Float32Array | null,
    rows: number, c: number, dx: Float32Array | null, dgamma: Float32Array | null, dbeta: Float32Array | null): void;
  scaleShift(x: Float32Array, scale: Float32Array, shift: Float32Array, rows: number, c: number, y: Float32Array): void;
  movingAverage(targets: Float32Array[], values: Float32Array[], momentum: number): void;
  optimizer(kind: number, params: Float32Array[], grads: Float32Array[], slots: Float32Array[][], hyper: number[], flags: number): void;
  /** Comma-separated optimizer kinds the kernel knows beyond sgd, adam and rmsprop's codes (absent: those three). */
  optimizerKinds?: string;
  numThreads(): number;
  /** The active instruction-set path (e.g. 'avx2', 'simd128'). */
  isa(): string;
}

// Codes shared with native/ops.h (Act) and native/kernels.h (UnaryKind, BinaryKind, ReduceKind, OptKind).
const ACT: Record<ActivationOp, number> = {
  linear: 0, relu: 1, relu6: 2, leakyRelu: 3, elu: 4, selu: 5, sigmoid: 6, tanh: 7, softplus: 8,
};
const UNARY: Partial<Record<UnaryOp, number>> = {
  ...ACT, neg: 100, exp: 101, expm1: 102, log: 103, log1p: 104, sqrt: 105, rsqrt: 106, abs: 107, square: 108,
  reciprocal: 109, sin: 110, cos: 111, floor: 112, ceil: 113, sign: 114,
};
const BINARY: Partial<Record<BinaryOp, number>> = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, pow: 6 };
const REDUCE: Partial<Record<ReduceOp, number>> = { sum: 0, max: 1, min: 2 };
const OPTIMIZER: Record<string, number> = { sgd: 0, adam: 1, rmsprop: 2, nadam: 3 };
const BASE_OPTIMIZERS = 'sgd,adam,rmsprop';

function defaultAlpha(op: string, alpha: number | undefined): number {
  return alpha ?? (op === 'elu' ? 1 : op === 'leakyRelu' ? 0.2 : 0);
}

/** Arithmetic with at most this many outputs runs in JS (measured: [32] x scalar 0.7 us in JS, 2.9 us native). */
const SMALL_BINARY = 128;

/** [rank, shape..., strides of a..., strides of b...] for the addon's binary, broadcasting a and b to shape. */
function binaryDims(sa: readonly number[], sb: readonly number[], shape: readonly number[]): Float64Array {
  const rank = shape.length;
  const dims = new Float64Array(1 + 3 * rank);
  dims[0] = rank;
  dims.set(shape, 1);
  dims.set(broadcastStrides(sa, shape), 1 + rank);
  dims.set(broadcastStrides(sb, shape), 1 + 2 * rank);
  return dims;
}

function f32(x: RawTensor): x is RawTensor & { data: Float32Array } {
  return x.dtype === 'float32' && x.data instanceof Float32Array;
}
/** The backend named `name` running L's kernels, its outputs taken from `pool`. */
export function makeKernelBackend(L: KernelAddon, name: BackendName, pool: OutputPool): Backend {
  const { alloc, recycle } = pool;
  const knownOptimizers = new Set((L.optimizerKinds ?? BASE_OPTIMIZERS).split(','));
  function unary(op: UnaryOp, x: RawTensor, params: UnaryParams = {}): RawTensor {
    const code = UNARY[op];
    if (code === undefined || !f32(x)) return ref.unary(op, x, params);
    const out = alloc(x.data.length);
    L.unary(code, x.data, out, defaultAlpha(op, params.alpha));
    return { data: out, shape: x.shape, dtype: 'float32' };
  }

  function activationGrad(op: ActivationOp, x: RawTensor, y: RawTensor, dy: RawTensor, params: UnaryParams = {}): RawTensor {
    if (!f32(x) || !f32(y) || !f32(dy) || x.data.length !== dy.data.length || y.data.length !== dy.data.length) {
      return ref.activationGrad(op, x, y, dy, params);
    }
    const out = alloc(dy.data.length);
    L.activationGrad(ACT[op], x.data, y.data, dy.data, out, defaultAlpha(op, params.alpha));
    return { data: out, shape: dy.shape, dtype: 'float32' };
  }

  function binary(op: BinaryOp, a: RawTensor, b: RawTensor, outDtype: DType): RawTensor {
    const code = BINARY[op];
    if (code === undefined || outDtype !== 'float32' || !f32(a) || !f32(b)) return ref.binary(op, a, b, outDtype);
    const shape = broadcastShapes(a.shape, b.shape, op);
    // Tiny arithmetic (a loss's scalars) costs less in JS than the call into the addon (scalar div ~0.1 vs ~1.8 us);
    // float32 +, -, *, / rounded from double equal the float32 operation, so the results are the same.
    if (code <= BINARY.div! && sizeOf(shape) <= SMALL_BINARY) return ref.binary(op, a, b, outDtype);
    const out = alloc(sizeOf(shape));
    L.binary(code, a.data, b.data, out, binaryDims(a.shape, b.shape, shape));
    return { data: out, shape, dtype: 'float32' };
  }

  function reduce(op: ReduceOp, x: RawTensor, axes: readonly number[], keepDims: boolean): RawTensor {
    const code = REDUCE[op];
    const contiguous = axes.length > 0 && axes.every((a, i) => i === 0 || a === axes[i - 1] + 1);
    if (code === undefined || !f32(x) || !contiguous) return ref.reduce(op, x, axes, keepDims);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const outer = sizeOf(x.shape.slice(0, first));
    const r = sizeOf(x.shape.slice(first, last + 1));
    const inner = sizeOf(x.shape.slice(last + 1));
    if (r === 0 || outer * inner === 0) return ref.reduce(op, x, axes, keepDims);
    const out = alloc(outer * inner);
    L.reduce(code, x.data, out, outer, r, inner);
    return { data: out, shape: reducedShape(x.shape, axes, keepDims), dtype: 'float32' };
  }

  function softmax(x: RawTensor, axis: number, log: boolean): RawTensor {
    const rank = x.shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    const n = x.shape[ax];
    if (!f32(x) || ax !== rank - 1 || !n) return ref.softmax(x, axis, log);
    const out = alloc(x.data.length);
    L.softmax(x.data, out, x.data.length / n, n, log);
    return { data: out, shape: x.shape, dtype: 'float32' };
  }

  function softmaxGrad(y: RawTensor, dy: RawTensor, axis: number): RawTensor {
    const n = y.shape[axis];
    if (!f32(y) || !f32(dy) || axis !== y.shape.length - 1 || !n || dy.data.length !== y.data.length) return ref.softmaxGrad(y, dy, axis);
    const out = alloc(y.data.length);
    L.softmaxGrad(y.data, dy.data, out, y.data.length / n, n);
    return { data: out, shape: y.shape, dtype: 'float32' };
  }

  function matmul(a: RawTensor, b: RawTensor, options: MatmulOptions = {}): RawTensor {
    const { transposeA = false, transposeB = false, bias, activation, alpha } = options;
    const ra = a.shape.length;
    const rb = b.shape.length;
    if (!f32(a) || !f32(b) || (bias && !f32(bias)) || ra < 2 || rb < 2) return ref.matmul(a, b, options);
    const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const k2 = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
    const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    if (k !== k2 || (bias && bias.data.length !== n)) return ref.matmul(a, b, options);
    const batchA = a.shape.slice(0, -2);
    const batchB = b.shape.slice(0, -2);
    const batch = broadcastShapes(batchA, batchB, 'matmul batch dimensions');
    const nb = sizeOf(batch);
    const out = alloc(nb * m * n);
    // softplus has no vectorized epilogue: apply it after the product.
    const act = activation && activation !== 'softplus' ? ACT[activation] : 0;
    const al = alpha ?? (activation === 'elu' ? 1 : 0.2);
    const biasData = bias ? (bias.data as Float32Array) : null;
    if (nb === 1) {
      L.gemm(a.data, 0, b.data, 0, out, 0, m, n, k, transposeA, transposeB, biasData, act, al);
    } else {
      const sa = broadcastStrides(batchA, batch);
      const sb = broadcastStrides(batchB, batch);
      for (let bi = 0; bi < nb; bi++) {
        const [offA, offB] = batchOffsets(bi, batch, sa, sb);
        L.gemm(a.data, offA * m * k, b.data, offB * k * n, out, bi * m * n, m, n, k, transposeA, transposeB, biasData, act, al);
      }
    }
    if (activation === 'softplus') L.unary(ACT.softplus, out, out, 0);
    return { data: out, shape: [...batch, m, n], dtype: 'float32' };
  }

  function denseGrad(x: RawTensor, kernel: RawTensor, y: RawTensor, dy: RawTensor, options: DenseGradOptions): DenseGrads {
    const { activation, alpha, needs } = options;
    const ok = f32(x) && f32(kernel) && f32(y) && f32(dy) && x.shape.length === 2 && kernel.shape.length === 2 &&
      activation !== 'softplus' && x.shape[1] === kernel.shape[0] && y.shape.length === 2 &&
      y.shape[0] === x.shape[0] && y.shape[1] === kernel.shape[1] && dy.data.length === y.data.length;
    const sgd = options.sgd;
    if (!ok || (sgd && sgd.bias && !f32(sgd.bias))) return ref.denseGrad(x, kernel, y, dy, options);
    const [m, k] = x.shape;
    const n = kernel.shape[1];
    if (sgd) {
      const dx = needs[0] ? alloc(m * k) : null;
      L.denseGradSgd(ACT[activation], defaultAlpha(activation, alpha), x.data, kernel.data, y.data, dy.data as Float32Array, dx,
        (sgd.bias?.data ?? null) as Float32Array | null, sgd.learningRate, m, k, n);
      return { dx: dx && { data: dx, shape: [m, k], dtype: 'float32' }, dkernel: null, dbias: null };
    }
    const dx = needs[0] ? alloc(m * k) : null;
    const dw = needs[1] ? alloc(k * n) : null;
    const db = needs[2] ? alloc(n) : null;
    L.denseGrad(ACT[activation], defaultAlpha(activation, alpha), x.data, kernel.data, y.data, dy.data as Float32Array, dx, dw, db, m, k, n);
    const raw = (data: Float32Array | null, shape: number[]): RawTensor | null => (data ? { data, shape, dtype: 'float32' } : null);
    return { dx: raw(dx, [m, k]), dkernel: raw(dw, [k, n]), dbias: raw(db, [n]) };
  }

  /** Rows x channels when batch norm reduces every axis but the last (channels last) of float32 data. */
  function channelsLast(x: RawTensor, axes: readonly number[], ...params: (RawTensor | null)[]): [number, number] | null {
    const rank = x.shape.length;
    if (!f32(x) || rank < 2 || axes.length !== rank - 1 || axes.some((a, i) => a !== i)) return null;
    const c = x.shape[rank - 1];
    const ok = params.every((p) => p === null || (f32(p) && p.data.length === c));
    return ok ? [x.data.length / Math.max(c, 1), c] : null;
  }

  function batchNorm(x: RawTensor, gamma: RawTensor | null, beta: RawTensor | null, axes: readonly number[], epsilon: number): BatchNormResult {
    const dims = channelsLast(x, axes, gamma, beta);
    if (!dims || dims[1] === 0) return ref.batchNorm(x, gamma, beta, axes, epsilon);
    const [rows, c] = dims;
    const statShape = x.shape.map((d, i) => (i === x.shape.length - 1 ? d : 1));
    const y = alloc(rows * c);
    const [mean, variance, rstd] = [alloc(c), alloc(c), alloc(c)];
    L.batchNormForward(x.data as Float32Array, (gamma?.data ?? null) as Float32Array | null, (beta?.data ?? null) as Float32Array | null,
      epsilon, rows, c, y, mean, variance, rstd);
    const stat = (data: Float32Array): RawTensor => ({ data, shape: statShape, dtype: 'float32' });
    return { y: { data: y, shape: x.shape, dtype: 'float32' }, mean: stat(mean), variance: stat(variance), rstd: stat(rstd) };
  }

  function batchNormGrad(x: RawTensor, dy: RawTensor, mean: RawTensor, rstd: RawTensor, gamma: RawTensor | null, axes: readonly number[],
    needs: readonly [boolean, boolean, boolean]): BatchNormGrads {
    const dims = channelsLast(x, axes, mean, rstd, gamma);
    if (!dims || dims[1] === 0 || !f32(dy) || dy.data.length !== x.data.length) return ref.batchNormGrad(x, dy, mean, rstd, gamma, axes, needs);
    const [rows, c] = dims;
    const statShape = mean.shape;
    const dx = needs[0] ? alloc(rows * c) : null;
    const dgamma = needs[1] ? alloc(c) : null;
    const dbeta = needs[2] ? alloc(c) : null;
    L.batchNormBackward(x.data as Float32Array, dy.data, mean.data as Float32Array, rstd.data as Float32Array,
      (gamma?.data ?? null) as Float32Array | null, rows, c, dx, dgamma, dbeta);
    const raw = (data: Float32Array | null, shape: readonly number[]): RawTensor | null => (data ? { data, shape: [...shape], dtype: 'float32' } : null);
    return { dx: raw(dx, x.shape), dgamma: raw(dgamma, statShape), dbeta: raw(dbeta, statShape) };
  }

  function scaleShift(x: RawTensor, scale: RawTensor, shift: RawTensor): RawTensor {
    const rank = x.shape.length;
    const c = rank > 0 ? x.shape[rank - 1] : 0;
    // One pass when scale and shift run along the last axis only (keepDims [1, ..., c] or [c]).
    const lastAxisOnly = (p: RawTensor): boolean =>
      f32(p) && p.data.length === c && p.shape.length <= rank && p.shape.slice(0, -1).every((d) => d === 1);
    if (!f32(x) || !f32(scale) || !f32(shift)) return ref.scaleShift(x, scale, shift);
    if (c === 0 || !lastAxisOnly(scale) || !lastAxisOnly(shift)) return binary('add', binary('mul', x, scale, 'float32'), shift, 'float32');
    const y = alloc(x.data.length);
    L.scaleShift(x.data, scale.data as Float32Array, shift.data as Float32Array, x.data.length / c, c, y);
    return { data: y, shape: x.shape, dtype: 'float32' };
  }

  function optimizerUpdate(u: OptimizerUpdate): void {
    const code = knownOptimizers.has(u.kind) ? OPTIMIZER[u.kind] : undefined;
    const allF32 = (xs: readonly unknown[]): boolean => xs.every((x) => x instanceof Float32Array);
    if (code === undefined || !allF32(u.params) || !allF32(u.grads) || !u.slots.every(allF32)) {
      ref.optimizerUpdate(u);
      return;
    }
    const h = u.hyper;
    const f = u.flags ?? {};
    const hyper = [
      h.learningRate, h.momentum ?? 0, h.beta1 ?? 0.9, h.beta2 ?? 0.999, h.epsilon ?? 1e-7, h.rho ?? 0.9,
      h.weightDecay ?? 0, h.iteration ?? 1, h.uProduct ?? 1,
    ];
    const flags = (f.nesterov ? 1 : 0) | (f.amsgrad ? 2 : 0) | (f.centered ? 4 : 0);
    L.optimizer(code, u.params, u.grads, u.slots, hyper, flags);
  }

  return {
    name,
    unary,
    activationGrad,
    binary,
    where: ref.where,
    reduce,
    argReduce: ref.argReduce,
    matmul,
    denseGrad,
    batchNorm,
    batchNormGrad,
    scaleShift,
    softmax,
    softmaxGrad,
    cast: ref.cast,
    transpose: ref.transpose,
    slice: ref.slice,
    // Pooled output (a large inference concat, e.g. chunked conv outputs, reuses a recycled buffer, not fresh pages).
    concat: (xs: readonly RawTensor[], axis: number) => (xs.length > 0 && xs.every(f32) ? concatInto(xs, axis, alloc) : ref.concat(xs, axis)),
    gather: ref.gather,
    scatterAdd: ref.scatterAdd,
    oneHot: ref.oneHot,
    pad: ref.pad,
    im2col: ref.im2col,
    col2im: ref.col2im,
    pool2d: ref.pool2d,
    pool2dGrad: ref.pool2dGrad,
    movingAverage: (targets: Float32Array[], values: Float32Array[], momentum: number) => L.movingAverage(targets, values, momentum),
    optimizerUpdate,
    recycle: (arrays: readonly unknown[]) => recycle(arrays),
  };
}

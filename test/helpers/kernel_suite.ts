// The kernel-vs-reference suite shared by every kernel backend (native, wasm): random shapes with sizes 1, odd, and
// non-multiples of every vector width, fused epilogues, NaN propagation. Each backend's test file runs it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivationOp, Backend, BinaryOp, RawTensor, UnaryOp } from '../../src/backend/backend.js';
import { referenceBackend as rb } from '../../src/backend/reference/index.js';
import { assertClose } from './gradcheck.js';
import { Generator } from '../../src/random/rng.js';

export const sizeOf = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);
export function rand(shape: number[], seed: number, lo = -2, hi = 2): RawTensor {
  const g = new Generator(seed);
  return { data: Float32Array.from({ length: sizeOf(shape) }, () => lo + (hi - lo) * g.uniform()), shape, dtype: 'float32' };
}
export function close(actual: RawTensor, expected: RawTensor, atol: number, rtol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assertClose(actual.data, expected.data, atol, rtol, what);
}

export const ACTS: ActivationOp[] = ['linear', 'relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus'];

/** Registers the suite against the backend `kb()` returns (called inside each test, so a skipped suite never calls it). */
export function kernelSuite(kb: () => Backend): void {
describe('matmul', () => {
  // Non-multiples of every vector width (4, 8, 16) and micro-kernel tile (6 x 16, 8 x 48) as well as exact ones.
  const dims = [1, 3, 5, 7, 8, 9, 15, 16, 17, 31, 47, 48, 49, 64, 100, 257];
  let seed = 10;
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
    it(`all m, k, n in {${dims.join(', ')}} (sampled), transposeA ${ta}, transposeB ${tb}`, () => {
      const g = new Generator(ta ? (tb ? 4 : 3) : tb ? 2 : 1);
      for (let t = 0; t < 40; t++) {
        const [m, k, n] = [0, 1, 2].map(() => dims[g.int(dims.length)]);
        const a = rand(ta ? [k, m] : [m, k], seed++);
        const b = rand(tb ? [n, k] : [k, n], seed++);
        const what = `${m}x${k}x${n} ta=${ta} tb=${tb}`;
        close(kb().matmul(a, b, { transposeA: ta, transposeB: tb }), rb.matmul(a, b, { transposeA: ta, transposeB: tb }), 1e-4 * Math.sqrt(k), 1e-4, what);
      }
    });
  }
  it('large shapes that block over K and N and split over threads', () => {
    for (const [m, k, n] of [[32, 784, 300], [300, 530, 97], [129, 600, 200], [70, 1100, 2100], [9, 40, 2100]]) {
      const a = rand([m, k], m + k);
      const b = rand([k, n], n);
      close(kb().matmul(a, b), rb.matmul(a, b), 2e-3, 1e-4, `${m}x${k}x${n}`);
      const bt = rand([n, k], n + 1);
      close(kb().matmul(a, bt, { transposeB: true }), rb.matmul(a, bt, { transposeB: true }), 2e-3, 1e-4, `${m}x${k}x${n}^T`);
    }
  });
  it('tall products split into row blocks over threads (odd m, transposes, fused bias + selu)', () => {
    // m past 256 and over 4e6 flops: the threaded WebAssembly build splits these into row blocks (native/wasm/abi.cc).
    for (const [m, k, n] of [[257, 131, 61], [1031, 67, 45], [513, 100, 100]]) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const a = rand(ta ? [k, m] : [m, k], m + k);
        const b = rand(tb ? [n, k] : [k, n], n, -0.5, 0.5);
        const opts = { transposeA: ta, transposeB: tb, bias: rand([n], 5), activation: 'selu' as const };
        close(kb().matmul(a, b, opts), rb.matmul(a, b, opts), 1e-4 * Math.sqrt(k), 1e-4, `${m}x${k}x${n} ta=${ta} tb=${tb}`);
      }
    }
  });
  for (const activation of ACTS) {
    it(`fused bias + ${activation} epilogue`, () => {
      for (const [m, k, n] of [[1, 1, 1], [5, 17, 33], [32, 300, 100], [64, 31, 257]]) {
        const a = rand([m, k], 7 + m);
        const b = rand([k, n], 8 + n, -0.5, 0.5);
        const bias = rand([n], 9);
        const opts = { bias, activation, alpha: activation === 'leakyRelu' ? 0.3 : undefined };
        close(kb().matmul(a, b, opts), rb.matmul(a, b, opts), 1e-4, 1e-4, `${activation} ${m}x${k}x${n}`);
      }
    });
  }
  it('fused epilogues on pre-activations far past saturation (exp subnormal or 0)', () => {
    // Rows of a in +-60 over k = 8: pre-activations reach a few hundred, as in an exploding deep SELU net.
    for (const activation of ACTS) {
      const a = rand([37, 8], 21, -60, 60);
      const b = rand([8, 53], 22, -1, 1);
      const opts = { bias: rand([53], 23), activation, alpha: activation === 'elu' ? 0.7 : undefined };
      close(kb().matmul(a, b, opts), rb.matmul(a, b, opts), 1e-4, 1e-5, `${activation} saturated`);
    }
  });
  it('batched with broadcasting batch dimensions', () => {
    const a = rand([2, 1, 5, 7], 1);
    const b = rand([3, 7, 17], 2);
    close(kb().matmul(a, b), rb.matmul(a, b), 1e-5, 1e-5, 'batched');
    const c = rand([4, 17, 7], 3);
    close(kb().matmul(rand([4, 5, 7], 4), c, { transposeB: true }), rb.matmul(rand([4, 5, 7], 4), c, { transposeB: true }), 1e-5, 1e-5, 'batched^T');
  });
  it('k = 0 gives bias + activation only; float64 falls back to the reference', () => {
    const a: RawTensor = { data: new Float32Array(0), shape: [3, 0], dtype: 'float32' };
    const b: RawTensor = { data: new Float32Array(0), shape: [0, 4], dtype: 'float32' };
    const bias = rand([4], 5);
    close(kb().matmul(a, b, { bias, activation: 'relu' }), rb.matmul(a, b, { bias, activation: 'relu' }), 0, 0, 'k=0');
    const x: RawTensor = { data: Float64Array.from([1, 2, 3, 4]), shape: [2, 2], dtype: 'float64' };
    assert.deepEqual(kb().matmul(x, x), rb.matmul(x, x));
  });
  it('rejects mismatched inner dimensions with the reference message', () => {
    assert.throws(() => kb().matmul(rand([2, 3], 1), rand([4, 5], 2)), /inner dimensions differ/);
  });
});

describe('elementwise', () => {
  const saturating: UnaryOp[] = ['exp', 'expm1', ...ACTS];
  const unaries: UnaryOp[] = ['neg', 'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'abs', 'square', 'reciprocal', 'sin', 'cos', 'floor', 'ceil', 'sign', 'round', ...ACTS];
  for (const op of unaries) {
    it(`unary ${op}`, () => {
      const positive = ['log', 'sqrt', 'rsqrt', 'reciprocal'].includes(op);
      for (const n of [1, 15, 16, 17, 100, 1000, 70001]) {
        const x = positive ? rand([n], n, 0.1, 5) : rand([n], n, -12, 12);
        if (!positive && n > 20) {
          (x.data as Float32Array).set([0, -0, 1e-6, -1e-6, 30, -30, 90, -90, 1e-3, -1e-3], 3);
          // Where exp underflows to subnormals or 0 (the activations clamp their exp argument there).
          if (saturating.includes(op)) (x.data as Float32Array).set([-17, 17, -29.9, -30.1, 45, -45, 95, -95, 120, -120, 1e4, -1e4], 13);
        }
        const params = op === 'leakyRelu' || op === 'elu' ? { alpha: 0.7 } : {};
        close(kb().unary(op, x, params), rb.unary(op, x, params), 2e-6, 2e-6, `${op} n=${n}`);
      }
    });
  }
  for (const op of ACTS) {
    it(`activationGrad ${op}`, () => {
      for (const n of [1, 17, 1000]) {
        const x = rand([n], n, -4, 4);
        const params = op === 'leakyRelu' || op === 'elu' ? { alpha: 0.7 } : {};
        const y = rb.unary(op, x, params);
        const yf: RawTensor = { data: Float32Array.from(y.data), shape: y.shape, dtype: 'float32' };
        const dy = rand([n], n + 1);
        close(kb().activationGrad(op, x, yf, dy, params), rb.activationGrad(op, x, yf, dy, params), 1e-6, 1e-6, `${op}'`);
      }
    });
  }
  const binaries: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow', 'less'];
  const pairs: [number[], number[]][] = [
    [[17], [17]], [[3, 5], [3, 5]], [[32, 300], [300]], [[300], [32, 300]], [[4, 1], [4, 33]], [[1], [7, 9]],
    [[7, 9], []], [[2, 1, 5], [3, 1]], [[2, 3, 4, 5], [3, 1, 5]], [[257, 31], [257, 1]], [[300, 300], [300, 300]],
    // Past the size below which arithmetic runs in JS (128): the addon's kernel on odd and broadcast shapes.
    [[129], [129]], [[9, 17], [9, 17]], [[17, 9], []], [[1], [13, 11]], [[5, 3, 4, 5], [3, 1, 5]], [[6, 1, 23], [3, 1]],
  ];
  for (const op of binaries) {
    it(`binary ${op} with broadcasting`, () => {
      for (const [sa, sb] of pairs) {
        const a = op === 'pow' ? rand(sa, 1, 0.1, 3) : rand(sa, 1);
        const b = op === 'div' ? rand(sb, 2, 0.5, 2) : rand(sb, 2);
        const outDtype = op === 'less' ? 'bool' : 'float32';
        close(kb().binary(op, a, b, outDtype), rb.binary(op, a, b, outDtype), 1e-6, 1e-5, `${op} ${sa} ${sb}`);
      }
    });
  }
  it('maximum / minimum propagate NaN like the reference', () => {
    const a: RawTensor = { data: Float32Array.from([NaN, 1, 2, NaN]), shape: [4], dtype: 'float32' };
    const b: RawTensor = { data: Float32Array.from([1, NaN, 0, NaN]), shape: [4], dtype: 'float32' };
    for (const op of ['maximum', 'minimum'] as const) close(kb().binary(op, a, b, 'float32'), rb.binary(op, a, b, 'float32'), 0, 0, op);
  });
});

describe('reductions and softmax', () => {
  const cases: [number[], number[]][] = [
    [[17], [0]], [[32, 300], [0]], [[32, 300], [1]], [[3, 5, 7], [1]], [[3, 5, 7], [0, 1]], [[3, 5, 7], [1, 2]],
    [[3, 5, 7], [0, 1, 2]], [[3, 5, 7], [0, 2]], [[1, 1], [0]], [[6000, 3], [0]], [[4, 20001], [1]],
  ];
  for (const op of ['sum', 'max', 'min', 'prod'] as const) {
    it(`reduce ${op} over several axes`, () => {
      for (const [shape, axes] of cases) {
        const x = op === 'prod' ? rand(shape, 3, 0.9, 1.1) : rand(shape, 3);
        for (const keepDims of [false, true]) {
          const atol = op === 'sum' ? 1e-6 * Math.sqrt(sizeOf(shape)) : 0;
          close(kb().reduce(op, x, axes, keepDims), rb.reduce(op, x, axes, keepDims), atol, 1e-5, `${op} ${shape} ${axes}`);
        }
      }
    });
  }
  it('max / min return NaN when a NaN is reduced', () => {
    const x: RawTensor = { data: Float32Array.from([1, NaN, 3, 4, 5, 6]), shape: [2, 3], dtype: 'float32' };
    for (const axes of [[0], [1]]) close(kb().reduce('max', x, axes, false), rb.reduce('max', x, axes, false), 0, 0, `max ${axes}`);
  });
  for (const log of [false, true]) {
    it(`${log ? 'log' : ''}softmax over the last and other axes`, () => {
      for (const [shape, axis] of [[[1, 1], 1], [[32, 10], 1], [[5, 17], -1], [[3, 4, 33], 2], [[3, 4, 5], 1], [[200, 1000], 1]] as [number[], number][]) {
        const x = rand(shape, 5, -20, 20);
        const rank = shape.length;
        close(kb().softmax(x, axis, log), rb.softmax(x, axis < 0 ? axis + rank : axis, log), 1e-6, 1e-5, `${shape} axis ${axis}`);
      }
    });
  }
});

describe('denseGrad', () => {
  const FUSED = ACTS.filter((a) => a !== 'softplus');
  const shapes = [[1, 1, 1], [1, 7, 3], [3, 17, 16], [32, 100, 100], [31, 33, 257], [32, 784, 300], [200, 64, 33]];
  for (const activation of FUSED) {
    it(`${activation}: dx, dkernel, dbias for m x k x n in ${shapes.map((d) => d.join('x')).join(', ')}`, () => {
      for (const [m, k, n] of shapes) {
        const alpha = activation === 'leakyRelu' ? 0.3 : activation === 'elu' ? 0.7 : undefined;
        const x = rand([m, k], m + k);
        const kernel = rand([k, n], k + n, -0.5, 0.5);
        const y = rb.matmul(x, kernel, { bias: rand([n], 3), activation, alpha });
        const dy = rand([m, n], m * n);
        const opts = { activation, alpha, needs: [true, true, true] as const };
        const got = kb().denseGrad(x, kernel, y, dy, opts);
        const want = rb.denseGrad(x, kernel, y, dy, opts);
        const tol = 1e-5 * Math.sqrt(Math.max(k, m, n));
        close(got.dx!, want.dx!, tol, 1e-4, `${activation} dx ${m}x${k}x${n}`);
        close(got.dkernel!, want.dkernel!, tol, 1e-4, `${activation} dkernel ${m}x${k}x${n}`);
        close(got.dbias!, want.dbias!, tol, 1e-4, `${activation} dbias ${m}x${k}x${n}`);
      }
    });
  }
  it('long reductions into narrow kernels (conv weight gradients: dW as (dz^T x)^T) match the reference', () => {
    for (const [m, k, n] of [[1025, 64, 1], [1500, 97, 33], [1030, 130, 64], [1100, 63, 17], [1200, 64, 65]]) {
      const x = rand([m, k], m + k);
      const kernel = rand([k, n], k + n, -0.5, 0.5);
      const y = rb.matmul(x, kernel, { activation: 'relu' });
      const dy = rand([m, n], m * n);
      const opts = { activation: 'relu' as const, needs: [false, true, true] as const };
      const got = kb().denseGrad(x, kernel, y, dy, opts);
      const want = rb.denseGrad(x, kernel, y, dy, opts);
      close(got.dkernel!, want.dkernel!, 1e-5 * Math.sqrt(m), 1e-4, `relu dkernel ${m}x${k}x${n}`);
      close(got.dbias!, want.dbias!, 1e-5 * Math.sqrt(m), 1e-4, `relu dbias ${m}x${k}x${n}`);
    }
  });
  it('computes only what is needed (every combination), and m = 0 gives zero kernel and bias gradients', () => {
    const x = rand([5, 9], 1);
    const kernel = rand([9, 4], 2);
    const y = rb.matmul(x, kernel, { activation: 'relu' });
    const dy = rand([5, 4], 3);
    for (let mask = 0; mask < 8; mask++) {
      const needs = [(mask & 1) > 0, (mask & 2) > 0, (mask & 4) > 0] as const;
      const g = kb().denseGrad(x, kernel, y, dy, { activation: 'relu', needs });
      const r = rb.denseGrad(x, kernel, y, dy, { activation: 'relu', needs });
      assert.deepEqual([g.dx === null, g.dkernel === null, g.dbias === null], needs.map((b) => !b), `mask ${mask}`);
      if (g.dx) close(g.dx, r.dx!, 1e-6, 1e-6, 'dx');
      if (g.dkernel) close(g.dkernel, r.dkernel!, 1e-6, 1e-6, 'dkernel');
      if (g.dbias) close(g.dbias, r.dbias!, 1e-6, 1e-6, 'dbias');
    }
    const empty = kb().denseGrad(rand([0, 9], 1), kernel, rand([0, 4], 1), rand([0, 4], 2), { activation: 'elu', needs: [true, true, true] });
    assert.deepEqual(empty.dx!.shape, [0, 9]);
    assert.deepEqual(Array.from(empty.dkernel!.data), new Array(36).fill(0));
    assert.deepEqual(Array.from(empty.dbias!.data), [0, 0, 0, 0]);
  });
});

describe('batchNorm', () => {
  const shapes = [[1, 1], [2, 3], [32, 784], [31, 17], [4, 3, 5], [300, 300], [3, 2, 2, 70]];
  for (const [hasGamma, hasBeta] of [[true, true], [false, true], [true, false], [false, false]]) {
    it(`forward and backward, gamma ${hasGamma}, beta ${hasBeta}, shapes ${shapes.map((d) => d.join('x')).join(', ')}`, () => {
      for (const shape of shapes) {
        const c = shape[shape.length - 1];
        const statShape = shape.map((d, i) => (i === shape.length - 1 ? d : 1));
        const axes = shape.slice(0, -1).map((_, i) => i);
        const x = rand(shape, c + 1, -3, 5);
        const gamma = hasGamma ? rand(statShape, 2, 0.5, 1.5) : null;
        const beta = hasBeta ? rand(statShape, 3) : null;
        const got = kb().batchNorm(x, gamma, beta, axes, 1e-3);
        const want = rb.batchNorm(x, gamma, beta, axes, 1e-3);
        const what = `${shape.join('x')}`;
        for (const k of ['y', 'mean', 'variance', 'rstd'] as const) close(got[k], want[k], 2e-5, 2e-5, `${k} ${what}`);
        const dy = rand(shape, 4);
        for (const needs of [[true, true, true], [false, true, true], [true, false, false]] as const) {
          const g = kb().batchNormGrad(x, dy, want.mean, want.rstd, gamma, axes, needs);
          const r = rb.batchNormGrad(x, dy, want.mean, want.rstd, gamma, axes, needs);
          for (const k of ['dx', 'dgamma', 'dbeta'] as const) {
            assert.equal(g[k] === null, r[k] === null, `${k} presence ${what}`);
            if (r[k]) close(g[k]!, r[k]!, 1e-4, 1e-4, `${k} ${what} needs ${needs.join(',')}`);
          }
        }
      }
    });
  }
  it('scaleShift along the last axis in one pass, other broadcasts through mul and add', () => {
    for (const [shape, pShape] of [[[1, 1], [1, 1]], [[1024, 784], [1, 784]], [[3, 4, 5], [5]], [[7, 33], [33]], [[4, 6], [4, 1]], [[2, 3, 5], [1, 3, 1]]] as [number[], number[]][]) {
      const x = rand(shape, 21), sc = rand(pShape, 22), sh = rand(pShape, 23);
      close(kb().scaleShift(x, sc, sh), rb.scaleShift(x, sc, sh), 1e-6, 1e-6, `scaleShift ${shape.join('x')} by ${pShape.join('x')}`);
    }
  });
  it('movingAverage matches the reference bit for bit (products rounded before the sum)', () => {
    for (const momentum of [0.99, 0.9, 0.5, 0]) {
      const a = [rand([300], 31).data as Float32Array, rand([1], 32).data as Float32Array, rand([17], 33).data as Float32Array];
      const b = a.map((t) => Float32Array.from(t));
      const v = [rand([300], 34).data as Float32Array, rand([1], 35).data as Float32Array, rand([17], 36).data as Float32Array];
      kb().movingAverage(a, v, momentum);
      rb.movingAverage(b, v, momentum);
      a.forEach((t, i) => assert.deepEqual(t, b[i], `momentum ${momentum}, array ${i}`));
      assert.notDeepEqual(a[0], rand([300], 31).data);
    }
  });
  it('reduction axes other than all-but-last fall back to the reference', () => {
    const x = rand([4, 6], 9);
    const got = kb().batchNorm(x, null, null, [1], 1e-3);
    close(got.y, rb.batchNorm(x, null, null, [1], 1e-3).y, 1e-6, 1e-6, 'axis 1');
  });
});

describe('optimizerUpdate', () => {
  const kinds: [string, Record<string, number>, Record<string, boolean>, number][] = [
    ['sgd', { learningRate: 0.01 }, {}, 0],
    ['sgd', { learningRate: 0.01, momentum: 0.9 }, {}, 1],
    ['sgd', { learningRate: 0.01, momentum: 0.9, weightDecay: 0.004 }, { nesterov: true }, 1],
    ['adam', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, iteration: 3 }, {}, 2],
    ['adam', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, iteration: 3 }, { amsgrad: true }, 3],
    ['rmsprop', { learningRate: 0.001, rho: 0.9, epsilon: 1e-7 }, {}, 1],
    ['rmsprop', { learningRate: 0.001, rho: 0.9, epsilon: 1e-7, momentum: 0.5 }, { centered: true }, 3],
    // u_product = u_1 u_2 u_3 with u_t = 0.9 (1 - 0.5 * 0.96^t)
    ['nadam', { learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, iteration: 3, uProduct: [1, 2, 3].reduce((p, t) => p * 0.9 * (1 - 0.5 * 0.96 ** t), 1) }, {}, 2],
  ];
  for (const [kind, hyper, flags, nslots] of kinds) {
    it(`${kind} ${JSON.stringify(hyper)} ${JSON.stringify(flags)} over several parameters`, () => {
      const shapes = [[100, 300], [300], [1], [17, 3], [257, 301]];
      const make = (): { params: Float32Array[]; grads: Float32Array[]; slots: Float32Array[][] } => ({
        params: shapes.map((s, i) => rand(s, 100 + i).data as Float32Array),
        grads: shapes.map((s, i) => rand(s, 200 + i).data as Float32Array),
        slots: Array.from({ length: nslots }, (_, k) => shapes.map((s, i) => rand(s, 300 + 10 * k + i, k === 0 ? 0.5 : 0, k === 0 ? 1 : 0.1).data as Float32Array)),
      });
      const x = make();
      const y = make();
      for (let step = 0; step < 3; step++) {
        kb().optimizerUpdate({ kind: kind as 'sgd', ...x, hyper, flags });
        rb.optimizerUpdate({ kind: kind as 'sgd', ...y, hyper, flags });
      }
      x.params.forEach((p, i) => assertClose(p, y.params[i], 1e-6, 1e-5, `${kind} param ${i}`));
      x.slots.forEach((s, k) => s.forEach((v, i) => assertClose(v, y.slots[k][i], 1e-6, 1e-5, `${kind} slot ${k}/${i}`)));
      assert.notDeepEqual(x.params[2], make().params[2]);
    });
  }
});
describe('concat', () => {
  it('float32 parts along every axis into a pooled output (large enough to skip zero-fill), float64 on the reference', () => {
    for (const [shapes, axis] of [[[[3, 700, 2], [5, 700, 2]], 0], [[[2, 3, 400], [2, 1, 400], [2, 2, 400]], 1], [[[4, 9, 3], [4, 9, 61]], 2]] as [number[][], number][]) {
      const xs = shapes.map((sh, i) => rand(sh, 400 + i));
      close(kb().concat(xs, axis), rb.concat(xs, axis), 0, 0, `concat ${JSON.stringify(shapes)} axis ${axis}`);
    }
    const d: RawTensor = { data: Float64Array.of(1, 2), shape: [2], dtype: 'float64' };
    assert.deepEqual(Array.from(kb().concat([d, d], 0).data), [1, 2, 1, 2]);
  });
});
}

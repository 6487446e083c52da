// The reference backend's raw kernels (typed arrays + shapes): checked against naive loops and finite differences.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivationOp, RawTensor } from '../../src/backend/backend.js';
import { referenceBackend as rb } from '../../src/backend/reference/index.js';
import { assertClose } from '../helpers/gradcheck.js';
import { Generator } from '../../src/random/rng.js';

const f64 = (data: number[], shape: number[]): RawTensor => ({ data: Float64Array.from(data), shape, dtype: 'float64' });
const f32 = (data: number[], shape: number[]): RawTensor => ({ data: Float32Array.from(data), shape, dtype: 'float32' });
const rand = (shape: number[], seed: number): RawTensor => {
  const g = new Generator(seed);
  return f64(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => g.uniform() * 4 - 2), shape);
};

/** out[b][i][j] = sum_p A[b][i][p] B[b][p][j] by the definition, for [nb, m, k] x [nb, k, n]. */
function naiveMatmul(a: number[][][], b: number[][][]): number[] {
  const out: number[] = [];
  a.forEach((am, bi) => am.forEach((row) => {
    for (let j = 0; j < b[bi][0].length; j++) out.push(row.reduce((acc, v, p) => acc + v * b[bi][p][j], 0));
  }));
  return out;
}
const nest = (t: RawTensor, nb: number, r: number, c: number, transpose = false): number[][][] =>
  Array.from({ length: nb }, (_, b) => Array.from({ length: transpose ? c : r }, (_, i) => Array.from({ length: transpose ? r : c }, (_, j) =>
    t.data[b * r * c + (transpose ? j * c + i : i * c + j)])));

describe('reference backend', () => {
  it('is named reference', () => assert.equal(rb.name, 'reference'));

  describe('matmul', () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      it(`batched, transposeA ${ta}, transposeB ${tb}, equals the definition`, () => {
        const a = rand(ta ? [2, 4, 3] : [2, 3, 4], 1);
        const b = rand(tb ? [2, 5, 4] : [2, 4, 5], 2);
        const y = rb.matmul(a, b, { transposeA: ta, transposeB: tb });
        assert.deepEqual(y.shape, [2, 3, 5]);
        const expected = naiveMatmul(nest(a, 2, ta ? 4 : 3, ta ? 3 : 4, ta), nest(b, 2, tb ? 5 : 4, tb ? 4 : 5, tb));
        assertClose(y.data, expected, 1e-12, 1e-12);
      });
    }
    it('broadcasts batch dimensions ([2,1,m,k] x [3,k,n] -> [2,3,m,n])', () => {
      const a = rand([2, 1, 2, 3], 3);
      const b = rand([3, 3, 2], 4);
      const y = rb.matmul(a, b);
      assert.deepEqual(y.shape, [2, 3, 2, 2]);
      for (let i = 0; i < 2; i++) {
        for (let j = 0; j < 3; j++) {
          const ai = nest({ ...a, data: a.data.subarray(i * 6, i * 6 + 6) }, 1, 2, 3);
          const bj = nest({ ...b, data: b.data.subarray(j * 6, j * 6 + 6) }, 1, 3, 2);
          assertClose(y.data.subarray((i * 3 + j) * 4, (i * 3 + j + 1) * 4), naiveMatmul(ai, bj), 1e-12, 1e-12);
        }
      }
    });
    it('fuses bias and every activation exactly like the unfused sequence', () => {
      const x = rand([3, 4], 5);
      const k = rand([4, 6], 6);
      const bias = rand([6], 7);
      const plain = rb.matmul(x, k);
      const biased = rb.binary('add', plain, bias, 'float64');
      for (const act of ['relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus'] as ActivationOp[]) {
        const fused = rb.matmul(x, k, { bias, activation: act, alpha: act === 'elu' ? 1 : 0.2 });
        assertClose(fused.data, rb.unary(act, biased, { alpha: act === 'elu' ? 1 : 0.2 }).data, 1e-12, 1e-12, act);
      }
    });
    it('keeps float32 outputs for float32 inputs', () => {
      assert.equal(rb.matmul(f32([1, 2], [1, 2]), f32([3, 4], [2, 1])).dtype, 'float32');
      assert.deepEqual(Array.from(rb.matmul(f32([1, 2], [1, 2]), f32([3, 4], [2, 1])).data), [11]);
    });
  });

  describe('activations', () => {
    for (const act of ['relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus', 'linear'] as ActivationOp[]) {
      it(`activationGrad(${act}) is dy * f'(x) (central differences, away from kinks)`, () => {
        const x = f64([-3.1, -1.3, -0.4, 0.2, 0.9, 2.7, 5.5, 7.2], [8]);
        const dy = f64([1, 2, -1, 0.5, 3, -2, 1, 1], [8]);
        const y = rb.unary(act, x, { alpha: 0.3 });
        const g = rb.activationGrad(act, x, y, dy, { alpha: 0.3 });
        const h = 1e-6;
        const up = rb.unary(act, f64(Array.from(x.data, (v) => v + h), [8]), { alpha: 0.3 }).data;
        const down = rb.unary(act, f64(Array.from(x.data, (v) => v - h), [8]), { alpha: 0.3 }).data;
        assertClose(g.data, Array.from(dy.data, (d, i) => (d * (up[i] - down[i])) / (2 * h)), 1e-6, 1e-6, act);
      });
    }
    it('sigmoid and softplus stay finite and exact for large |x|', () => {
      const x = f64([-800, -40, 40, 800], [4]);
      assertClose(rb.unary('sigmoid', x).data, [0, 1 / (1 + Math.exp(40)), 1 / (1 + Math.exp(-40)), 1], 0, 1e-14, 'sigmoid');
      assertClose(rb.unary('softplus', x).data, [0, Math.log1p(Math.exp(-40)), 40 + Math.log1p(Math.exp(-40)), 800], 0, 1e-14, 'softplus');
    });
  });

  describe('reductions and softmax', () => {
    const x = f64(Array.from({ length: 24 }, (_, i) => (i * 7) % 11 - 5), [2, 3, 4]);
    const at = (i: number, j: number, k: number) => x.data[i * 12 + j * 4 + k];
    it('reduces any axis set with or without keepDims', () => {
      const s = rb.reduce('sum', x, [0, 2], true);
      assert.deepEqual(s.shape, [1, 3, 1]);
      for (let j = 0; j < 3; j++) {
        let acc = 0;
        for (let i = 0; i < 2; i++) for (let k = 0; k < 4; k++) acc += at(i, j, k);
        assert.equal(s.data[j], acc);
      }
      const mx = rb.reduce('max', x, [1], false);
      assert.deepEqual(mx.shape, [2, 4]);
      assert.equal(mx.data[1 * 4 + 2], Math.max(at(1, 0, 2), at(1, 1, 2), at(1, 2, 2)));
      assert.deepEqual(rb.reduce('prod', f64([1, 2, 3, 4], [2, 2]), [], false).data, Float64Array.from([1, 2, 3, 4]), 'no axes: identity');
      assert.deepEqual(rb.reduce('sum', f64([1, 2, 3], [3]), [0], false).shape, []);
      assert.ok(Number.isNaN(rb.reduce('max', f64([1, NaN, 3], [3]), [0], false).data[0]), 'max propagates NaN');
    });
    it('argReduce along a middle axis picks the first extreme', () => {
      const a = rb.argReduce('argmax', f64([1, 5, 1, 0, 2, 2, 9, 9], [2, 2, 2]), 1);
      assert.deepEqual(Array.from(a.data), [0, 0, 1, 1]);
      assert.equal(a.dtype, 'int32');
    });
    it('softmax and log-softmax are stable for huge inputs and sum to one', () => {
      const big = f64([1000, 1001, 1002, -1000, -1001, -1002], [2, 3]);
      const s = rb.softmax(big, 1, false);
      const ls = rb.softmax(big, 1, true);
      const e = [Math.exp(-2), Math.exp(-1), 1];
      const z = e[0] + e[1] + e[2];
      assertClose(s.data.subarray(0, 3), e.map((v) => v / z), 1e-15, 1e-12);
      assertClose(ls.data.subarray(3), [1, 2, 3].map((i) => Math.log(e[3 - i] / z)), 1e-12, 1e-12);
      const col = rb.softmax(x, 0, false);
      for (let i = 0; i < 12; i++) assert.ok(Math.abs(col.data[i] + col.data[i + 12] - 1) < 1e-12);
    });
  });

  describe('layout kernels', () => {
    const x = f64(Array.from({ length: 12 }, (_, i) => i), [3, 4]);
    it('transpose, slice and pad are inverse where they should be', () => {
      const t = rb.transpose(x, [1, 0]);
      assert.deepEqual(t.shape, [4, 3]);
      assert.equal(t.data[1 * 3 + 2], x.data[2 * 4 + 1]);
      const s = rb.slice(x, [1, 1], [2, 2]);
      assert.deepEqual(Array.from(s.data), [5, 6, 9, 10]);
      const p = rb.pad(s, [[1, 0], [1, 1]], 0);
      assert.deepEqual(p.shape, [3, 4]);
      assert.deepEqual(Array.from(rb.slice(p, [1, 1], [2, 2]).data), [5, 6, 9, 10]);
      assert.equal(p.data[0], 0);
    });
    it('concat along the last axis interleaves rows', () => {
      const c = rb.concat([f64([1, 2, 3, 4], [2, 2]), f64([9, 8], [2, 1])], 1);
      assert.deepEqual(c.shape, [2, 3]);
      assert.deepEqual(Array.from(c.data), [1, 2, 9, 3, 4, 8]);
    });
    it('scatterAdd is the adjoint of gather: <gather(x), u> = <x, scatterAdd(u)>', () => {
      const idx: RawTensor = { data: Int32Array.from([2, 0, 2, -1]), shape: [4], dtype: 'int32' };
      const g = rb.gather(x, idx, 0);
      assert.deepEqual(g.shape, [4, 4]);
      const u = rand([4, 4], 8);
      const sc = rb.scatterAdd(u, idx, 0, [3, 4]);
      const dot = (p: ArrayLike<number>, q: ArrayLike<number>) => Array.from(p).reduce((acc, v, i) => acc + v * q[i], 0);
      assert.ok(Math.abs(dot(g.data, u.data) - dot(x.data, sc.data)) < 1e-10);
      assert.throws(() => rb.gather(x, { data: Int32Array.from([3]), shape: [1], dtype: 'int32' }, 0), /index 3 is out of range for axis 0 of size 3/);
    });
    it('oneHot, cast and where', () => {
      const oh = rb.oneHot({ data: Int32Array.from([1, -1, 3]), shape: [3], dtype: 'int32' }, 3, 'float32');
      assert.deepEqual(Array.from(oh.data), [0, 1, 0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual(Array.from(rb.cast(f64([1.9, -1.9, 0], [3]), 'int32').data), [1, -1, 0]);
      assert.deepEqual(Array.from(rb.cast(f64([1.9, -1.9, 0], [3]), 'bool').data), [1, 1, 0]);
      const w = rb.where({ data: Uint8Array.from([1, 0]), shape: [2, 1], dtype: 'bool' }, f64([1, 2, 3], [3]), f64([NaN], [1]));
      assert.deepEqual(w.shape, [2, 3]);
      assert.deepEqual(Array.from(w.data.subarray(0, 3)), [1, 2, 3]);
      assert.ok(Array.from(w.data.subarray(3)).every(Number.isNaN));
    });
  });

  describe('optimizerUpdate', () => {
    it('updates every parameter in place in one call (SGD with momentum, Adam)', () => {
      const w1 = Float32Array.from([1, 2]);
      const w2 = Float32Array.from([3]);
      const m1 = new Float32Array(2);
      const m2 = new Float32Array(1);
      rb.optimizerUpdate({ kind: 'sgd', params: [w1, w2], grads: [Float32Array.from([1, -1]), Float32Array.from([2])],
        slots: [[m1, m2]], hyper: { learningRate: 0.1, momentum: 0.9 } });
      assertClose(w1, [0.9, 2.1], 1e-6);
      assertClose(w2, [2.8], 1e-6);
      assertClose(m1, [-0.1, 0.1], 1e-6);
      const w = Float32Array.from([1]);
      const m = new Float32Array(1);
      const v = new Float32Array(1);
      rb.optimizerUpdate({ kind: 'adam', params: [w], grads: [Float32Array.from([0.5])], slots: [[m], [v]],
        hyper: { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, iteration: 1 } });
      // first Adam step moves by lr * g / (|g| + eps') = lr (up to epsilon)
      assertClose(w, [0.99], 1e-6);
      assert.throws(() => rb.optimizerUpdate({ kind: 'nope' as never, params: [], grads: [], slots: [], hyper: {} }), /no reference kernel for optimizer kind 'nope'/);
    });
  });
});

// Zeros, Ones, Constant, Identity and Orthogonal (W^T W = I; QR against NumPy goldens).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/tensor/tensor.js';
import { matmul, transpose } from '../../src/ops/index.js';
import * as initializers from '../../src/initializers/index.js';
import { orthonormalQ } from '../../src/initializers/qr.js';
import { assertClose } from '../helpers/gradcheck.js';
import { loadGolden } from '../helpers/golden.js';

interface Arr { shape: number[]; data: number[] }
const golden = loadGolden<{ orthogonal: { a: Arr; q: Arr }[] }>('activations.json');

function eyeValues(n: number, gain = 1): number[] {
  return Array.from({ length: n * n }, (_, k) => (Math.floor(k / n) === k % n ? gain : 0));
}

describe('constant initializers', () => {
  it('Zeros, Ones and Constant fill any shape and dtype', () => {
    assert.deepEqual(new initializers.Zeros().apply([2, 3]).array(), [[0, 0, 0], [0, 0, 0]]);
    assert.deepEqual(new initializers.Ones().apply([3], 'int32').array(), [1, 1, 1]);
    assert.equal(new initializers.Ones().apply([3], 'int32').dtype, 'int32');
    assert.deepEqual(new initializers.Constant({ value: -2 }).apply([2, 1]).array(), [[-2], [-2]]);
    assert.deepEqual(new initializers.Constant(4).apply([]).array(), 4);
    assert.throws(() => new initializers.Zeros().apply([2, -1]), /Zeros: expected a shape of non-negative integers/);
  });
  it('Identity gives gain * I, rectangular included, and only for 2D shapes', () => {
    assert.deepEqual(new initializers.Identity().apply([3, 3]).array(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
    assert.deepEqual(new initializers.Identity({ gain: 2 }).apply([2, 3]).array(), [[2, 0, 0], [0, 2, 0]]);
    assert.deepEqual(new initializers.Identity().apply([3, 2]).array(), [[1, 0], [0, 1], [0, 0]]);
    assert.throws(() => new initializers.Identity().apply([2, 2, 2]), /Identity: the identity initializer needs a 2D shape, received \[2,2,2\] of rank 3/);
  });
});

describe('Orthogonal', () => {
  const gram = (w: Tensor, rows: boolean) => (rows ? matmul(w, transpose(w)) : matmul(transpose(w), w));
  it('tall kernels have orthonormal columns: W^T W = I', () => {
    const w = new initializers.Orthogonal({ seed: 1 }).apply([300, 100], 'float64');
    assertClose(gram(w, false).dataSync(), eyeValues(100), 1e-12, 0, 'W^T W');
  });
  it('wide kernels have orthonormal rows: W W^T = I', () => {
    const w = new initializers.Orthogonal({ seed: 2 }).apply([50, 80], 'float64');
    assertClose(gram(w, true).dataSync(), eyeValues(50), 1e-12, 0, 'W W^T');
  });
  it('square kernels are orthogonal both ways, in float32 too', () => {
    const w = initializers.get('orthogonal').apply([64, 64]);
    assertClose(gram(w, false).dataSync(), eyeValues(64), 2e-6, 0, 'W^T W');
    assertClose(gram(w, true).dataSync(), eyeValues(64), 2e-6, 0, 'W W^T');
  });
  it('flattens higher-rank shapes to (prod(shape[:-1]), shape[-1]) and applies the gain', () => {
    const w = new initializers.Orthogonal({ gain: 2, seed: 3 }).apply([4, 5, 6], 'float64');
    assert.deepEqual(w.shape, [4, 5, 6]);
    const flat = w.reshape([20, 6]);
    assertClose(gram(flat, false).dataSync(), eyeValues(6, 4), 1e-12, 0, 'W^T W = gain^2 I');
  });
  it('rejects rank < 2', () => {
    assert.throws(() => new initializers.Orthogonal().apply([5]), /Orthogonal: the tensor to initialize must be at least two-dimensional/);
  });
  it('the QR helper matches NumPy q * sign(diag(r))', () => {
    for (const { a, q } of golden.orthogonal) {
      const [m, n] = a.shape;
      assertClose(orthonormalQ(a.data, m, n), q.data, 1e-12, 1e-10, `Q of ${m}x${n}`);
    }
  });
});

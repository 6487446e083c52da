// Every ISA path's kernels at their edges against the reference: sizes around each vector width and micro-kernel
// tile, all transposes with the fused bias + activation epilogue, and NaN / inf propagation.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivationOp, RawTensor, UnaryOp } from '../../src/backend/backend.js';
import { referenceBackend as rb } from '../../src/backend/reference/index.js';
import { loadNativeBackend, nativeInfo, setPoisonOutputs } from '../../src/backend/native.js';
import { assertClose } from '../helpers/gradcheck.js';
import { Generator } from '../../src/random/rng.js';
import { describeEachIsa } from './each_isa.js';

const { backend: nb, error } = loadNativeBackend();
setPoisonOutputs(true);

function rand(shape: number[], seed: number, lo = -2, hi = 2): RawTensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => lo + (hi - lo) * g.uniform()), shape, dtype: 'float32' };
}
const ACTS: ActivationOp[] = ['linear', 'relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'sigmoid', 'tanh', 'softplus'];
// Around 4, 8 and 16 lanes, the 6-row and 8-row tiles and the 16- and 48-column tiles.
const EDGES = [1, 4, 5, 6, 7, 8, 9, 12, 13, 15, 16, 17, 23, 24, 25, 33, 47, 48, 49, 50, 97];
const SPECIALS = [NaN, Infinity, -Infinity];

describeEachIsa('native kernels at their edges', nb ? false : `native backend not available: ${error}`, (isa) => {
  const native = nb!;
  it('reports the path it runs', () => assert.equal(nativeInfo()?.isa, isa));

  it('matmul: sizes around every vector width and tile, all transposes, bias + activation epilogue', () => {
    const g = new Generator(7);
    let seed = 1;
    for (let t = 0; t < 160; t++) {
      const [m, k, n] = [0, 1, 2].map(() => EDGES[g.int(EDGES.length)]);
      const ta = (t & 1) === 1, tb = (t & 2) === 2;
      const activation = ACTS[t % ACTS.length];
      const a = rand(ta ? [k, m] : [m, k], seed++);
      const b = rand(tb ? [n, k] : [k, n], seed++);
      const bias = t % 3 === 0 ? undefined : rand([n], seed++);
      const opts = { transposeA: ta, transposeB: tb, bias, activation };
      assertClose(native.matmul(a, b, opts).data, rb.matmul(a, b, opts).data, 1e-4 * Math.sqrt(k), 1e-4,
        `${isa} ${m}x${k}x${n} ta=${ta} tb=${tb} ${activation}${bias ? ' +bias' : ''}`);
    }
  });

  it('matmul propagates NaN and inf from A, B and the bias into exactly the outputs they reach', () => {
    for (const [m, k, n] of [[7, 9, 17], [13, 33, 49], [1, 5, 8], [40, 70, 100]]) {
      for (const tb of [false, true]) {
        const a = rand([m, k], m), b = rand(tb ? [n, k] : [k, n], n), bias = rand([n], k);
        (a.data as Float32Array)[(m - 1) * k + 2] = NaN;  // the last row
        (b.data as Float32Array)[tb ? (n - 1) * k : n - 1] = Infinity;  // the last column
        (bias.data as Float32Array)[0] = -Infinity;
        for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'elu'] as ActivationOp[]) {
          const opts = { transposeB: tb, bias, activation };
          assertClose(native.matmul(a, b, opts).data, rb.matmul(a, b, opts).data, 1e-4 * Math.sqrt(k), 1e-4,
            `${isa} ${m}x${k}x${n} tb=${tb} ${activation} with NaN/inf`);
        }
      }
    }
  });

  it('unary maths and activations: NaN and +-inf in full vectors and tails', () => {
    const ops: UnaryOp[] = ['exp', 'expm1', 'neg', 'abs', 'square', 'sqrt', 'log', ...ACTS];
    for (const n of [1, 3, 4, 7, 8, 15, 16, 17, 33, 100]) {
      const x = rand([n], n, -5, 5);
      const d = x.data as Float32Array;
      for (let i = 0; i < n; i += 3) d[i] = SPECIALS[(i / 3) % 3];
      for (const op of ops) {
        if (op === 'sqrt' || op === 'log') continue;  // negative inputs: NaN either way, checked by the suite
        const params = op === 'leakyRelu' || op === 'elu' ? { alpha: 0.7 } : {};
        assertClose(native.unary(op, x, params).data, rb.unary(op, x, params).data, 2e-6, 2e-6, `${isa} ${op} n=${n}`);
      }
    }
  });

  it('softmax and log-softmax rows of every tail length, with inf and NaN rows', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33]) {
      for (const log of [false, true]) {
        const x = rand([4, n], n, -30, 30);
        const d = x.data as Float32Array;
        d[n] = NaN;  // row 1
        d[2 * n + n - 1] = -Infinity;  // row 2
        if (n > 1) d[3 * n] = Infinity;  // row 3: inf - inf = NaN, as the reference
        assertClose(native.softmax(x, 1, log).data, rb.softmax(x, 1, log).data, 1e-6, 1e-5, `${isa} softmax log=${log} n=${n}`);
      }
    }
  });

  it('denseGrad with a fused activation and the sgd step, at tile edges', () => {
    for (const [m, k, n] of [[5, 7, 9], [6, 16, 48], [13, 17, 49], [1, 33, 15]]) {
      for (const activation of ['relu', 'selu', 'sigmoid'] as ActivationOp[]) {
        const x = rand([m, k], m + k), w = rand([k, n], n, -0.5, 0.5), dy = rand([m, n], m * n);
        const y = rb.matmul(x, w, { activation });
        const got = native.denseGrad(x, w, y, dy, { activation, needs: [true, true, true] });
        const want = rb.denseGrad(x, w, y, dy, { activation, needs: [true, true, true] });
        for (const key of ['dx', 'dkernel', 'dbias'] as const) {
          assertClose(got[key]!.data, want[key]!.data, 1e-4 * Math.sqrt(Math.max(m, k, n)), 1e-4, `${isa} ${key} ${m}x${k}x${n} ${activation}`);
        }
      }
    }
  });
});

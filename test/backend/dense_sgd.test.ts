// denseGrad with a fused plain-SGD step: the native kernel against the reference, and against its own unfused path.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { ActivationOp, Backend, RawTensor } from '../../src/backend/backend.js';
import { referenceBackend as rb } from '../../src/backend/reference/index.js';
import { loadNativeBackend, setPoisonOutputs } from '../../src/backend/native.js';
import { describeEachIsa } from './each_isa.js';
import { assertClose } from '../helpers/gradcheck.js';
import { Generator } from '../../src/random/rng.js';

const { backend: nb, error } = loadNativeBackend();
const skip = nb ? false : `native backend not available: ${error}`;
setPoisonOutputs(true);

function rand(shape: number[], seed: number, lo = -2, hi = 2): RawTensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => lo + (hi - lo) * g.uniform()), shape, dtype: 'float32' };
}
const copy = (t: RawTensor): RawTensor => ({ ...t, data: t.data.slice() });

interface Case { x: RawTensor; kernel: RawTensor; bias: RawTensor; y: RawTensor; dy: RawTensor }
function makeCase(m: number, k: number, n: number, activation: ActivationOp): Case {
  const x = rand([m, k], m + 3 * k);
  const kernel = rand([k, n], k + 5 * n, -0.5, 0.5);
  const bias = rand([n], n + 1);
  const y = rb.matmul(x, kernel, { bias, activation });
  return { x, kernel, bias, y, dy: rand([m, n], m * n + 7) };
}

/** Runs denseGrad with the step on copies of the kernel and bias; returns them, stepped, and dx. */
function stepped(be: Backend, c: Case, activation: ActivationOp, lr: number, withDx: boolean, withBias: boolean) {
  const kernel = copy(c.kernel);
  const bias = copy(c.bias);
  const g = be.denseGrad(c.x, kernel, c.y, c.dy, {
    activation, needs: [withDx, true, withBias], sgd: { learningRate: lr, bias: withBias ? bias : null },
  });
  return { g, kernel, bias };
}

describeEachIsa('denseGrad with a fused SGD step', skip, () => {
  const native = nb as Backend;
  // 1, odd sizes, non-multiples of 16, a wide product, batches past 512 and past the longest K the GEMM sums in one
  // block (1024: the step then goes through a temporary product).
  const shapes = [[1, 1, 1], [1, 7, 3], [3, 17, 16], [31, 33, 257], [32, 784, 300], [32, 300, 100], [513, 20, 49], [700, 65, 10], [1100, 9, 17], [1500, 97, 33], [1030, 64, 64]];
  const acts: ActivationOp[] = ['linear', 'relu', 'elu', 'selu', 'sigmoid', 'leakyRelu'];
  for (const activation of acts) {
    it(`${activation}: steps kernel and bias in place, dx from the kernel before the step (${shapes.map((s) => s.join('x')).join(', ')})`, () => {
      for (const [m, k, n] of shapes) {
        const c = makeCase(m, k, n, activation);
        const lr = 0.0625;
        const got = stepped(native, c, activation, lr, true, true);
        const want = stepped(rb, c, activation, lr, true, true);
        assert.equal(got.g.dkernel, null);
        assert.equal(got.g.dbias, null);
        const tol = 1e-5 * Math.sqrt(Math.max(k, m, n)) * (1 + lr * m);
        assertClose(got.g.dx!.data, want.g.dx!.data, tol, 1e-4, `${activation} dx ${m}x${k}x${n}`);
        assertClose(got.kernel.data, want.kernel.data, tol, 1e-4, `${activation} kernel ${m}x${k}x${n}`);
        assertClose(got.bias.data, want.bias.data, tol, 1e-4, `${activation} bias ${m}x${k}x${n}`);
        // dx must use the kernel before the step: the unfused gradient on the original kernel.
        const plain = native.denseGrad(c.x, c.kernel, c.y, c.dy, { activation, needs: [true, true, true] });
        assert.deepEqual(Array.from(got.g.dx!.data), Array.from(plain.dx!.data), `${activation} dx ${m}x${k}x${n} is pre-step`);
        // Bit-identical to the unfused native path: denseGrad, then the optimizer's sgd update.
        const kernel = copy(c.kernel);
        const bias = copy(c.bias);
        native.optimizerUpdate({
          kind: 'sgd', params: [kernel.data as Float32Array, bias.data as Float32Array],
          grads: [plain.dkernel!.data as Float32Array, plain.dbias!.data as Float32Array], slots: [], hyper: { learningRate: lr },
        });
        assert.deepEqual(got.kernel.data, kernel.data, `${activation} kernel ${m}x${k}x${n} equals denseGrad + sgd`);
        assert.deepEqual(got.bias.data, bias.data, `${activation} bias ${m}x${k}x${n} equals denseGrad + sgd`);
        if (m >= 3) assert.notDeepEqual(got.kernel.data, c.kernel.data, 'the kernel moved');
      }
    });
  }

  it('skips dx and the bias when not asked, and a zero batch leaves the weights as they were', () => {
    const c = makeCase(9, 11, 5, 'relu');
    const got = stepped(native, c, 'relu', 0.5, false, false);
    const want = stepped(rb, c, 'relu', 0.5, false, false);
    assert.equal(got.g.dx, null);
    assert.deepEqual(got.bias.data, c.bias.data);
    assertClose(got.kernel.data, want.kernel.data, 1e-5, 1e-5, 'kernel');
    const empty = makeCase(0, 4, 3, 'elu');
    const e = stepped(native, empty, 'elu', 0.5, true, true);
    assert.deepEqual(e.kernel.data, empty.kernel.data);
    assert.deepEqual(e.bias.data, empty.bias.data);
    assert.deepEqual(e.g.dx!.shape, [0, 4]);
  });
});

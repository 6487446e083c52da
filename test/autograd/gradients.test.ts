// Reverse-mode autodiff: accumulation over reuse, un-broadcasting, noGrad, GradientTape, nesting, non-differentiable ops.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GradientTape, grad, valueAndGrad, valueAndGrads } from '../../src/autograd/gradients.js';
import { isRecording, noGrad } from '../../src/autograd/tape.js';
import { variable } from '../../src/autograd/variable.js';
import { tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import * as o from '../../src/ops/index.js';

const vals = (t: Tensor): number[] => Array.from(t.dataSync());

describe('gradients accumulate', () => {
  it('over reuse of one tensor: d/dx (x*x + x) = 2x + 1', () => {
    const x = tensor([1, -2, 3]);
    const { value, grads } = valueAndGrads(() => o.add(o.mul(x, x), x), [x]);
    assert.deepEqual(vals(value), [2, 2, 12]);
    assert.deepEqual(vals(grads[0]), [3, -3, 7]);
  });
  it('over reuse through several branches and ops', () => {
    const x = tensor([0.5, 2]);
    // y = exp(x) * x + x / 2 -> dy/dx = exp(x)(1 + x) + 1/2
    const { grads } = valueAndGrads(() => o.add(o.mul(o.exp(x), x), o.div(x, 2)), [x]);
    vals(grads[0]).forEach((g, i) => {
      const xi = [0.5, 2][i];
      assert.ok(Math.abs(g - (Math.exp(xi) * (1 + xi) + 0.5)) < 1e-5, `element ${i}: ${g}`);
    });
  });
  it('when gather picks the same row twice', () => {
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const { grads } = valueAndGrads(() => o.gather(x, [0, 2, 0]), [x]);
    assert.deepEqual(grads[0].array(), [[2, 2], [0, 0], [1, 1]]);
  });
  it('when the same tensor is a source twice', () => {
    const x = tensor([1, 2]);
    const { grads } = valueAndGrads(() => o.square(x), [x, x]);
    assert.deepEqual(vals(grads[0]), [2, 4]);
    assert.deepEqual(vals(grads[1]), [2, 4]);
  });
});

describe('un-broadcasting', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  it('sums the gradient of a broadcast row, column and scalar', () => {
    const row = tensor([1, 1, 1]);
    const col = tensor([[2], [3]]);
    const s = tensor(5);
    const { grads } = valueAndGrads(() => o.mul(o.add(o.add(a, row), col), s), [a, row, col, s]);
    assert.deepEqual(grads[0].array(), [[5, 5, 5], [5, 5, 5]]);
    assert.deepEqual(grads[1].array(), [10, 10, 10]);
    assert.deepEqual(grads[2].array(), [[15], [15]]);
    assert.deepEqual(grads[3].shape, []);
    assert.equal(grads[3].item(), 21 + 6 * 1 + 3 * 2 + 3 * 3);
  });
  it('keeps size-1 axes of a [1, 3] operand', () => {
    const b = tensor([[1, 2, 3]]);
    const { grads } = valueAndGrads(() => o.mul(a, b), [b]);
    assert.deepEqual(grads[0].array(), [[5, 7, 9]]);
  });
  it('un-broadcasts both sides of a [2,1,3] x [4,1] product', () => {
    const p = tensor([[[1, 2, 3]], [[4, 5, 6]]]);
    const q = tensor([[1], [2], [3], [4]]);
    const { value, grads } = valueAndGrads(() => o.mul(p, q), [p, q]);
    assert.deepEqual(value.shape, [2, 4, 3]);
    assert.deepEqual(grads[0].array(), [[[10, 10, 10]], [[10, 10, 10]]]);
    assert.deepEqual(grads[1].array(), [[21], [21], [21], [21]]);
  });
});

describe('noGrad and recording', () => {
  it('noGrad inside a gradient computation cuts the path', () => {
    const x = tensor([1, 2]);
    const { grads } = valueAndGrads(() => o.add(o.mul(x, noGrad(() => o.mul(x, 10))), x), [x]);
    // d/dx (x * stop(10x) + x) = 10x + 1
    assert.deepEqual(vals(grads[0]), [11, 21]);
  });
  it('records nothing outside a gradient computation and stops recording after it (even on error)', () => {
    assert.equal(isRecording(), false);
    const x = tensor([1]);
    valueAndGrads(() => o.square(x), [x]);
    assert.equal(isRecording(), false);
    assert.throws(() => valueAndGrads(() => { throw new Error('boom'); }, [x]), /boom/);
    assert.equal(isRecording(), false);
    assert.equal(noGrad(() => isRecording()), false);
  });
  it('valueAndGrads rejects a function that does not return a tensor', () => {
    assert.throws(() => valueAndGrads(() => 3 as unknown as Tensor, []), /must return a Tensor/);
  });
});

describe('GradientTape', () => {
  it('watches trainable variables read inside run(), not non-trainable ones', () => {
    const w = variable(tensor([1, 2]), { name: 'w' });
    const frozen = variable(tensor([3, 4]), { name: 'frozen', trainable: false });
    const tape = new GradientTape();
    const loss = tape.run(() => o.sum(o.mul(w.value, frozen.value)));
    const [gw, gf] = tape.gradient(loss, [w, frozen]);
    assert.deepEqual(vals(gw), [3, 4]);
    assert.deepEqual(vals(gf), [0, 0], 'a non-trainable variable is not watched: zeros');
  });
  it('watch() adds a non-trainable variable or a tensor', () => {
    const frozen = variable(tensor([3, 4]), { trainable: false });
    const x = tensor([2, 2]);
    const tape = new GradientTape();
    tape.watch(frozen);
    tape.watch(x);
    const loss = tape.run(() => o.sum(o.mul(o.square(frozen.value), x)));
    const [gf, gx] = tape.gradient(loss, [frozen, x]);
    assert.deepEqual(vals(gf), [12, 16]);
    assert.deepEqual(vals(gx), [9, 16]);
  });
  it('a variable read before run() is not watched; a tape is used once', () => {
    const w = variable(tensor([1, 2]));
    const early = w.value;
    const tape = new GradientTape();
    const loss = tape.run(() => o.sum(o.square(early)));
    assert.deepEqual(vals(tape.gradient(loss, [w])[0]), [0, 0]);
    assert.throws(() => tape.gradient(loss, [w]), /can be used once/);
  });
  it('nests: an inner gradient is a constant to the outer tape', () => {
    const x = tensor([1, 2]);
    const y = tensor([3, -1]);
    let inner: Tensor[] = [];
    const outer = valueAndGrads(() => {
      const r = valueAndGrads(() => o.sum(o.square(o.mul(x, y))), [y]);
      inner = r.grads;
      return o.add(r.value, o.sum(r.grads[0]));
    }, [x]);
    assert.deepEqual(vals(inner[0]), [2 * 1 * 1 * 3, 2 * 4 * -1]); // 2 x^2 y
    assert.deepEqual(vals(outer.grads[0]), [2 * 1 * 9, 2 * 2 * 1]); // 2 x y^2
  });
  it('nests GradientTapes: each differentiates what it watched', () => {
    const a = variable(tensor([2]));
    const outerTape = new GradientTape();
    const innerTape = new GradientTape();
    const loss = outerTape.run(() => innerTape.run(() => o.sum(o.mul(o.square(a.value), 3))));
    assert.deepEqual(vals(innerTape.gradient(loss, [a])[0]), [12]);
    assert.deepEqual(vals(outerTape.gradient(loss, [a])[0]), [12]);
  });
});

describe('non-differentiable ops and unconnected sources', () => {
  const x = tensor([1, 5, 2]);
  it('differentiating through argmax is a clear error naming the op', () => {
    assert.throws(
      () => valueAndGrads(() => o.sum(o.cast(o.argmax(x), 'float32')), [x]),
      /Cannot compute the gradient through 'argmax': it is not differentiable/,
    );
  });
  it('so is differentiating through a comparison or a cast to integers', () => {
    assert.throws(() => valueAndGrads(() => o.sum(o.cast(o.greater(x, 2), 'float32')), [x]), /through 'greater'/);
    assert.throws(() => valueAndGrads(() => o.cast(o.cast(x, 'int32'), 'float32'), [x]), /through 'cast \(to int32\)'/);
  });
  it('a non-differentiable side path does not block a differentiable one', () => {
    const { grads } = valueAndGrads(() => o.sum(o.mul(x, o.cast(o.argmax(x), 'float32'))), [x]);
    assert.deepEqual(vals(grads[0]), [1, 1, 1]);
    const g2 = valueAndGrads(() => o.sum(o.where(o.greater(x, 1.5), x, 0)), [x]).grads[0];
    assert.deepEqual(vals(g2), [0, 1, 1]);
  });
  it('unconnected sources get zeros of their shape', () => {
    const y = tensor([[1, 2], [3, 4]]);
    const { grads } = valueAndGrads(() => o.sum(x), [x, y]);
    assert.deepEqual(vals(grads[0]), [1, 1, 1]);
    assert.deepEqual(grads[1].array(), [[0, 0], [0, 0]]);
    const none = valueAndGrads(() => o.sum(tensor([1, 2])), [y]);
    assert.deepEqual(none.grads[0].shape, [2, 2]);
    assert.deepEqual(vals(none.grads[0]), [0, 0, 0, 0]);
  });
});

describe('grad, valueAndGrad and variables', () => {
  it('grad(f)(x) is d sum f / dx', () => {
    assert.deepEqual(vals(grad((t) => o.pow(t, 3))(tensor([1, 2]))), [3, 12]);
  });
  it('valueAndGrad gives one gradient per argument', () => {
    const { value, grads } = valueAndGrad((a, b) => o.sum(o.mul(a, b)))(tensor([1, 2]), tensor([3, 4]));
    assert.equal(value.item(), 11);
    assert.deepEqual(vals(grads[0]), [3, 4]);
    assert.deepEqual(vals(grads[1]), [1, 2]);
  });
  it('valueAndGrads over variables (the API.md example: grads[0] equals 2w)', () => {
    const w = variable(tensor([1, 2, 3]), { name: 'w' });
    const { value, grads } = valueAndGrads(() => w.value.square().sum(), [w]);
    assert.equal(value.item(), 14);
    assert.deepEqual(vals(grads[0]), [2, 4, 6]);
  });
  it('float64 sources get float64 gradients', () => {
    const x = tensor([1, 2], [2], 'float64');
    const g = grad((t) => o.exp(t))(x);
    assert.equal(g.dtype, 'float64');
    assert.equal(g.dataSync()[1], Math.exp(2));
  });
});

// Gradient conventions at points where the derivative is undefined, pinned explicitly (kinks, ties, pow at a <= 0).
//
// layerwise follows PyTorch at the kinks of relu/leakyRelu/elu/selu/relu6/abs/clip/sqrt (checked against the golden
// in golden.test.ts) but follows TensorFlow/Keras in two places, tested here as our own convention:
//   - maximum/minimum ties: the whole gradient goes to the first argument (PyTorch gives half to each);
//   - pow(a, b) with a < 0: d/db is 0 (PyTorch gives NaN, since log(a) is undefined).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { tensor } from '../../src/tensor/creation.js';
import * as o from '../../src/ops/index.js';
import { loadGolden } from '../helpers/golden.js';
import { decode, type GoldenCase } from './op_table.js';

const tieCases = loadGolden<{ tieCases: GoldenCase[] }>('ops.json').tieCases;

function gradsAt(f: (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => ReturnType<typeof tensor>,
  a: number[], b: number[], w: number[]): number[][] {
  const ta = tensor(a, [a.length], 'float64');
  const tb = tensor(b, [b.length], 'float64');
  const { grads } = valueAndGrads(() => o.sum(o.mul(f(ta, tb), tensor(w, [w.length], 'float64'))), [ta, tb]);
  return grads.map((g) => Array.from(g.dataSync()));
}

describe('maximum / minimum ties (TensorFlow convention)', () => {
  for (const c of tieCases) {
    it(`${c.op}: all of the gradient goes to the first argument at ties; elsewhere equal to PyTorch`, () => {
      const a = decode(c.inputs[0].data);
      const b = decode(c.inputs[1].data);
      const w = decode(c.weights[0].data);
      const [ga, gb] = gradsAt(c.op === 'maximum' ? o.maximum : o.minimum, a, b, w);
      const ta = decode(c.grads[0]!.data);
      const tb = decode(c.grads[1]!.data);
      let ties = 0;
      for (let i = 0; i < a.length; i++) {
        if (a[i] === b[i]) {
          ties++;
          // PyTorch splits w in half; the total gradient is the same, we put all of it on a.
          assert.equal(ta[i], w[i] / 2, `PyTorch halves the gradient at tie ${i}`);
          assert.equal(ga[i], ta[i] + tb[i], `tie ${i}: gradient of a is the whole of it`);
          assert.equal(gb[i], 0, `tie ${i}: gradient of b is 0`);
        } else {
          assert.equal(ga[i], ta[i], `element ${i}: gradient of a as PyTorch`);
          assert.equal(gb[i], tb[i], `element ${i}: gradient of b as PyTorch`);
        }
      }
      assert.ok(ties >= 3, 'the golden case has ties at -1, 0 and 1');
    });
  }
  it('maximum(x, 0) at x = 0 passes the gradient to x (unlike relu, whose gradient at 0 is 0)', () => {
    const x = tensor([0, -1, 1], [3], 'float64');
    const { grads } = valueAndGrads(() => o.sum(o.maximum(x, 0)), [x]);
    assert.deepEqual(Array.from(grads[0].dataSync()), [1, 0, 1]);
    const relu = valueAndGrads(() => o.sum(o.relu(x)), [x]);
    assert.deepEqual(Array.from(relu.grads[0].dataSync()), [0, 0, 1]);
  });
});

describe('pow at a non-positive base', () => {
  it('d/db is 0 where a <= 0 and a^b log(a) where a > 0', () => {
    const a = tensor([-2, -1, 0, 2], [4], 'float64');
    const b = tensor([2, 3, 2, 3], [4], 'float64');
    const { grads } = valueAndGrads(() => o.sum(o.pow(a, b)), [a, b]);
    const gb = grads[1].dataSync();
    assert.deepEqual(Array.from(gb.slice(0, 3)), [0, 0, 0]);
    assert.ok(Math.abs(gb[3] - 8 * Math.log(2)) < 1e-12, `d/db at a = 2, b = 3: ${gb[3]}`);
    assert.deepEqual(Array.from(grads[0].dataSync()), [-4, 3, 0, 12]);
  });
  it('d/da at a = 0 is 0 for b = 0 (no 0 * inf), inf for 0 < b < 1', () => {
    const a = tensor([0, 0, 0], [3], 'float64');
    const b = tensor([0, 0.5, 2], [3], 'float64');
    const { grads } = valueAndGrads(() => o.sum(o.pow(a, b)), [a]);
    assert.deepEqual(Array.from(grads[0].dataSync()), [0, Infinity, 0]);
  });
});

describe('reductions at ties', () => {
  it('max / min share the gradient equally among tied entries (TensorFlow and torch.amax agree)', () => {
    const x = tensor([[3, 1, 3], [2, 2, 2]], [2, 3], 'float64');
    const gmax = valueAndGrads(() => o.sum(o.max(x, 1)), [x]).grads[0];
    assert.deepEqual(gmax.array(), [[0.5, 0, 0.5], [1 / 3, 1 / 3, 1 / 3]]);
    const gmin = valueAndGrads(() => o.sum(o.min(x, 0)), [x]).grads[0];
    assert.deepEqual(gmin.array(), [[0, 1, 0], [1, 0, 1]]);
  });
  it('argmax picks the first of tied entries', () => {
    assert.deepEqual(o.argmax(tensor([[1, 3, 3], [2, 2, 2]])).array(), [1, 0]);
    assert.deepEqual(o.argmin(tensor([[1, 0, 0], [5, 5, 4]])).array(), [1, 2]);
    assert.deepEqual(o.argmax(tensor([[1, 3], [3, 0], [3, 2]]), 0).array(), [1, 0]);
  });
});

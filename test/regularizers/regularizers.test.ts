// Regularizers: Keras 3 penalties and their gradients vs PyTorch goldens, resolution and config round trips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { Variable } from '../../src/autograd/variable.js';
import * as regularizers from '../../src/regularizers/index.js';
import { L1, L1L2, L2, Regularizer } from '../../src/regularizers/index.js';
import { lookupSerializable } from '../../src/saving/registry.js';
import { assertClose, gradcheck, randF64 } from '../helpers/gradcheck.js';
import { loadGolden } from '../helpers/golden.js';

interface Arr { shape: number[]; data: number[] }
interface Case { class_name: string; config: Record<string, number>; w: Arr; value: number; grad: Arr }
const golden = loadGolden<{ regularizers: Case[] }>('activations.json');

describe('regularizers vs goldens (value and gradient)', () => {
  for (const c of golden.regularizers) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${c.class_name} ${JSON.stringify(c.config)} (${dtype})`, () => {
        const r = regularizers.get({ class_name: c.class_name, config: c.config })!;
        const w = tensor(c.w.data, c.w.shape, dtype);
        const { value, grads } = valueAndGrads(() => r.apply(w), [w]);
        assert.deepEqual(value.shape, []);
        assert.equal(value.dtype, dtype);
        const tol = dtype === 'float64' ? 1e-12 : 1e-6;
        assertClose([value.item()], [c.value], tol, tol, 'penalty');
        assertClose(grads[0].dataSync(), c.grad.data, tol, tol, 'gradient');
      });
    }
  }
  it('gradchecks in float64 away from w = 0', () => {
    const w = randF64([3, 4], 3, 0.2, 2);
    gradcheck((x) => new L1L2({ l1: 0.3, l2: 0.7 }).apply(x), [w]);
    gradcheck((x) => new L2({ l2: 0.5 }).apply(x), [randF64([5], 4)]);
  });
  it('penalizes a Variable read inside a loss', () => {
    const v = new Variable(tensor([1, -2, 3]), { name: 'w' });
    const { value, grads } = valueAndGrads(() => new L2().apply(v.value), [v]);
    assertClose([value.item()], [0.01 * 14], 1e-7);
    assertClose(grads[0].dataSync(), [0.02, -0.04, 0.06], 1e-7);
  });
});

describe('regularizers: defaults, resolution and configs', () => {
  it('uses the Keras defaults (0.01; L1L2 class 0 and 0)', () => {
    assert.deepEqual(new L1().getConfig(), { l1: 0.01 });
    assert.deepEqual(new L2().getConfig(), { l2: 0.01 });
    assert.deepEqual(new L1L2().getConfig(), { l1: 0, l2: 0 });
    assert.deepEqual(new L2(0.5).getConfig(), { l2: 0.5 });
  });
  it('resolves names, camelCase and class names', () => {
    assert.ok(regularizers.get('l1') instanceof L1);
    assert.ok(regularizers.get('L1') instanceof L1);
    assert.ok(regularizers.get('l2') instanceof L2);
    assert.ok(regularizers.get('L2') instanceof L2);
    const both = regularizers.get('l1_l2');
    assert.ok(both instanceof L1L2);
    assert.deepEqual(both.getConfig(), { l1: 0.01, l2: 0.01 });
    assert.deepEqual(regularizers.get('L1L2')!.getConfig(), { l1: 0, l2: 0 });
    assert.deepEqual(regularizers.get('l1L2')!.getConfig(), { l1: 0, l2: 0 });
    assert.equal(regularizers.get(null), null);
    assert.equal(regularizers.get(undefined), null);
    const r = new L2(0.3);
    assert.equal(regularizers.get(r), r);
    assert.throws(() => regularizers.get('l3'), /unknown regularizer 'l3' \(expected 'l1', 'l2' or 'l1_l2'\)/);
    assert.throws(() => new L1(-1), /L1: expected l1 to be a non-negative number, received -1/);
  });
  it('round-trips getConfig / fromConfig / serialize', () => {
    for (const r of [new L1(0.2), new L2({ l2: 0.05 }), new L1L2({ l1: 0.1, l2: 0.2 })] as Regularizer[]) {
      const cls = r.constructor as unknown as { fromConfig(c: Record<string, unknown>): Regularizer; className: string };
      assert.deepEqual(cls.fromConfig(r.getConfig()).getConfig(), r.getConfig());
      const s = regularizers.serialize(r);
      assert.deepEqual(s, { module: 'keras.regularizers', class_name: r.className, config: r.getConfig(), registered_name: null });
      assert.deepEqual(regularizers.get(s)!.getConfig(), r.getConfig());
      assert.equal(lookupSerializable('regularizer', cls.className), r.constructor);
    }
  });
});

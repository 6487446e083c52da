// Constraints: Keras 3 projections vs NumPy goldens, resolution and config round trips.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import * as constraints from '../../src/constraints/index.js';
import { Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm } from '../../src/constraints/index.js';
import { lookupSerializable } from '../../src/saving/registry.js';
import { assertClose } from '../helpers/gradcheck.js';
import { loadGolden } from '../helpers/golden.js';

interface Arr { shape: number[]; data: number[] }
interface Case { class_name: string; config: Record<string, any>; w: Arr; expected: Arr }
const golden = loadGolden<{ constraints: Case[] }>('activations.json');

describe('constraints vs NumPy goldens (Keras 3 formulas)', () => {
  for (const c of golden.constraints) {
    for (const dtype of ['float64', 'float32'] as const) {
      it(`${c.class_name} ${JSON.stringify(c.config)} on ${JSON.stringify(c.w.shape)} (${dtype})`, () => {
        const k = constraints.get({ class_name: c.class_name, config: c.config })!;
        const out = k.apply(tensor(c.w.data, c.w.shape, dtype));
        assert.deepEqual(out.shape, c.expected.shape);
        assert.equal(out.dtype, dtype);
        const tol = dtype === 'float64' ? 1e-12 : 2e-6;
        assertClose(out.dataSync(), c.expected.data, tol, tol, c.class_name);
      });
    }
  }
  it('MaxNorm leaves small columns alone and caps large ones at maxValue', () => {
    const w = tensor([[3, 0.1], [4, 0.2]], undefined, 'float64');
    const out = new MaxNorm({ maxValue: 2 }).apply(w).array() as number[][];
    assertClose([Math.hypot(out[0][0], out[1][0])], [2], 1e-6);
    assertClose([out[0][1], out[1][1]], [0.1, 0.2], 1e-6);
  });
});

describe('constraints: defaults, resolution and configs', () => {
  it('resolves Keras names, camelCase and class names', () => {
    for (const [names, cls] of [
      [['max_norm', 'maxNorm', 'MaxNorm', 'maxnorm'], MaxNorm], [['non_neg', 'nonNeg', 'NonNeg', 'nonneg'], NonNeg],
      [['unit_norm', 'unitNorm', 'UnitNorm'], UnitNorm], [['min_max_norm', 'minMaxNorm', 'MinMaxNorm'], MinMaxNorm],
    ] as const) {
      for (const n of names) assert.ok(constraints.get(n) instanceof cls, n);
    }
    assert.equal(constraints.get(null), null);
    const c = new UnitNorm({ axis: 1 });
    assert.equal(constraints.get(c), c);
    assert.throws(() => constraints.get('max'), /unknown constraint 'max' \(expected one of max_norm, non_neg, unit_norm, min_max_norm/);
    assert.throws(() => new MinMaxNorm({ minValue: 2, maxValue: 1 }), /MinMaxNorm: expected minValue <= maxValue, received minValue=2, maxValue=1/);
  });
  it('uses the Keras defaults and snake_case config keys', () => {
    assert.deepEqual(new MaxNorm().getConfig(), { max_value: 2, axis: 0 });
    assert.deepEqual(new NonNeg().getConfig(), {});
    assert.deepEqual(new UnitNorm().getConfig(), { axis: 0 });
    assert.deepEqual(new MinMaxNorm().getConfig(), { min_value: 0, max_value: 1, rate: 1, axis: 0 });
  });
  it('round-trips getConfig / fromConfig / serialize', () => {
    for (const c of [new MaxNorm({ maxValue: 3, axis: [0, 1] }), new NonNeg(), new UnitNorm({ axis: 1 }),
      new MinMaxNorm({ minValue: 0.5, maxValue: 2, rate: 0.3, axis: 1 })] as Constraint[]) {
      const cls = c.constructor as unknown as { fromConfig(cfg: Record<string, unknown>): Constraint; className: string };
      assert.deepEqual(cls.fromConfig(c.getConfig()).getConfig(), c.getConfig());
      const s = constraints.serialize(c);
      assert.deepEqual(s, { module: 'keras.constraints', class_name: c.className, config: c.getConfig(), registered_name: null });
      assert.deepEqual(constraints.get(s)!.getConfig(), c.getConfig());
      assert.equal(lookupSerializable('constraint', cls.className), c.constructor);
    }
  });
});

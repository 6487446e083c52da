// Learning-rate schedules vs the Keras formulas (evaluated in NumPy by scripts/golden/optimizers.py).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as optimizers from '../../src/optimizers/index.js';
import { loadGolden } from '../helpers/golden.js';
import { assertClose } from '../helpers/gradcheck.js';

const golden = loadGolden<{ schedules: { class_name: string; config: Record<string, any>; values: number[] }[] }>('optimizers.json');

describe('learning-rate schedules', () => {
  for (const s of golden.schedules) {
    it(`${s.class_name} ${JSON.stringify(s.config)}`, () => {
      const sched = optimizers.schedules.deserialize(s);
      assertClose(s.values.map((_, k) => sched.call(k)), s.values, 1e-12, 1e-12);
      assert.deepEqual(sched.getConfig(), s.config);
    });
  }

  it('validates arguments', () => {
    assert.throws(() => new optimizers.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }), /decaySteps must be > 0, received 0/);
    assert.throws(() => new optimizers.PiecewiseConstantDecay({ boundaries: [1, 2], values: [1, 2] }), /one more value than boundaries/);
  });
});

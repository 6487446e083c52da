// Deep stacks from chapter 11: a 100-layer SELU net self-normalizes; a deep sigmoid net with N(0, 1) weights vanishes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randomNormal } from '../../src/tensor/creation.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { noGrad } from '../../src/autograd/tape.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { div, mean, moments, sqrt, square, sub, sum } from '../../src/ops/index.js';
import { Dense } from '../../src/layers/index.js';
import { RandomNormal } from '../../src/initializers/index.js';

const DEPTH = 100;
const WIDTH = 100;
const BATCH = 256;

/** Standardized inputs: each feature rescaled to mean 0, std 1 over the batch. */
function standardizedInputs(): Tensor {
  const raw = randomNormal([BATCH, WIDTH], { seed: 3, mean: 5, stddev: 2 });
  const { mean: m, variance: v } = moments(raw, 0, true);
  return div(sub(raw, m), sqrt(v));
}

describe('deep networks', () => {
  it('100 SELU layers with lecun_normal keep every layer near mean 0, std 1 (self-normalization)', () => {
    setRandomSeed(42);
    const layers = Array.from({ length: DEPTH }, () => new Dense(WIDTH, { activation: 'selu', kernelInitializer: 'lecun_normal' }));
    const stats = noGrad(() => {
      let h = standardizedInputs();
      return layers.map((layer) => {
        h = layer.apply(h);
        const m = mean(h).item();
        return { mean: m, std: Math.sqrt(mean(square(sub(h, m))).item()) };
      });
    });
    for (const [i, s] of stats.entries()) {
      assert.ok(Math.abs(s.mean) < 0.15, `layer ${i}: mean ${s.mean}`);
      assert.ok(Math.abs(s.std - 1) < 0.15, `layer ${i}: std ${s.std}`);
    }
  });

  it('a deep sigmoid net with N(0, 1) weights: first-layer gradients are orders of magnitude below the last', () => {
    setRandomSeed(7);
    const layers = Array.from({ length: DEPTH }, () => new Dense(WIDTH, { activation: 'sigmoid', kernelInitializer: new RandomNormal({ mean: 0, stddev: 1 }) }));
    const x = standardizedInputs();
    for (const l of layers) l.build([BATCH, WIDTH]);
    const kernels = layers.map((l) => l.kernel!);
    const target = randomNormal([BATCH, WIDTH], { seed: 5 });
    const { grads } = valueAndGrads(() => {
      const y = layers.reduce((h, l) => l.apply(h), x);
      return mean(square(sub(y, target)));
    }, kernels);
    const norm = (g: Tensor) => Math.sqrt(sum(square(g)).item());
    const first = norm(grads[0]);
    const last = norm(grads[DEPTH - 1]);
    assert.ok(last > 0 && Number.isFinite(last), `last-layer gradient norm ${last}`);
    assert.ok(first / last < 1e-3, `first ${first} / last ${last} = ${first / last}`);
    // And the decay is progressive: the middle layer sits between the two.
    const middle = norm(grads[DEPTH / 2]);
    assert.ok(middle < last && middle > first, `middle ${middle}`);
  });
});

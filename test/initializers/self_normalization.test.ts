// Deep-network behaviour the initializers exist for: SELU + lecun_normal self-normalizes over 100 layers;
// sigmoid + N(0, 1) weights shows the vanishing gradient.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/tensor/tensor.js';
import { randomNormal } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { matmul, mean, moments, sqrt, square, sum } from '../../src/ops/index.js';
import * as initializers from '../../src/initializers/index.js';
import * as activations from '../../src/activations/index.js';

const DEPTH = 100;
const WIDTH = 100;

function forward(x: Tensor, kernels: Tensor[], act: (t: Tensor) => Tensor, each?: (h: Tensor, i: number) => void): Tensor {
  let h = x;
  kernels.forEach((k, i) => {
    h = act(matmul(h, k));
    each?.(h, i);
  });
  return h;
}

describe('initializers in deep networks', () => {
  it('SELU with lecun_normal keeps activations at mean ~0, std ~1 through 100 layers', () => {
    setRandomSeed(42);
    const x = randomNormal([200, WIDTH], { seed: 5 });
    const kernels = Array.from({ length: DEPTH }, () => initializers.get('lecun_normal').apply([WIDTH, WIDTH]));
    const means: number[] = [];
    const stds: number[] = [];
    forward(x, kernels, activations.get('selu'), (h) => {
      const { mean: m, variance } = moments(h);
      means.push(m.item());
      stds.push(Math.sqrt(variance.item()));
    });
    for (let i = 0; i < DEPTH; i++) {
      assert.ok(Math.abs(means[i]) < 0.15, `layer ${i}: activation mean ${means[i]}`);
      assert.ok(stds[i] > 0.85 && stds[i] < 1.15, `layer ${i}: activation std ${stds[i]}`);
    }
  });

  it('sigmoid with N(0, 1) weights: the first layer gets orders of magnitude less gradient than the last', () => {
    setRandomSeed(7);
    const x = randomNormal([32, WIDTH], { seed: 6 });
    const kernels = Array.from({ length: DEPTH }, () => new initializers.RandomNormal({ stddev: 1 }).apply([WIDTH, WIDTH]));
    const { grads } = valueAndGrads(() => mean(square(forward(x, kernels, activations.get('sigmoid')))), kernels);
    const norm = (g: Tensor) => sqrt(sum(square(g))).item();
    const first = norm(grads[0]);
    const last = norm(grads[DEPTH - 1]);
    assert.ok(last > 0 && first / last < 1e-3, `first-layer gradient norm ${first} vs last ${last} (ratio ${first / last})`);
  });
});

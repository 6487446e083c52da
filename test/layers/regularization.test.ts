// Dropout, AlphaDropout, GaussianNoise, GaussianDropout: training-only noise with Keras' formulas.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ones, randomNormal } from '../../src/tensor/creation.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { setRandomSeed } from '../../src/random/rng.js';
import '../../src/ops/index.js';
import { AlphaDropout, Dropout, GaussianDropout, GaussianNoise } from '../../src/layers/regularization.js';
import { Input } from '../../src/layers/input_layer.js';
import { loadGolden } from '../helpers/golden.js';
import { assertConfigRoundTrip, values } from './harness.js';

const golden = loadGolden('layers.json');

function stats(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return { mean, std };
}

describe('Dropout', () => {
  it('scales kept units by 1/(1-rate) like PyTorch and drops about `rate` of them, only in training', () => {
    const { rate, kept_scale: scale } = golden.dropout;
    const layer = new Dropout({ rate, seed: 3 });
    const x = ones([200, 100]);
    const y = values(layer.apply(x, { training: true }));
    const kept = y.filter((v) => v !== 0);
    for (const v of kept) assert.ok(Math.abs(v - scale) < 1e-6, `kept value ${v} vs ${scale}`);
    assert.ok(Math.abs(1 - kept.length / y.length - rate) < 0.01, `dropped fraction ${1 - kept.length / y.length}`);
    assert.deepEqual(values(layer.apply(x)), values(x));
    assert.deepEqual(values(layer.apply(x, { training: false })), values(x));
  });

  it('passes gradients through the kept units only, with the same scale', () => {
    const layer = new Dropout({ rate: 0.5, seed: 1 });
    const x = randomNormal([10, 10], { seed: 2 });
    let y = x;
    const { grads } = valueAndGrads(() => (y = layer.apply(x, { training: true })), [x]);
    const g = values(grads[0]);
    values(y).forEach((v, i) => assert.ok(Math.abs(g[i] - (v === 0 ? 0 : 2)) < 1e-6));
  });

  it('honours noiseShape (one mask shared along null-free broadcast axes) and rate bounds', () => {
    const layer = new Dropout({ rate: 0.5, noiseShape: [null, 1], seed: 4 });
    const y = layer.apply(ones([50, 6]), { training: true }).array() as number[][];
    for (const row of y) assert.ok(row.every((v) => v === row[0]), 'a row shares its mask');
    assert.throws(() => new Dropout({ rate: 1.5, name: 'drop_bad' }), /Dropout "drop_bad": expected rate in \[0, 1\], received 1.5/);
  });

  it('is reproducible with a layer seed and with setRandomSeed; successive calls differ', () => {
    const x = ones([20, 20]);
    const a = new Dropout({ rate: 0.3, seed: 9 });
    const b = new Dropout({ rate: 0.3, seed: 9 });
    const a1 = values(a.apply(x, { training: true }));
    assert.deepEqual(a1, values(b.apply(x, { training: true })));
    assert.notDeepEqual(a1, values(a.apply(x, { training: true })));
    const c = new Dropout({ rate: 0.3 });
    setRandomSeed(5);
    const c1 = values(c.apply(x, { training: true }));
    setRandomSeed(5);
    assert.deepEqual(values(c.apply(x, { training: true })), c1);
  });

  it('round-trips its config, keeps shapes symbolically and has no weights', () => {
    const layer = new Dropout({ rate: 0.2, seed: 1, noiseShape: [null, 1] });
    assertConfigRoundTrip(layer, Dropout);
    assert.deepEqual(layer.getConfig().rate, 0.2);
    assert.deepEqual(layer.apply(Input({ shape: [7] })).shape, [null, 7]);
    assert.equal(layer.weights.length, 0);
  });
});

describe('AlphaDropout', () => {
  it('maps kept units to a*x+b and dropped ones to a*alpha_p+b (Keras constants), keeping moments', () => {
    const { rate, a, b, alpha_p: alphaP } = golden.alpha_dropout;
    const layer = new AlphaDropout({ rate, seed: 11 });
    const x = randomNormal([400, 50], { seed: 12 });
    const xs = values(x);
    const y = values(layer.apply(x, { training: true }));
    let dropped = 0;
    y.forEach((v, i) => {
      const kept = Math.abs(v - (a * xs[i] + b)) < 1e-5;
      const drop = Math.abs(v - (a * alphaP + b)) < 1e-5;
      assert.ok(kept || drop, `output ${v} for input ${xs[i]}`);
      if (!kept) dropped++;
    });
    assert.ok(Math.abs(dropped / y.length - rate) < 0.01);
    const s = stats(y);
    assert.ok(Math.abs(s.mean) < 0.05 && Math.abs(s.std - 1) < 0.05, `mean ${s.mean} std ${s.std}`);
    assert.deepEqual(values(layer.apply(x)), xs);
    assertConfigRoundTrip(layer, AlphaDropout);
  });
});

describe('GaussianNoise and GaussianDropout', () => {
  it('GaussianNoise adds N(0, stddev^2) in training only', () => {
    const layer = new GaussianNoise({ stddev: 0.5, seed: 1 });
    const x = ones([100, 100]);
    const s = stats(values(layer.apply(x, { training: true })));
    assert.ok(Math.abs(s.mean - 1) < 0.02 && Math.abs(s.std - 0.5) < 0.02, `mean ${s.mean} std ${s.std}`);
    assert.deepEqual(values(layer.apply(x)), values(x));
    assertConfigRoundTrip(layer, GaussianNoise);
  });

  it('GaussianDropout multiplies by N(1, rate/(1-rate)) in training only', () => {
    const layer = new GaussianDropout({ rate: 0.2, seed: 1 });
    const x = ones([100, 100]);
    const s = stats(values(layer.apply(x, { training: true })));
    assert.ok(Math.abs(s.mean - 1) < 0.02 && Math.abs(s.std - Math.sqrt(0.2 / 0.8)) < 0.02, `mean ${s.mean} std ${s.std}`);
    assert.deepEqual(values(layer.apply(x)), values(x));
    assertConfigRoundTrip(layer, GaussianDropout);
    assert.throws(() => new GaussianDropout({ rate: 1, name: 'gd' }), /GaussianDropout "gd": expected rate in \[0, 1\)/);
  });
});

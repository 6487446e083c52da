// diagnostics.gradientReport: figures against hand computations, and the acceptance networks' warnings.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradientReport } from '../../src/diagnostics/index.js';
import { Model, Sequential } from '../../src/models/index.js';
import { AlphaDropout, BatchNormalization, Dense, Dropout, Input, LeakyReLU } from '../../src/layers/index.js';
import { Constant, RandomNormal } from '../../src/initializers/index.js';
import { randomNormal, randomUniform, tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import type { Tensor } from '../../src/tensor/tensor.js';

type Init = string | RandomNormal;

/** depth hidden Dense layers of `width` units, then a 10-way softmax, compiled for sparse labels. */
function deepNet(activation: string, init: Init, { depth = 50, width = 30, inputs = 64 } = {}): Sequential {
  const layers = [new Dense(width, { activation, kernelInitializer: init, inputShape: [inputs] })];
  for (let i = 1; i < depth; i++) layers.push(new Dense(width, { activation, kernelInitializer: init }));
  layers.push(new Dense(10, { activation: 'softmax' }));
  const m = new Sequential(layers);
  m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  return m;
}

const labels = (n: number): Tensor => tensor(Array.from({ length: n }, (_, i) => i % 10), [n], 'int32');
const gradientWarnings = (ws: string[]): string[] => ws.filter((w) => /vanishing|exploding/.test(w));

describe('gradientReport on the acceptance networks (50 layers)', () => {
  // NOTE: with N(0,1) weights the per-layer backward gain is about sqrt(width) * rms(sigmoid'), which
  // is below 1 only for widths under ~90 (at 300 units the gradients explode instead); 30 units
  // shows the textbook vanishing gradients.
  it('reports vanishing gradients for sigmoid with N(0, 1) initialization, and warns', async () => {
    setRandomSeed(3);
    const r = await gradientReport(deepNet('sigmoid', new RandomNormal({ mean: 0, stddev: 1 })), randomNormal([32, 64]), labels(32));
    assert.equal(r.layers.length, 51);
    assert.ok(r.firstToLastGradientRatio < 1e-3, `ratio ${r.firstToLastGradientRatio}`);
    assert.equal(r.firstToLastGradientRatio, r.layers[0].gradientNorm / r.layers[50].gradientNorm);
    assert.match(r.warnings.join('\n'), /^vanishing gradients: the first layer "dense(_\d+)?" has gradient norm/m);
  });

  for (const [activation, init] of [['relu', 'he_normal'], ['elu', 'he_normal']] as const) {
    it(`does not report vanishing or exploding gradients for ${activation} with ${init}`, async () => {
      for (const seed of [3, 4]) {
        setRandomSeed(seed);
        const r = await gradientReport(deepNet(activation, init), randomNormal([32, 64]), labels(32));
        assert.ok(r.firstToLastGradientRatio > 1e-3 && r.firstToLastGradientRatio < 1e3, `ratio ${r.firstToLastGradientRatio}`);
        assert.deepEqual(gradientWarnings(r.warnings), []);
      }
    });
  }

  it('gives SELU with lecun_normal on standardized inputs a clean bill of health', async () => {
    setRandomSeed(5);
    const r = await gradientReport(deepNet('selu', 'lecun_normal'), randomNormal([32, 64]), labels(32));
    assert.deepEqual(r.warnings, []);
    const last = r.layers[49];
    assert.ok(Math.abs(last.activationMean) < 0.5 && last.activationStd > 0.5 && last.activationStd < 1.5, `mean ${last.activationMean}, std ${last.activationStd}`);
  });
});

describe('gradientReport SELU self-normalization checks', () => {
  const x = (): Tensor => randomNormal([16, 8]);
  const y = labels(16);
  const seluDense = (units: number, init = 'lecun_normal'): Dense => new Dense(units, { activation: 'selu', kernelInitializer: init });
  const compiled = (m: Model): Model => {
    m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    return m;
  };

  it('flags unstandardized inputs', async () => {
    const m = compiled(new Sequential([new Dense(8, { activation: 'selu', kernelInitializer: 'lecun_normal', inputShape: [8] }), new Dense(10, { activation: 'softmax' })]));
    const r = await gradientReport(m, randomUniform([16, 8]), y);
    assert.match(r.warnings.join('\n'), /SELU self-normalization: inputs are not standardized \(batch mean 0\.\d+, std 0\.\d+/);
  });

  it('flags a non-lecun initializer, Dropout and non-Dense layers, and accepts AlphaDropout', async () => {
    const bad = compiled(new Sequential([
      new Dense(8, { activation: 'selu', kernelInitializer: 'glorot_uniform', inputShape: [8] }), new Dropout({ rate: 0.2 }),
      new BatchNormalization(), seluDense(8), new Dense(10, { activation: 'softmax' }),
    ]));
    const text = (await gradientReport(bad, x(), y)).warnings.join('\n');
    assert.match(text, /kernel initializer is not lecun_normal in "dense(_\d+)?"$/m);
    assert.match(text, /Dropout "dropout(_\d+)?" breaks it; use AlphaDropout/);
    assert.match(text, /SELU self-normalization: expects only Dense layers.*BatchNormalization "batch_normalization(_\d+)?"/);
    const good = compiled(new Sequential([new Dense(8, { activation: 'selu', kernelInitializer: 'lecun_normal', inputShape: [8] }), new AlphaDropout({ rate: 0.1 }), seluDense(8), new Dense(10, { activation: 'softmax' })]));
    assert.deepEqual((await gradientReport(good, x(), y)).warnings, []);
  });

  it('flags a non-sequential topology', async () => {
    const input = Input({ shape: [8] });
    const h = seluDense(8).apply(input);
    const m = compiled(new Model({ inputs: input, outputs: [new Dense(10, { activation: 'softmax' }).apply(h), new Dense(10, { activation: 'softmax' }).apply(h)] }));
    const r = await gradientReport(m, x(), [y, y]);
    assert.match(r.warnings.join('\n'), /not a plain sequential stack/);
  });
});

describe('gradientReport figures', () => {
  it('matches hand-computed kernel gradient and weight norms of a linear layer under MSE', async () => {
    const m = new Sequential([new Dense(2, { inputShape: [3] }), new Dense(1, { kernelInitializer: 'ones' })]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const [w1, b1, w2, b2] = m.getWeights().map((t) => Array.from(t.dataSync()));
    const X = [[1, -2, 0.5], [0.3, 0.7, -1.2], [2, 0, 1], [-1, 1, 1]];
    const Y = [1, -1, 0.5, 2];
    const before = m.getWeights().map((t) => Array.from(t.dataSync()));
    const r = await gradientReport(m, tensor(X), tensor(Y, [4, 1]));
    // Forward and backward by hand: h = X W1 + b1, p = h W2 + b2, L = mean((p - y)^2).
    const h = X.map((row) => [0, 1].map((j) => row.reduce((s, v, i) => s + v * w1[i * 2 + j], 0) + b1[j]));
    const p = h.map((row) => row[0] * w2[0] + row[1] * w2[1] + b2[0]);
    const dp = p.map((v, n) => (2 * (v - Y[n])) / 4);
    const gW2 = [0, 1].map((j) => h.reduce((s, row, n) => s + row[j] * dp[n], 0));
    const gb2 = dp.reduce((a, b) => a + b, 0);
    const dh = dp.map((d) => [d * w2[0], d * w2[1]]);
    const gW1 = X[0].flatMap((_, i) => [0, 1].map((j) => X.reduce((s, row, n) => s + row[i] * dh[n][j], 0)));
    const gb1 = [0, 1].map((j) => dh.reduce((s, row) => s + row[j], 0));
    const norm = (xs: number[]): number => Math.sqrt(xs.reduce((s, v) => s + v * v, 0));
    const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b)), `${a} vs ${b}`);
    close(r.layers[0].gradientNorm, norm(gW1));
    close(r.layers[1].gradientNorm, norm(gW2));
    close(r.layers[0].weightNorm, norm(w1));
    close(r.layers[1].weightNorm, norm(w2));
    assert.ok(norm(gb1) > 0 && gb2 !== 0 && b2.length === 1, 'biases get gradients too, but the norms are the kernels\'');
    close(r.loss, p.reduce((s, v, n) => s + (v - Y[n]) ** 2, 0) / 4);
    const hs = h.flat();
    const mean = hs.reduce((a, b) => a + b, 0) / hs.length;
    close(r.layers[0].activationMean, mean);
    close(r.layers[0].activationStd, Math.sqrt(hs.reduce((s, v) => s + (v - mean) ** 2, 0) / hs.length));
    assert.deepEqual(m.getWeights().map((t) => Array.from(t.dataSync())), before, 'the report does not train');
  });

  it('counts dead ReLU units, folds a following activation layer in, and warns', async () => {
    const m = new Sequential([
      new Dense(6, { activation: 'relu', biasInitializer: new Constant(-100), inputShape: [4] }),
      new Dense(5), new LeakyReLU({ negativeSlope: 0.1 }),
      new Dense(3, { activation: 'softmax' }),
    ]);
    m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const r = await gradientReport(m, randomNormal([8, 4]), tensor([0, 1, 2, 0, 1, 2, 0, 1], [8], 'int32'));
    assert.deepEqual(r.layers.map((l) => l.activation), ['relu', 'leaky_relu', 'softmax']);
    assert.equal(r.layers[0].deadFraction, 1);
    assert.equal(r.layers[1].deadFraction, 0, 'leaky units keep a gradient on the negative side, so they cannot die');
    assert.equal(r.layers[0].gradientNorm, 0);
    assert.match(r.warnings.join('\n'), /^dying ReLUs: .*"dense(_\d+)?".* 100%/m);
  });

  it('measures sigmoid saturation', async () => {
    const m = new Sequential([new Dense(4, { activation: 'sigmoid', kernelInitializer: new Constant(50), inputShape: [2] }), new Dense(1)]);
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const r = await gradientReport(m, tensor([[1, 1], [-1, -1], [0.001, 0]]), tensor([[0], [1], [0]]));
    // Pre-activations 100, -100 (saturated) and 0.05 (not): two thirds of the values are in the tails.
    assert.ok(Math.abs(r.layers[0].saturatedFraction - 2 / 3) < 1e-12);
  });

  it('takes an explicit loss for an uncompiled model, and infers MSE for a linear output', async () => {
    const m = new Sequential([new Dense(1, { inputShape: [2] })]);
    const [w, b] = m.getWeights().map((t) => Array.from(t.dataSync()));
    const expected = (1 * w[0] + 2 * w[1] + b[0] - 1) ** 2;
    const explicit = await gradientReport(m, tensor([[1, 2]]), tensor([[1]]), { loss: 'mse' });
    const inferred = await gradientReport(m, tensor([[1, 2]]), tensor([[1]]));
    assert.equal(explicit.layers.length, 1);
    assert.ok(Math.abs(explicit.loss - expected) < 1e-5 * Math.max(1, expected));
    assert.equal(inferred.loss, explicit.loss);
  });
});

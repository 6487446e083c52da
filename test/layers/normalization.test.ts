// BatchNormalization (Keras momentum, frozen semantics, chapter param counts) and LayerNormalization.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomNormal, zeros } from '../../src/tensor/creation.js';
import '../../src/ops/index.js';
import { BatchNormalization, Dense, Flatten, Input, LayerNormalization, type Layer } from '../../src/layers/index.js';
import type { SymbolicTensor } from '../../src/layers/symbolic.js';
import { RandomNormal } from '../../src/initializers/index.js';
import { loadGolden } from '../helpers/golden.js';
import { assertClose, randF64 } from '../helpers/gradcheck.js';
import { assertConfigRoundTrip, f32, f64n, layerGradcheck, trainingStep, values } from './harness.js';

const golden = loadGolden('layers.json');
const bn = golden.batch_norm;
const flat = (v: unknown[]) => v.flat(2) as number[];

function goldenBN(dtype: 'float32' | 'float64' = 'float32', trainable = true): BatchNormalization {
  const layer = new BatchNormalization({ momentum: bn.momentum, epsilon: bn.epsilon, dtype, trainable });
  const x = dtype === 'float64' ? f64n(bn.x) : f32(bn.x);
  layer.apply(x);
  layer.setWeights([bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance].map((v) => (dtype === 'float64' ? f64n(v) : f32(v))));
  return layer;
}

describe('BatchNormalization', () => {
  it('has gamma, beta (trainable) then moving_mean, moving_variance (non-trainable): 4 params per feature', () => {
    const layer = new BatchNormalization();
    layer.apply(zeros([2, 5]));
    assert.deepEqual(layer.weights.map((w) => w.name.split('/')[1]), ['gamma', 'beta', 'moving_mean', 'moving_variance']);
    assert.deepEqual(layer.trainableWeights.length, 2);
    assert.deepEqual(layer.nonTrainableWeights.map((w) => w.shape), [[5], [5]]);
    assert.equal(layer.countParams(), 20);
    assert.deepEqual(values(layer.getWeights()[3]), [1, 1, 1, 1, 1]);
    const noAffine = new BatchNormalization({ center: false, scale: false });
    noAffine.apply(zeros([2, 3]));
    assert.deepEqual(noAffine.weights.map((w) => w.name.split('/')[1]), ['moving_mean', 'moving_variance']);
  });

  it('training step: batch moments (biased) for the output, Keras momentum for the moving statistics', () => {
    for (const dtype of ['float32', 'float64'] as const) {
      const layer = goldenBN(dtype);
      const x = dtype === 'float64' ? f64n(bn.x) : f32(bn.x);
      const tol = dtype === 'float64' ? 1e-10 : 1e-5;
      assertClose(values(layer.apply(x, { training: true })), flat(bn.y_train), tol, tol, `y_train ${dtype}`);
      assertClose(values(layer.movingMean!.read()), bn.moving_mean_after, tol, tol, 'moving_mean');
      assertClose(values(layer.movingVariance!.read()), bn.moving_variance_after, tol, tol, 'moving_variance');
    }
  });

  it('inference uses the moving statistics and never updates them', () => {
    const layer = goldenBN();
    const before = layer.getWeights().map(values);
    assertClose(values(layer.apply(f32(bn.x))), flat(bn.y_inference), 1e-5, 1e-5);
    assertClose(values(layer.apply(f32(bn.x), { training: false })), flat(bn.y_inference), 1e-5, 1e-5);
    assert.deepEqual(layer.getWeights().map(values), before);
  });

  it('a frozen layer (trainable = false) uses moving statistics even with training = true, leaving them bit-identical', () => {
    const layer = goldenBN();
    layer.trainable = false;
    const before = layer.getWeights().map(values);
    assertClose(values(layer.apply(f32(bn.x), { training: true })), flat(bn.y_inference), 1e-5, 1e-5);
    assert.deepEqual(layer.getWeights().map(values), before);
    assert.equal(layer.trainableWeights.length, 0);
    assert.equal(layer.nonTrainableWeights.length, 4);
    const frozenAtBirth = goldenBN('float32', false);
    assertClose(values(frozenAtBirth.apply(f32(bn.x), { training: true })), flat(bn.y_inference), 1e-5, 1e-5);
  });

  it('normalizes over every axis but `axis` (axis 1 of [N, C, L]) with default momentum 0.99', () => {
    const layer = new BatchNormalization({ axis: 1 });
    const y = layer.apply(f32(bn.x3), { training: true });
    assertClose(values(y), flat(bn.y3_train_axis1), 1e-5, 1e-5);
    assert.deepEqual(layer.weights[0].shape, [2]);
    assertClose(values(layer.movingMean!.read()), bn.moving_mean3_after, 1e-6, 1e-5);
    assertClose(values(layer.movingVariance!.read()), bn.moving_variance3_after, 1e-6, 1e-5);
  });

  it('explains a feature-size mismatch and round-trips its Keras config', () => {
    const layer = new BatchNormalization({ name: 'bn_x', momentum: 0.9, epsilon: 1e-5, gammaInitializer: new RandomNormal({ seed: 1 }) });
    layer.apply(zeros([2, 3]));
    assert.throws(() => layer.apply(zeros([2, 4])), /BatchNormalization "bn_x": expected input with axis -1 of size 3, received shape \[2, 4\]/);
    const config = assertConfigRoundTrip(layer, BatchNormalization).getConfig();
    assert.equal(config.momentum, 0.9);
    assert.equal(config.epsilon, 1e-5);
    assert.equal((config.gamma_initializer as any).class_name, 'RandomNormal');
    assert.equal((config.moving_variance_initializer as any).class_name, 'Ones');
    assert.equal(BatchNormalization.fromConfig({ axis: [1], name: 'bn_k' }).axis, 1);
  });

  it('passes float64 gradchecks in training (through the batch moments) and inference', () => {
    for (const training of [true, false]) {
      const layer = new BatchNormalization({ dtype: 'float64', gammaInitializer: new RandomNormal({ mean: 1, stddev: 0.3, seed: 2 }), betaInitializer: 'random_normal' });
      layerGradcheck(layer, randF64([5, 3], 9), { training });
    }
  });

  it('one SGD training step changes gamma and beta, never the moving statistics', () => {
    trainingStep(new BatchNormalization(), randomNormal([8, 4], { seed: 4 }));
  });

  it("the chapter's BN model has 271,346 params, 2,368 non-trainable", () => {
    const stack: Layer[] = [
      new Flatten({ inputShape: [28, 28] }), new BatchNormalization(),
      new Dense(300, { activation: 'elu', kernelInitializer: 'he_normal' }), new BatchNormalization(),
      new Dense(100, { activation: 'elu', kernelInitializer: 'he_normal' }), new BatchNormalization(),
      new Dense(10, { activation: 'softmax' }),
    ];
    let t: SymbolicTensor = Input({ shape: [28, 28] });
    for (const l of stack) t = l.apply(t);
    assert.deepEqual(t.shape, [null, 10]);
    const count = (ws: { shape: number[] }[]) => ws.reduce((acc, w) => acc + w.shape.reduce((p, q) => p * q, 1), 0);
    assert.equal(stack.reduce((acc, l) => acc + l.countParams(), 0), 271346);
    assert.equal(count(stack.flatMap((l) => l.nonTrainableWeights)), 2368);
    assert.equal(count(stack.flatMap((l) => l.trainableWeights)), 268978);
    assert.deepEqual(stack.map((l) => l.countParams()), [0, 3136, 235500, 1200, 30100, 400, 1010]);
  });
});

describe('LayerNormalization', () => {
  it('matches PyTorch layer_norm (per-sample biased moments, gamma then beta)', () => {
    const g = golden.layer_norm;
    const layer = new LayerNormalization({ epsilon: g.epsilon });
    layer.apply(f32(g.x));
    assert.deepEqual(layer.weights.map((w) => w.name.split('/')[1]), ['gamma', 'beta']);
    layer.setWeights([f32(g.gamma), f32(g.beta)]);
    assertClose(values(layer.apply(f32(g.x))), flat(g.y), 1e-5, 1e-5);
    assert.equal(layer.countParams(), 12);
  });

  it('round-trips, passes a float64 gradcheck and trains', () => {
    const layer = new LayerNormalization({ axis: -1, center: false, name: 'ln_a' });
    assertConfigRoundTrip(layer, LayerNormalization);
    layerGradcheck(new LayerNormalization({ dtype: 'float64', gammaInitializer: new RandomNormal({ mean: 1, stddev: 0.3, seed: 5 }) }), randF64([3, 4], 10));
    trainingStep(new LayerNormalization(), randomNormal([4, 6], { seed: 6 }));
    assert.throws(() => new LayerNormalization({ axis: 2, name: 'ln_b' }).apply(zeros([2, 3])), /LayerNormalization "ln_b": axis 2 is out of range/);
  });
});

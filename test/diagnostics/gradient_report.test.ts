// diagnostics.gradientReport: vanishing gradients in deep sigmoid stacks, healthy He/ELU/SELU stacks, exploding gradients, norms cross-checked.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { gradientReport } from '../../src/diagnostics/index.js';
import { Sequential } from '../../src/models/index.js';
import { Dense, InputLayer, type Layer } from '../../src/layers/index.js';
import { RandomNormal, Constant } from '../../src/initializers/index.js';
import { get as getLoss } from '../../src/losses/index.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { randomNormal, randomUniform, tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';
import '../../src/ops/index.js';

type Init = string | RandomNormal;

/** `depth` hidden Dense layers of `width` units, then a 10-way softmax (the chapter's deep-stack experiment). */
function stack(depth: number, width: number, activation: string, init: Init, inputDim = 20): Sequential {
  const layers: Layer[] = [new InputLayer({ inputShape: [inputDim] })];
  for (let i = 0; i < depth; i++) layers.push(new Dense(width, { activation, kernelInitializer: init }));
  layers.push(new Dense(10, { activation: 'softmax' }));
  return new Sequential(layers);
}

function labels(n: number): Tensor {
  return tensor(Array.from({ length: n }, (_, i) => (i * 7) % 10), [n], 'int32');
}

function l2(t: Tensor): number {
  let s = 0;
  for (const v of t.dataSync()) s += v * v;
  return Math.sqrt(s);
}

describe('diagnostics.gradientReport', () => {
  beforeEach(() => {
    resetNameCounters();
    setRandomSeed(3);
  });

  it('reports vanishing gradients in a 50-layer sigmoid network with N(0, 1) weights', async () => {
    const model = stack(50, 50, 'sigmoid', new RandomNormal({ mean: 0, stddev: 1 }));
    const x = randomNormal([64, 20]);
    const report = await gradientReport(model, x, labels(64));
    assert.equal(report.layers.length, 51);
    assert.deepEqual(report.layers.map((l) => l.name), model.layers.filter((l) => l.weights.length > 0).map((l) => l.name));
    assert.ok(report.firstToLastGradientRatio < 1e-3, `ratio ${report.firstToLastGradientRatio}`);
    assert.equal(report.firstToLastGradientRatio, report.layers[0].gradientNorm / report.layers[50].gradientNorm);
    const vanishing = report.warnings.filter((w) => w.startsWith('vanishing gradients'));
    assert.equal(vanishing.length, 1, report.warnings.join('\n'));
    assert.match(vanishing[0], /first layer "dense" .* last layer "dense_50"/);
    // Gradient norms shrink on the way back: the first layer's is far below the middle one's.
    assert.ok(report.layers[0].gradientNorm < report.layers[25].gradientNorm);
    // Sigmoid outputs stay in (0, 1); N(0,1) weights push many into the flat tails.
    for (const l of report.layers.slice(0, 50)) {
      assert.equal(l.activation, 'sigmoid');
      assert.ok(l.activationMean > 0 && l.activationMean < 1);
      assert.equal(l.deadFraction, 0);
    }
    assert.ok(report.layers.slice(1, 50).some((l) => l.saturatedFraction > 0.1));
    assert.deepEqual(report.lossNames, ['sparse_categorical_crossentropy']);
  });

  for (const [activation, init] of [['relu', 'he_normal'], ['elu', 'he_normal']] as const) {
    it(`does not report vanishing gradients with ${init} initialization and ${activation}`, async () => {
      const model = stack(50, 50, activation, init);
      const report = await gradientReport(model, randomNormal([64, 20]), labels(64));
      assert.ok(report.firstToLastGradientRatio >= 1e-3 && report.firstToLastGradientRatio <= 1e3, `ratio ${report.firstToLastGradientRatio}`);
      assert.deepEqual(report.warnings.filter((w) => /gradients/.test(w)), []);
      assert.ok(report.layers.every((l) => Number.isFinite(l.gradientNorm) && l.gradientNorm > 0));
    });
  }

  it('does not report vanishing gradients (or any SELU problem) for SELU + lecun_normal on standardized inputs', async () => {
    const model = stack(50, 50, 'selu', 'lecun_normal');
    const report = await gradientReport(model, randomNormal([64, 20]), labels(64));
    assert.ok(report.firstToLastGradientRatio >= 1e-3, `ratio ${report.firstToLastGradientRatio}`);
    assert.deepEqual(report.warnings, []);
    // Self-normalization: the deepest SELU layer's outputs keep mean ~0 and std ~1.
    const deep = report.layers[49];
    assert.ok(Math.abs(deep.activationMean) < 0.3 && Math.abs(deep.activationStd - 1) < 0.3, `mean ${deep.activationMean}, std ${deep.activationStd}`);
  });

  it('matches gradient and weight norms computed through the model call, and leaves the weights alone', async () => {
    const model = stack(3, 8, 'tanh', 'glorot_uniform', 5);
    const x = randomNormal([16, 5]);
    const y = labels(16);
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const report = await gradientReport(model, x, y);
    const dense = model.layers.filter((l): l is Dense => l instanceof Dense);
    const kernels = dense.map((l) => l.kernel!);
    const loss = getLoss('sparse_categorical_crossentropy');
    const { value, grads } = valueAndGrads(() => loss.apply(y, model.callList([x], { training: false })[0]), kernels);
    assert.ok(Math.abs(report.loss - value.item()) < 1e-6);
    report.layers.forEach((l, i) => {
      assert.equal(l.name, dense[i].name);
      assert.ok(Math.abs(l.gradientNorm - l2(grads[i])) <= 1e-6 * l2(grads[i]), `${l.name}: ${l.gradientNorm} vs ${l2(grads[i])}`);
      assert.ok(Math.abs(l.weightNorm - l2(kernels[i].value)) <= 1e-6 * l2(kernels[i].value));
      assert.equal(l.units, dense[i].units);
    });
    assert.deepEqual(model.getWeights().map((w) => Array.from(w.dataSync())), before);
  });

  it('reports the layers inside a nested model, and infers the loss from the nested output layer', async () => {
    const inner = new Sequential([
      new InputLayer({ inputShape: [5] }),
      new Dense(6, { activation: 'relu', kernelInitializer: 'he_normal' }),
      new Dense(6, { activation: 'tanh' }),
    ]);
    const head = new Sequential([new InputLayer({ inputShape: [6] }), new Dense(3, { activation: 'softmax' })]);
    const outer = new Sequential([new InputLayer({ inputShape: [5] }), inner, head]);
    const x = randomNormal([16, 5]);
    const y = tensor(Array.from({ length: 16 }, (_, i) => i % 3), [16], 'int32');
    const report = await gradientReport(outer, x, y);
    assert.deepEqual(report.layers.map((l) => [l.name, l.activation]), [['dense', 'relu'], ['dense_1', 'tanh'], ['dense_2', 'softmax']]);
    assert.deepEqual(report.lossNames, ['sparse_categorical_crossentropy']);
    const dense = [...inner.layers, ...head.layers].filter((l): l is Dense => l instanceof Dense);
    const loss = getLoss('sparse_categorical_crossentropy');
    const { grads } = valueAndGrads(() => loss.apply(y, outer.callList([x], { training: false })[0]), dense.map((l) => l.kernel!));
    report.layers.forEach((l, i) => assert.ok(Math.abs(l.gradientNorm - l2(grads[i])) <= 1e-6 * l2(grads[i]), l.name));
  });

  it('reports exploding gradients when the ratio is above 1e3 and when a norm is not finite', async () => {
    // Tiny first kernel, huge second: dL/dW1 carries W2 (large) while dL/dW2 carries x W1 (tiny).
    const model = new Sequential([
      new InputLayer({ inputShape: [4] }),
      new Dense(4, { kernelInitializer: new Constant(1e-3) }),
      new Dense(1, { kernelInitializer: new Constant(1e3) }),
    ]);
    const x = randomNormal([32, 4]);
    const y = randomUniform([32, 1]);
    const report = await gradientReport(model, x, y);
    assert.deepEqual(report.lossNames, ['mean_squared_error']);
    assert.ok(report.firstToLastGradientRatio > 1e3, `ratio ${report.firstToLastGradientRatio}`);
    assert.ok(report.warnings.some((w) => w.startsWith('exploding gradients: the first layer')), report.warnings.join('\n'));
    const bad = await gradientReport(model, tensor([[Infinity, 1, 2, 3], [0, 1, 2, 3]]), tensor([[1], [2]]));
    assert.ok(bad.warnings.some((w) => w.startsWith('exploding gradients: non-finite gradient norm')), bad.warnings.join('\n'));
  });

  it('rejects targets that do not match the outputs with a clear error', async () => {
    const model = stack(1, 4, 'relu', 'he_normal', 3);
    await assert.rejects(gradientReport(model, randomNormal([4, 3]), [labels(4), labels(4)]), /expected 1 target\(s\), one per output .*received 2/);
  });
});

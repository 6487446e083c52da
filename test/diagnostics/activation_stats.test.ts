// diagnostics activation figures: dead ReLU units, saturation, folded activation layers, statistics on constructed outputs.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { activationStats, activationOf, gradientReport } from '../../src/diagnostics/index.js';
import { Sequential } from '../../src/models/index.js';
import { Activation, Dense, InputLayer, LeakyReLU, ReLU, Softmax, Dropout } from '../../src/layers/index.js';
import { Constant, RandomNormal } from '../../src/initializers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';
import '../../src/ops/index.js';

describe('diagnostics activation statistics', () => {
  beforeEach(() => {
    resetNameCounters();
    setRandomSeed(5);
  });

  it('counts a unit dead only when it outputs 0 for every sample, and only for relu/relu6', () => {
    // 3 samples x 4 units: unit 0 always 0, unit 1 positive once, unit 2 always 0, unit 3 always positive.
    const y = tensor([[0, 0, 0, 1], [0, 2, 0, 3], [0, 0, 0, 5]]);
    const values = [0, 0, 0, 1, 0, 2, 0, 3, 0, 0, 0, 5];
    const mean = values.reduce((a, b) => a + b) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    const s = activationStats(y, 'relu');
    assert.equal(s.deadFraction, 2 / 4);
    assert.ok(Math.abs(s.activationMean - mean) < 1e-6);
    assert.ok(Math.abs(s.activationStd - std) < 1e-6);
    assert.equal(s.saturatedFraction, 0);
    assert.equal(activationStats(y, 'relu6').deadFraction, 0.5);
    // Leaky/ELU-family units keep a gradient below zero: they cannot die.
    assert.equal(activationStats(y, 'elu').deadFraction, 0);
    assert.equal(activationStats(y, 'linear').deadFraction, 0);
  });

  it('counts sigmoid values within ~0.0127 of 0 or 1 and tanh values beyond 0.975 as saturated', () => {
    const sig = tensor([[0.001, 0.5], [0.99, 0.98]]);
    assert.equal(activationStats(sig, 'sigmoid').saturatedFraction, 2 / 4);
    const th = tensor([[-0.99, 0.5, 0.97, 0.999]]);
    assert.equal(activationStats(th, 'tanh').saturatedFraction, 2 / 4);
    assert.equal(activationStats(th, 'relu').saturatedFraction, 0);
  });

  it('finds the activation of Dense/Activation configs and of the activation layers', () => {
    assert.equal(activationOf(new Dense(3, { activation: 'elu' })), 'elu');
    assert.equal(activationOf(new Dense(3)), 'linear');
    assert.equal(activationOf(new Activation('tanh')), 'tanh');
    assert.equal(activationOf(new ReLU()), 'relu');
    assert.equal(activationOf(new ReLU({ negativeSlope: 0.1 })), 'leaky_relu');
    assert.equal(activationOf(new ReLU({ maxValue: 6 })), 'relu6');
    assert.equal(activationOf(new LeakyReLU()), 'leaky_relu');
    assert.equal(activationOf(new Softmax()), 'softmax');
    assert.equal(activationOf(new Dropout(0.5)), null);
  });

  it('detects dying ReLUs in a layer with a large negative bias and warns', async () => {
    const model = new Sequential([
      new InputLayer({ inputShape: [10] }),
      new Dense(50, { activation: 'relu', kernelInitializer: 'he_normal' }),
      new Dense(50, { activation: 'relu', kernelInitializer: 'he_normal', biasInitializer: new Constant(-100) }),
      new Dense(1),
    ]);
    const report = await gradientReport(model, randomNormal([64, 10]), randomNormal([64, 1]));
    const [healthy, dead] = report.layers;
    assert.ok(healthy.deadFraction < 0.5, `healthy layer dead fraction ${healthy.deadFraction}`);
    assert.equal(dead.deadFraction, 1);
    assert.equal(dead.activationMean, 0);
    assert.equal(dead.gradientNorm, 0);
    const dying = report.warnings.filter((w) => w.startsWith('dying ReLUs'));
    assert.equal(dying.length, 1, report.warnings.join('\n'));
    assert.match(dying[0], /"dense_1" \(relu\) 100% dead/);
    assert.doesNotMatch(dying[0], /"dense"[ ,)]/);
    // The whole-batch dead fraction of the dead layer is above any threshold; a threshold of 1 silences it.
    const quiet = await gradientReport(model, randomNormal([64, 10]), randomNormal([64, 1]), { deadFraction: 1 });
    assert.equal(quiet.warnings.filter((w) => w.startsWith('dying ReLUs')).length, 0);
  });

  it('folds a following Activation layer into the Dense layer it activates, and warns about saturation', async () => {
    const model = new Sequential([
      new InputLayer({ inputShape: [10] }),
      new Dense(40, { kernelInitializer: new RandomNormal({ mean: 0, stddev: 10 }) }),
      new Activation('sigmoid'),
      new Dense(40, { kernelInitializer: 'he_normal' }),
      new ReLU(),
      new Dense(1, { activation: 'sigmoid' }),
    ]);
    const x = randomNormal([64, 10]);
    const report = await gradientReport(model, x, tensor(Array.from({ length: 64 }, (_, i) => [i % 2])));
    assert.deepEqual(report.layers.map((l) => [l.name, l.activation]), [['dense', 'sigmoid'], ['dense_1', 'relu'], ['dense_2', 'sigmoid']]);
    assert.deepEqual(report.lossNames, ['binary_crossentropy']);
    const first = report.layers[0];
    assert.ok(first.activationMean > 0 && first.activationMean < 1, 'stats are taken after the sigmoid');
    assert.ok(first.saturatedFraction > 0.5, `saturated ${first.saturatedFraction}`);
    assert.ok(report.warnings.some((w) => /^saturated activations: in \d+ of 3 layers \("dense"/.test(w)), report.warnings.join('\n'));
    assert.ok(report.layers[1].activationMean >= 0, 'stats are taken after the ReLU layer');
  });
});

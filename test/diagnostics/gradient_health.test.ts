// callbacks.GradientHealth in fit: per-epoch figures in History, matching the reports; ratio-only recording; functional models.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { GradientHealth, gradientReport } from '../../src/diagnostics/index.js';
import { Model, Sequential } from '../../src/models/index.js';
import { Dense, Input, InputLayer } from '../../src/layers/index.js';
import { RandomNormal } from '../../src/initializers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';

const FIGURES = ['gradient_norm', 'weight_norm', 'activation_mean', 'activation_std', 'dead_fraction', 'saturated_fraction'] as const;
const KEYS = { gradient_norm: 'gradientNorm', weight_norm: 'weightNorm', activation_mean: 'activationMean', activation_std: 'activationStd', dead_fraction: 'deadFraction', saturated_fraction: 'saturatedFraction' } as const;

describe('GradientHealth callback', () => {
  beforeEach(() => {
    resetNameCounters();
    setRandomSeed(17);
  });

  it('records every figure per epoch in History, equal to the epoch-end reports', async () => {
    const model = new Sequential([
      new InputLayer({ inputShape: [8] }),
      new Dense(16, { activation: 'relu', kernelInitializer: 'he_normal' }),
      new Dense(16, { activation: 'sigmoid', kernelInitializer: new RandomNormal({ mean: 0, stddev: 1 }) }),
      new Dense(3, { activation: 'softmax' }),
    ]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const x = randomNormal([48, 8]);
    const y = tensor(Array.from({ length: 48 }, (_, i) => i % 3), [48], 'int32');
    const health = new GradientHealth({ everyNBatches: 3, verbose: 0 });
    const history = await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks: [health] });
    // 3 batches per epoch: one report after batch 3, reused (same weights) as the epoch-end report.
    assert.deepEqual(health.reports.map((r) => [r.epoch, r.batch]), [[0, 2], [0, -1], [1, 2], [1, -1], [2, 2], [2, -1]]);
    const ends = health.reports.filter((r) => r.batch === -1);
    const h = history.history;
    assert.deepEqual(h.first_to_last_gradient_ratio, ends.map((r) => r.firstToLastGradientRatio));
    const names = ['dense', 'dense_1', 'dense_2'];
    assert.deepEqual(ends[0].layers.map((l) => l.name), names);
    for (const figure of FIGURES) {
      names.forEach((name, i) => assert.deepEqual(h[`${figure}/${name}`], ends.map((r) => r.layers[i][KEYS[figure]]), `${figure}/${name}`));
    }
    // The weights moved between epochs, so the recorded weight norms differ.
    assert.notEqual(h['weight_norm/dense'][0], h['weight_norm/dense'][2]);
    // The last report describes the final weights on the last training batch.
    const last = model.lastTrainBatch;
    assert.equal(last, null, 'fit releases the last batch');
  });

  it('records only the ratio with record: "ratio", reports on a fixed probe batch, and handles functional models', async () => {
    const inp = Input({ shape: [5] });
    const out = new Dense(1).apply(new Dense(6, { activation: 'tanh' }).apply(inp));
    const model = new Model({ inputs: inp, outputs: out });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = randomNormal([20, 5]);
    const y = randomNormal([20, 1]);
    const probe = randomNormal([10, 5]);
    const probeY = randomNormal([10, 1]);
    const lines: string[] = [];
    const health = new GradientHealth({ everyNBatches: 0, record: 'ratio', data: [probe, probeY], print: (l) => lines.push(l) });
    const history = await model.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, callbacks: [health] });
    assert.deepEqual(Object.keys(history.history).sort(), ['first_to_last_gradient_ratio', 'loss']);
    assert.equal(health.reports.length, 2);
    // The epoch-end report is the probe batch's report under the final weights.
    const again = await gradientReport(model, probe, probeY);
    assert.equal(health.lastReport!.firstToLastGradientRatio, again.firstToLastGradientRatio);
    assert.equal(history.history.first_to_last_gradient_ratio[1], again.firstToLastGradientRatio);
    assert.deepEqual(lines, []);
  });
});

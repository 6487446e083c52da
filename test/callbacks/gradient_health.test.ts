// callbacks.GradientHealth: reports during fit, per-epoch figures in History, printed warnings, and plots of them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GradientHealth } from '../../src/callbacks/gradient_health.js';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { RandomNormal } from '../../src/initializers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { plotGradientNorms, plotHistory } from '../../src/plots/index.js';

function model(depth: number, activation: string, init: string | RandomNormal): Sequential {
  const layers = [new Dense(12, { activation, kernelInitializer: init, inputShape: [6] })];
  for (let i = 1; i < depth; i++) layers.push(new Dense(12, { activation, kernelInitializer: init }));
  layers.push(new Dense(3, { activation: 'softmax' }));
  const m = new Sequential(layers);
  m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  return m;
}

describe('callbacks.GradientHealth', () => {
  it('takes reports every N batches and at epoch ends, and records the figures in History', async () => {
    setRandomSeed(11);
    const m = model(3, 'relu', 'he_normal');
    const x = randomNormal([40, 6]);
    const y = tensor(Array.from({ length: 40 }, (_, i) => i % 3), [40], 'int32');
    const health = new GradientHealth({ everyNBatches: 2, verbose: 0 });
    const history = await m.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, callbacks: [health] });
    // 4 batches per epoch: reports after batches 2 and 4, and one at each epoch end.
    assert.deepEqual(health.reports.map((r) => [r.epoch, r.batch]), [[0, 1], [0, 3], [0, -1], [1, 1], [1, 3], [1, -1]]);
    const h = history.history;
    assert.equal(h.loss.length, 2);
    assert.equal(h.first_to_last_gradient_ratio.length, 2);
    const names = m.layers.map((l) => l.name);
    for (const name of names) {
      for (const figure of ['gradient_norm', 'weight_norm', 'activation_mean', 'activation_std', 'dead_fraction', 'saturated_fraction']) {
        assert.equal(h[`${figure}/${name}`]?.length, 2, `${figure}/${name}`);
      }
    }
    const epochEnd = health.reports.filter((r) => r.batch === -1);
    assert.deepEqual(h[`gradient_norm/${names[0]}`], epochEnd.map((r) => r.layers[0].gradientNorm));
    assert.equal(m.lastTrainBatch, null, 'the last batch is released after fit');

    const dir = await mkdtemp(path.join(os.tmpdir(), 'lw-health-'));
    try {
      const grads = await plotGradientNorms(history, path.join(dir, 'g.svg'));
      assert.deepEqual(grads.view.scale('x').domain(), names);
      const curves = await plotHistory(history, path.join(dir, 'h.svg'));
      assert.deepEqual(curves.view.scale('color').domain(), ['loss', 'first_to_last_gradient_ratio']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('prints the warnings of an unhealthy network, using a fixed probe batch when given', async () => {
    setRandomSeed(12);
    const m = model(30, 'sigmoid', new RandomNormal({ mean: 0, stddev: 1 }));
    const x = randomNormal([24, 6]);
    const y = tensor(Array.from({ length: 24 }, (_, i) => i % 3), [24], 'int32');
    const lines: string[] = [];
    const health = new GradientHealth({ everyNBatches: 0, data: [x, y], print: (l) => lines.push(l) });
    await m.fit(x, y, { epochs: 1, batchSize: 12, verbose: 0, callbacks: [health] });
    assert.equal(health.reports.length, 1);
    assert.match(lines.join('\n'), /^GradientHealth \(epoch 1\): vanishing gradients: /m);
    assert.throws(() => new GradientHealth({ everyNBatches: -1 }), /everyNBatches must be a non-negative integer, received -1/);
  });
});

// diagnostics.layerActivations: each weighted layer's (activated) outputs on a batch, ready for plotActivationHistograms.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { layerActivations } from '../../src/diagnostics/index.js';
import type { ActivationSamples } from '../../src/plots/index.js';
import { Sequential } from '../../src/models/index.js';
import { Activation, Dense, Dropout, InputLayer } from '../../src/layers/index.js';
import { randomNormal } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';

describe('diagnostics.layerActivations', () => {
  beforeEach(() => {
    resetNameCounters();
    setRandomSeed(31);
  });

  it('returns each weighted layer output (after a following activation layer), equal to running the layers in turn', () => {
    const d1 = new Dense(7, { activation: 'relu' });
    const d2 = new Dense(5);
    const act = new Activation('tanh');
    const drop = new Dropout(0.5);
    const d3 = new Dense(2, { activation: 'sigmoid' });
    const model = new Sequential([new InputLayer({ inputShape: [4] }), d1, drop, d2, act, d3]);
    const x = randomNormal([9, 4]);
    const acts = layerActivations(model, x);
    const samples: ActivationSamples = acts;
    assert.equal(samples.length, 3);
    assert.deepEqual(acts.map((a) => [a.name, a.activation]), [['dense', 'relu'], ['dense_1', 'tanh'], ['dense_2', 'sigmoid']]);
    const h1 = d1.apply(x);
    const h2 = act.apply(d2.apply(h1));
    const h3 = d3.apply(h2);
    assert.deepEqual(Array.from(acts[0].values.dataSync()), Array.from(h1.dataSync()));
    assert.deepEqual(Array.from(acts[1].values.dataSync()), Array.from(h2.dataSync()));
    assert.deepEqual(Array.from(acts[2].values.dataSync()), Array.from(h3.dataSync()));
    assert.throws(() => layerActivations(model, [x, x]), /expected 1 input\(s\), received 2/);
  });
});

// diagnostics loss choice: explicit, compiled, or inferred from the output activation (softmax/sigmoid/linear).
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { gradientReport } from '../../src/diagnostics/index.js';
import { Sequential } from '../../src/models/index.js';
import { Dense, InputLayer, Softmax } from '../../src/layers/index.js';
import { get as getLoss } from '../../src/losses/index.js';
import { oneHot } from '../../src/ops/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';

function net(units: number, activation: string): Sequential {
  return new Sequential([new InputLayer({ inputShape: [6] }), new Dense(8, { activation: 'tanh' }), new Dense(units, { activation })]);
}

/** The loss value an independent evaluation of `name` gives on the model's inference-mode predictions. */
function lossOf(name: string, model: Sequential, x: Tensor, y: Tensor): number {
  return getLoss(name).apply(y, model.callList([x], { training: false })[0]).item();
}

describe('diagnostics loss choice', () => {
  beforeEach(() => {
    resetNameCounters();
    setRandomSeed(21);
  });

  const x = (): Tensor => randomNormal([12, 6]);
  const ids = tensor(Array.from({ length: 12 }, (_, i) => i % 4), [12], 'int32');

  it('infers sparse categorical crossentropy for softmax with integer labels, categorical for one-hot rows', async () => {
    const model = net(4, 'softmax');
    const xs = x();
    const sparse = await gradientReport(model, xs, ids);
    assert.deepEqual(sparse.lossNames, ['sparse_categorical_crossentropy']);
    assert.ok(Math.abs(sparse.loss - lossOf('sparse_categorical_crossentropy', model, xs, ids)) < 1e-6);
    const floatIds = tensor(Array.from({ length: 12 }, (_, i) => [i % 4]));
    assert.deepEqual((await gradientReport(model, xs, floatIds)).lossNames, ['sparse_categorical_crossentropy']);
    const hot = oneHot(ids, 4);
    const cat = await gradientReport(model, xs, hot);
    assert.deepEqual(cat.lossNames, ['categorical_crossentropy']);
    assert.ok(Math.abs(cat.loss - lossOf('categorical_crossentropy', model, xs, hot)) < 1e-6);
    // A Softmax layer after a linear Dense counts as a softmax output too.
    resetNameCounters();
    const layered = new Sequential([new InputLayer({ inputShape: [6] }), new Dense(4), new Softmax()]);
    assert.deepEqual((await gradientReport(layered, xs, ids)).lossNames, ['sparse_categorical_crossentropy']);
  });

  it('infers binary crossentropy for sigmoid and MSE otherwise; an explicit loss wins', async () => {
    const xs = x();
    const y = tensor(Array.from({ length: 12 }, (_, i) => [i % 2]));
    const sig = net(1, 'sigmoid');
    const b = await gradientReport(sig, xs, y);
    assert.deepEqual(b.lossNames, ['binary_crossentropy']);
    assert.ok(Math.abs(b.loss - lossOf('binary_crossentropy', sig, xs, y)) < 1e-6);
    const lin = net(1, 'linear');
    const m = await gradientReport(lin, xs, y);
    assert.deepEqual(m.lossNames, ['mean_squared_error']);
    assert.ok(Math.abs(m.loss - lossOf('mean_squared_error', lin, xs, y)) < 1e-6);
    const mae = await gradientReport(lin, xs, y, { loss: 'mae' });
    assert.deepEqual(mae.lossNames, ['mae']);
    assert.ok(Math.abs(mae.loss - lossOf('mean_absolute_error', lin, xs, y)) < 1e-6);
  });

  it('uses the compiled loss when the model is compiled', async () => {
    const model = net(1, 'linear');
    model.compile({ optimizer: 'sgd', loss: 'mean_absolute_error' });
    const xs = x();
    const y = randomNormal([12, 1]);
    const report = await gradientReport(model, xs, y);
    assert.deepEqual(report.lossNames, ['compiled']);
    assert.ok(Math.abs(report.loss - lossOf('mean_absolute_error', model, xs, y)) < 1e-6);
  });
});

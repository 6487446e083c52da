// compile / fit / evaluate / predict: convergence, logs, validation, freezing, bad input, abort.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Model, Sequential } from '../../src/models/index.js';
import { Dense, BatchNormalization, Flatten, Input } from '../../src/layers/index.js';
import { SGD } from '../../src/optimizers/index.js';
import { tensor, randomNormal, randomUniform, zeros, ones } from '../../src/tensor/creation.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { cast, floor, mul, sliceAxis } from '../../src/ops/index.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { LambdaCallback } from '../../src/callbacks/index.js';

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

/** y = 2 x0 - 3 x1 + 1 */
function linearData(n: number): [Tensor, Tensor] {
  const x = randomUniform([n, 2], { minval: -1, maxval: 1 });
  const xs = x.array() as number[][];
  return [x, tensor(xs.map(([a, b]) => [2 * a - 3 * b + 1]))];
}

/** Two classes split by the sign of x0 + x1. */
function blobs(n: number): [Tensor, Tensor] {
  const x = randomNormal([n, 2]);
  const labels = (x.array() as number[][]).map(([a, b]) => (a + b > 0 ? 1 : 0));
  return [x, tensor(labels, [n], 'int32')];
}

describe('training', () => {
  beforeEach(() => setRandomSeed(1));

  it('fits a linear problem to near-zero loss', async () => {
    const [x, y] = linearData(64);
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: new SGD({ learningRate: 0.2 }), loss: 'mse' });
    const history = await model.fit(x, y, { epochs: 60, batchSize: 16, verbose: 0 });
    assert.equal(history.history.loss.length, 60);
    assert.ok(history.history.loss[59] < 1e-4, `final loss ${history.history.loss[59]}`);
    assert.ok(history.history.loss[0] > history.history.loss[59]);
    const [loss] = await model.evaluate(x, y, { verbose: 0 });
    assert.ok(loss < 1e-4);
    const pred = await model.predict(x, { batchSize: 5, verbose: 0 });
    assert.deepEqual(pred.shape, [64, 1]);
  });

  it('logs metrics and val_* metrics from validationData', async () => {
    const [x, y] = blobs(96);
    const [xv, yv] = blobs(32);
    const model = new Sequential([new Dense(8, { inputShape: [2], activation: 'relu' }), new Dense(2, { activation: 'softmax' })]);
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    assert.deepEqual(model.metricsNames, ['loss', 'accuracy']);
    const h = await model.fit(x, y, { epochs: 3, batchSize: 32, validationData: [xv, yv], verbose: 0 });
    assert.deepEqual(Object.keys(h.history), ['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    for (const k of Object.keys(h.history)) assert.equal(h.history[k].length, 3);
    const [vl, va] = await model.evaluate(xv, yv, { verbose: 0 });
    assert.ok(Math.abs(vl - h.history.val_loss[2]) < 1e-6);
    assert.ok(Math.abs(va - h.history.val_accuracy[2]) < 1e-6);
    assert.deepEqual(h.epoch, [0, 1, 2]);
    assert.equal(model.history, h);
  });

  it('validationSplit holds out the LAST fraction, before shuffling', async () => {
    const [x, y] = linearData(20);
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    let samples = 0;
    const probe = new LambdaCallback({ onTrainBegin: () => { samples = probe.params.samples as number; } });
    const h = await model.fit(x, y, { epochs: 2, batchSize: 4, validationSplit: 0.25, verbose: 0, callbacks: [probe] });
    assert.equal(samples, 15);
    const [tailLoss] = await model.evaluate(sliceAxis(x, 0, 15, 20), sliceAxis(y, 0, 15, 20), { verbose: 0 });
    assert.ok(Math.abs(tailLoss - h.history.val_loss[1]) < 1e-6);
  });

  it('reports the epoch loss as the batch-size-weighted running mean (Keras)', async () => {
    const [x, y] = linearData(10);
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: new SGD({ learningRate: 0 }), loss: 'mse' });
    const batchLosses: number[] = [];
    const cb = new LambdaCallback({ onBatchEnd: (_b, logs) => { batchLosses.push(logs.loss); } });
    const h = await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0, callbacks: [cb] });
    const [full] = await model.evaluate(x, y, { batchSize: 10, verbose: 0 });
    assert.equal(batchLosses.length, 3);
    assert.ok(Math.abs(h.history.loss[0] - full) < 1e-5 * Math.max(1, full));
    assert.equal(batchLosses[2], h.history.loss[0]);
  });

  it('casts uint8 inputs to float32 and keeps integer labels', async () => {
    const x = cast(floor(mul(randomUniform([16, 2, 2]), 255)), 'uint8');
    const y = tensor(Array.from({ length: 16 }, (_, i) => i % 3), [16], 'uint8');
    const model = new Sequential([new Flatten({ inputShape: [2, 2] }), new Dense(3, { activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const h = await model.fit(x, y, { epochs: 1, verbose: 0 });
    assert.ok(Number.isFinite(h.history.loss[0]));
    assert.equal((await model.predict(x, { verbose: 0 })).dtype, 'float32');
    // plain nested arrays are accepted as data too
    assert.deepEqual((await model.predict([[[1, 2], [3, 4]]], { verbose: 0 })).shape, [1, 3]);
  });

  it('freezing + compile leaves frozen weights and BatchNormalization statistics bit-identical', async () => {
    const [x, y] = blobs(40);
    const a = new Sequential([new Dense(6, { inputShape: [2], activation: 'relu' }), new BatchNormalization(), new Dense(3, { activation: 'relu' }), new Dense(2, { activation: 'softmax' })]);
    a.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    await a.fit(x, y, { epochs: 1, verbose: 0 });
    const b = new Sequential(a.layers.slice(0, -1));
    b.add(new Dense(1, { activation: 'sigmoid' }));
    assert.ok(a.layers.slice(0, -1).every((l, i) => b.layers[i] === l));
    for (const layer of b.layers.slice(0, -1)) layer.trainable = false;
    b.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const frozen = b.layers.slice(0, -1).flatMap((l) => l.getWeights().map(values));
    const head = values(b.layers[3].getWeights()[0]);
    const yb = cast(y, 'float32').reshape([40, 1]);
    await b.fit(x, yb, { epochs: 2, batchSize: 8, verbose: 0 });
    assert.deepEqual(b.layers.slice(0, -1).flatMap((l) => l.getWeights().map(values)), frozen);
    assert.notDeepEqual(values(b.layers[3].getWeights()[0]), head);
    // unfreeze + recompile: now they train
    for (const layer of b.layers.slice(0, -1)) layer.trainable = true;
    b.compile({ optimizer: new SGD({ learningRate: 1e-2 }), loss: 'binary_crossentropy', metrics: ['accuracy'] });
    await b.fit(x, yb, { epochs: 1, batchSize: 8, verbose: 0 });
    assert.notDeepEqual(b.layers.slice(0, -1).flatMap((l) => l.getWeights().map(values)), frozen);
  });

  it('keeps the compiled trainable set when trainable changes without recompiling, and warns once', async () => {
    const [x, y] = linearData(8);
    const model = new Sequential([new Dense(3, { inputShape: [2] }), new Dense(1)]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    model.layers[0].trainable = false;
    const before = values(model.layers[0].getWeights()[0]);
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    } finally {
      console.warn = original;
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /trainable.*compile/);
    assert.notDeepEqual(values(model.layers[0].getWeights()[0]), before);
  });

  it('trainOnBatch / testOnBatch / predictOnBatch and sample weights', () => {
    const [x, y] = linearData(6);
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mae'] });
    const w0 = values(model.getWeights()[0]);
    const [zeroLoss] = model.trainOnBatch(x, y, { sampleWeight: zeros([6]) });
    assert.equal(zeroLoss, 0);
    assert.deepEqual(values(model.getWeights()[0]), w0);
    const [l1, mae] = model.testOnBatch(x, y);
    assert.ok(l1 > 0 && mae > 0);
    model.trainOnBatch(x, y);
    assert.ok(model.testOnBatch(x, y)[0] < l1);
    assert.deepEqual(model.predictOnBatch(x).shape, [6, 1]);
    const [weighted] = model.testOnBatch(x, y, { sampleWeight: mul(ones([6]), 2) });
    assert.ok(Math.abs(weighted - 2 * model.testOnBatch(x, y)[0]) < 1e-5);
  });

  it('trains a model with two outputs and per-output losses', async () => {
    const inp = Input({ shape: [2] });
    const h = new Dense(4, { activation: 'relu' }).apply(inp);
    const model = new Model({ inputs: inp, outputs: [new Dense(1, { name: 'reg' }).apply(h), new Dense(2, { activation: 'softmax', name: 'cls' }).apply(h)] });
    model.compile({ optimizer: 'adam', loss: { reg: 'mse', cls: 'sparse_categorical_crossentropy' }, lossWeights: [0.5, 1], metrics: { cls: ['accuracy'] } });
    const [x, yr] = linearData(12);
    const yc = tensor(Array.from({ length: 12 }, (_, i) => i % 2), [12], 'int32');
    const hist = await model.fit(x, [yr, yc], { epochs: 2, batchSize: 6, verbose: 0 });
    assert.deepEqual(Object.keys(hist.history), ['loss', 'reg_loss', 'cls_loss', 'cls_accuracy']);
    const total = hist.history.loss[1];
    assert.ok(Math.abs(total - (0.5 * hist.history.reg_loss[1] + hist.history.cls_loss[1])) < 1e-4);
    const out = await model.predict(x, { verbose: 0 }) as unknown as Tensor[];
    assert.deepEqual(out.map((t) => t.shape), [[12, 1], [12, 2]]);
  });

  it('gives clear errors for bad input', async () => {
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    await assert.rejects(model.fit(ones([4, 2]), ones([4, 1])), /must call compile\(\) before fit\(\)/);
    assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'no_such_loss' }), /unknown loss 'no_such_loss'/);
    assert.throws(() => model.compile({ optimizer: 'nope', loss: 'mse' }), /unknown optimizer 'nope'/);
    assert.throws(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['bogus'] }), /unknown metric 'bogus'/);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await assert.rejects(model.fit(ones([4, 2]), ones([3, 1]), { verbose: 0 }), /x has 4 samples but y has 3/);
    await assert.rejects(model.fit(ones([4, 3]), ones([4, 1]), { verbose: 0 }), /layer "dense.*"[\s\S]*\(None, 2\)[\s\S]*received \[4, 3\]/);
    await assert.rejects(model.fit(ones([4, 2]), ones([4, 1]), { batchSize: 0, verbose: 0 }), /batchSize must be a positive integer/);
    await assert.rejects(model.fit(ones([4, 2]), ones([4, 1]), { validationSplit: 1.5, verbose: 0 }), /validationSplit must be in \(0, 1\)/);
  });

  it('stops cleanly between batches when the AbortSignal fires', async () => {
    const [x, y] = linearData(40);
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const controller = new AbortController();
    let batches = 0;
    let ended = false;
    const cb = new LambdaCallback({
      onBatchEnd: (b) => { batches++; if (b === 2) controller.abort(); },
      onTrainEnd: () => { ended = true; },
    });
    const h = await model.fit(x, y, { epochs: 5, batchSize: 4, verbose: 0, callbacks: [cb], signal: controller.signal });
    assert.equal(batches, 3);
    assert.ok(ended);
    assert.deepEqual(h.history, {});
    // a timer-based abort also gets through, since fit yields to the event loop between batches
    const c2 = new AbortController();
    setTimeout(() => c2.abort(), 5);
    const h2 = await model.fit(x, y, { epochs: 100000, batchSize: 4, verbose: 0, signal: c2.signal });
    assert.ok((h2.history.loss?.length ?? 0) < 100000);
  });
});

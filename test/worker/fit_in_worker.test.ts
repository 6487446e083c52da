// fitInWorker / serveFitWorker over a MessageChannel in one Node process (the Chromium test runs them across a real
// Web Worker): progress per epoch and batch, the trained weights set on the model and equal to a local run from the
// same bytes and seed, abort, and clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Sequential, layers, randomNormal, randomUniform, setRandomSeed, type Tensor } from '../../src/index.js';
import { fitInWorker, type FitWorkerPort } from '../../src/worker/fit_in_worker.js';
import { serveFitWorker, type FitWorkerScope } from '../../src/worker/fit_worker.js';
import { modelFromBytes, modelToBytes } from '../../src/saving/browser.js';

function model(): Sequential {
  const m = new Sequential([new layers.Dense(8, { activation: 'relu', inputShape: [6] }), new layers.Dense(3, { activation: 'softmax' })]);
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

function data(): [Tensor, Tensor] {
  setRandomSeed(1);
  return [randomNormal([100, 6]), randomUniform([100], { minval: 0, maxval: 3 }).floor().cast('int32')];
}

function channel(): { main: FitWorkerPort; ports: MessagePort[] } {
  const { port1, port2 } = new MessageChannel();
  serveFitWorker(port2 as unknown as FitWorkerScope);
  port1.start();
  port2.start();
  return { main: port1 as unknown as FitWorkerPort, ports: [port1, port2] };
}

test('fitInWorker: epoch and batch progress, trained weights set, equal to a local run from the same bytes and seed', async () => {
  const [x, y] = data();
  setRandomSeed(2);
  const m = model();
  const initial = await modelToBytes(m);
  const { main, ports } = channel();
  try {
    const epochs: number[] = [];
    const batches: [number, number][] = [];
    const r = await fitInWorker(main, m, x, y, {
      epochs: 3, batchSize: 16, seed: 9, onEpochEnd: (e, logs) => {
        assert.ok(Number.isFinite(logs.loss) && Number.isFinite(logs.accuracy), JSON.stringify(logs));
        epochs.push(e);
      },
      onBatchEnd: (e, b) => batches.push([e, b]),
    });
    assert.deepEqual(epochs, [0, 1, 2]);
    assert.deepEqual(r.epoch, [0, 1, 2]);
    assert.equal(batches.length, 3 * 7);
    assert.deepEqual(batches.slice(0, 8).map(([e, b]) => `${e}:${b}`), ['0:0', '0:1', '0:2', '0:3', '0:4', '0:5', '0:6', '1:0']);
    setRandomSeed(9);
    const local = await modelFromBytes(initial, 'initial.keras');
    const h = await local.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    assert.deepEqual(r.history.loss, h.history.loss);
    m.getWeights().forEach((w, i) => assert.deepEqual(Array.from(w.dataSync()), Array.from(local.getWeights()[i].dataSync()), `weight ${i}`));
    const before = (await modelFromBytes(initial, 'initial.keras')).getWeights()[0].dataSync();
    assert.notDeepEqual(Array.from(m.getWeights()[0].dataSync()), Array.from(before), 'the trained weights were set on the model');
  } finally {
    ports.forEach((p) => p.close());
  }
});

test('fitInWorker: abort stops early; an uncompiled model and a shape error reject clearly', async () => {
  const [x, y] = data();
  const { main, ports } = channel();
  try {
    const controller = new AbortController();
    const r = await fitInWorker(main, model(), x, y, { epochs: 100, batchSize: 50, signal: controller.signal, onEpochEnd: () => controller.abort() });
    assert.ok(r.epoch.length >= 1 && r.epoch.length < 100, `${r.epoch.length} epochs ran`);
    const raw = new Sequential([new layers.Dense(3, { inputShape: [6] })]);
    await assert.rejects(fitInWorker(main, raw, x, y), /fitInWorker: model "sequential\w*" is not compiled/);
    await assert.rejects(fitInWorker(main, model(), x.sliceAxis(1, 0, 4), y, { epochs: 1 }), /fitInWorker: Sequential .*layer "dense_\d+" expects shape \(None, 6\), received \[100, 4\]/);
  } finally {
    ports.forEach((p) => p.close());
  }
});

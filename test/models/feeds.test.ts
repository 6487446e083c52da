// In-memory batches: an unshuffled pass hands out views of the data (no copy per step), and fit, evaluate and predict
// over such views leave the data as it was, with the native backend recycling and NaN-poisoning its buffers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TensorFeed } from '../../src/models/feeds.js';
import { tensor } from '../../src/tensor/creation.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { usePoisonedBackend } from '../helpers/poisoned_native.js';
import { Sequential } from '../../src/models/index.js';
import { BatchNormalization, Dense, Flatten, Reshape } from '../../src/layers/index.js';
import { SGD } from '../../src/optimizers/sgd.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { Callback } from '../../src/callbacks/callback.js';
import type { Model } from '../../src/models/functional.js';

describe('TensorFeed without shuffling', () => {
  it('hands out each batch as a view of the data rows, the last one short', () => {
    const n = 10, f = 3;
    const x = tensor(Array.from({ length: n * f }, (_, i) => i), [n, f]);
    const y = tensor(Array.from({ length: n }, (_, i) => i % 2), [n], 'int32');
    const feed = new TensorFeed({ xs: [x], ys: [y], sw: null, n }, 4, false);
    feed.begin(0, 0);
    const sizes: number[] = [];
    for (let step = 0; ; step++) {
      const b = feed.next(step) as ReturnType<TensorFeed['next']> & { xs: Tensor[]; ys: Tensor[] } | null;
      if (!b) break;
      const rows = b.xs[0].shape[0];
      sizes.push(rows);
      assert.equal(b.xs[0].data.buffer, x.data.buffer, `batch ${step}: x is not a view of the data`);
      assert.equal(b.ys[0].data.buffer, y.data.buffer, `batch ${step}: y is not a view of the data`);
      assert.deepEqual(b.xs[0].shape, [rows, f]);
      assert.deepEqual(Array.from(b.xs[0].data), Array.from(x.data.subarray(step * 4 * f, (step * 4 + rows) * f)));
      assert.deepEqual(Array.from(b.ys[0].data), Array.from(y.data.subarray(step * 4, step * 4 + rows)));
    }
    assert.deepEqual(sizes, [4, 4, 2]);
  });
});

const { backend: nb, error } = loadNativeBackend();

describe('fit, evaluate and predict over views of the data', { skip: nb ? false : `native backend not available: ${error}` }, () => {
  usePoisonedBackend();

  it('leave the data unchanged while the backend recycles and poisons buffers, and train on views', async () => {
    setRandomSeed(11);
    const n = 45, f = 96;
    // Data in the backend's own storage (an op's output, large enough to come from its pool): the kind of buffer recycle takes.
    const x = tensor(Array.from({ length: n * f }, (_, i) => Math.sin(i * 0.37)), [n, f]).mul(1);
    const before = Array.from(x.data);
    const model: Model = new Sequential([
      new Reshape({ targetShape: [8, 12], inputShape: [f] }), new Flatten(),
      new Dense(32, { activation: 'relu' }), new BatchNormalization(), new Dense(f),
    ]);
    model.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
    let views = 0, batches = 0;
    class Probe extends Callback {
      override onBatchEnd(): void {
        batches++;
        if (model.lastTrainBatch?.xs[0].data.buffer === x.data.buffer) views++;
      }
    }
    const h = await model.fit(x, x, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0, validationData: [x, x], callbacks: [new Probe()] });
    assert.ok(batches > 0 && views === batches, `${views} of ${batches} training batches were views of the data`);
    assert.ok((h.history.loss as number[]).every(Number.isFinite), `losses ${h.history.loss}`);
    await model.evaluate(x, x, { batchSize: 16, verbose: 0 });
    const p = await model.predict(x, { batchSize: 16, verbose: 0 });
    assert.ok(Array.from(p.data).every(Number.isFinite), 'predictions hold NaN (a recycled buffer still in use)');
    assert.deepEqual(Array.from(x.data), before, 'the data changed');
  });
});

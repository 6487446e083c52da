// Inference loops reuse intermediate buffers once consumed: outputs must equal a run without reuse, with reused
// buffers NaN-poisoned, for branches, views (Reshape/Flatten), pass-through layers and layers that keep outputs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeBackend } from '../../src/backend/native.js';
import { usePoisonedBackend } from '../helpers/poisoned_native.js';

import { Model, Sequential } from '../../src/models/index.js';
import { BatchNormalization, Dense, Dropout, Flatten, Input, Layer, Reshape } from '../../src/layers/index.js';
import type { LayerInput } from '../../src/layers/index.js';
import { noGrad } from '../../src/autograd/tape.js';
import { randomNormal } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';

const { backend: nb, error } = loadNativeBackend();
const skip = nb ? false : `native backend not available: ${error}`;

/** Keeps a reference to what it returns (so its outputs are not the graph's to recycle). */
class KeepLast extends Layer {
  static override readonly className = 'KeepLast';
  last: Tensor | null = null;
  call(inputs: LayerInput): Tensor {
    this.last = (inputs as Tensor).mul(1.5);
    return this.last;
  }
}

const values = (ts: Tensor | Tensor[]): number[][] => (Array.isArray(ts) ? ts : [ts]).map((t) => Array.from(t.dataSync()));

describe('inference buffer reuse', { skip }, () => {
  usePoisonedBackend();

  it('a branching functional model with views and a layer that keeps its output predicts as without reuse', () => {
    setRandomSeed(11);
    const x = Input({ shape: [64] });
    const h = new Dense(100, { activation: 'relu' }).apply(x);
    const a = new Dense(50).apply(h);
    const keep = new KeepLast({});
    const k = keep.apply(new Dense(100, { activation: 'elu' }).apply(h));
    const f = new Flatten({}).apply(new Reshape({ targetShape: [10, 10] }).apply(new Dropout({ rate: 0.5 }).apply(k)));
    const b = new Dense(60, { activation: 'tanh' }).apply(new BatchNormalization({}).apply(f));
    const model = new Model({ inputs: x, outputs: [h, a, b] });
    for (const batch of [40, 40, 33]) {
      const xs = randomNormal([batch, 64]);
      const plain = values(noGrad(() => model.callList([xs], { training: false })));
      const lastBefore = Array.from(keep.last!.dataSync());
      const reused = values(model.predictOnBatch(xs));
      assert.deepEqual(reused, plain, `batch ${batch}`);
      assert.ok(reused.flat().every(Number.isFinite));
      // The layer that kept its output still sees it intact after further runs.
      model.predictOnBatch(randomNormal([batch, 64]));
      assert.deepEqual(Array.from(keep.last!.dataSync()).length, lastBefore.length);
    }
    model.predictOnBatch(randomNormal([40, 64]));
    const held = keep.last!;
    const copy = Array.from(held.dataSync());
    model.predictOnBatch(randomNormal([40, 64]));
    model.predictOnBatch(randomNormal([40, 64]));
    assert.deepEqual(Array.from(held.dataSync()), copy);
  });

  it('evaluate and predict of a Sequential model match runs without reuse', async () => {
    setRandomSeed(12);
    const model = new Sequential([
      new Flatten({ inputShape: [8, 8] }), new BatchNormalization({}), new Dense(120, { activation: 'selu' }),
      new Dropout({ rate: 0.2 }), new Dense(120, { activation: 'selu' }), new Dense(30, { activation: 'softmax' }),
    ]);
    model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    const xs = randomNormal([64, 8, 8]);
    const ys = randomNormal([64]).abs().mul(10).floor().cast('int32');
    const plain = values(noGrad(() => model.callList([xs], { training: false })));
    assert.deepEqual(values(await model.predict(xs, { batchSize: 16, verbose: 0 })), plain);
    const scores = (await model.evaluate(xs, ys, { batchSize: 64, verbose: 0 })) as number[];
    assert.ok(scores.every(Number.isFinite), `scores ${scores.join(', ')}`);
    const again = (await model.evaluate(xs, ys, { batchSize: 64, verbose: 0 })) as number[];
    assert.deepEqual(again, scores);
  });
});

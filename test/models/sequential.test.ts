// Sequential: building, layers sharing, summary (the chapter's BatchNormalization model), weights order, errors.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential } from '../../src/models/index.js';
import { Dense, Flatten, BatchNormalization, InputLayer, Input } from '../../src/layers/index.js';
import { tensor, ones } from '../../src/tensor/creation.js';
import { resetNameCounters } from '../../src/utils/naming.js';
import '../../src/ops/index.js';

function bnModel(): Sequential {
  return new Sequential([
    new Flatten({ inputShape: [28, 28] }),
    new BatchNormalization(),
    new Dense(300, { activation: 'elu', kernelInitializer: 'he_normal' }),
    new BatchNormalization(),
    new Dense(100, { activation: 'elu', kernelInitializer: 'he_normal' }),
    new BatchNormalization(),
    new Dense(10, { activation: 'softmax' }),
  ]);
}

describe('Sequential', () => {
  beforeEach(() => resetNameCounters());

  it('prints the chapter BatchNormalization summary with Keras totals and shapes', () => {
    const model = bnModel();
    const lines: string[] = [];
    const text = model.summary((l) => lines.push(l));
    assert.equal(text, lines.join('\n'));
    assert.match(text, /^Model: "sequential"/);
    assert.match(text, /Layer \(type\)\s+Output Shape\s+Param #/);
    assert.match(text, /flatten \(Flatten\)\s+\(None, 784\)\s+0\s/);
    assert.match(text, /batch_normalization \(BatchNormalization\)\s+\(None, 784\)\s+3,136\s/);
    assert.match(text, /dense \(Dense\)\s+\(None, 300\)\s+235,500\s/);
    assert.match(text, /batch_normalization_1 \(BatchNormalization\)\s+\(None, 300\)\s+1,200\s/);
    assert.match(text, /dense_1 \(Dense\)\s+\(None, 100\)\s+30,100\s/);
    assert.match(text, /dense_2 \(Dense\)\s+\(None, 10\)\s+1,010\s/);
    assert.match(text, /Total params: 271,346 \(/);
    assert.match(text, /Trainable params: 268,978 \(/);
    assert.match(text, /Non-trainable params: 2,368 \(/);
    assert.equal(model.countParams(), 271346);
    // the InputLayer is not listed (Keras Sequential)
    assert.equal(model.layers.length, 7);
    assert.ok(!model.layers.some((l) => l instanceof InputLayer));
  });

  it('names layers like Keras, unique per session', () => {
    const a = new Sequential([new Dense(2, { inputShape: [3] }), new Dense(1)]);
    const b = new Sequential([new Dense(2, { inputShape: [3] })]);
    assert.deepEqual(a.layers.map((l) => l.name), ['dense', 'dense_1']);
    assert.equal(a.name, 'sequential');
    assert.equal(b.name, 'sequential_1');
    assert.equal(b.layers[0].name, 'dense_2');
  });

  it('orders weights per layer: trainable then non-trainable (Keras)', () => {
    const model = new Sequential([new Dense(4, { inputShape: [3] }), new BatchNormalization(), new Dense(2)]);
    const names = model.weights.map((v) => v.name);
    assert.deepEqual(names, [
      'dense/kernel', 'dense/bias',
      'batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance',
      'dense_1/kernel', 'dense_1/bias',
    ]);
    const ws = model.getWeights();
    assert.deepEqual(ws.map((w) => w.shape), [[3, 4], [4], [4], [4], [4], [4], [4, 2], [2]]);
    model.setWeights(ws.map((w) => ones(w.shape)));
    assert.ok(model.getWeights().every((w) => Array.from(w.dataSync()).every((v) => v === 1)));
    assert.throws(() => model.setWeights(ws.slice(1)), /expected 8 arrays, received 7/);
  });

  it('add, pop and deferred build from the first data', () => {
    const model = new Sequential();
    model.add(new Dense(5));
    model.add(new Dense(2));
    assert.equal(model.built, false);
    assert.equal(model.weights.length, 0);
    const y = model.predictOnBatch(tensor([[1, 2, 3]]));
    assert.deepEqual(y.shape, [1, 2]);
    assert.equal(model.countParams(), 3 * 5 + 5 + 5 * 2 + 2);
    const popped = model.pop();
    assert.equal(popped.name, 'dense_1');
    assert.deepEqual(model.predictOnBatch(tensor([[1, 2, 3]])).shape, [1, 5]);
    const withInput = new Sequential();
    withInput.add(Input({ shape: [3] }));
    withInput.add(new Dense(4));
    assert.ok(withInput.built);
    assert.match(withInput.summary(() => {}), /dense_2 \(Dense\)\s+\(None, 4\)\s+16/);
  });

  it('shares layer instances with another Sequential (transfer learning), as Keras does', () => {
    const a = new Sequential([new Flatten({ inputShape: [2, 2] }), new Dense(3), new Dense(2)]);
    const b = new Sequential(a.layers.slice(0, -1));
    b.add(new Dense(1, { activation: 'sigmoid' }));
    assert.equal(b.layers[0], a.layers[0]);
    assert.equal(b.layers[1], a.layers[1]);
    assert.equal(b.weights[0], a.weights[0]);
    const x = tensor([[[1, 2], [3, 4]]]);
    const before = a.predictOnBatch(x).dataSync();
    b.layers[1].setWeights(b.layers[1].getWeights().map((w) => ones(w.shape)));
    const after = a.predictOnBatch(x).dataSync();
    assert.notDeepEqual(Array.from(after), Array.from(before));
  });

  it('rejects a wrong input shape naming the layer, expected and received', () => {
    const model = new Sequential([new Flatten({ inputShape: [28, 28] }), new Dense(3)]);
    assert.throws(() => model.predictOnBatch(ones([2, 784])), (e: Error) => {
      assert.match(e.message, /Sequential "sequential"/);
      assert.match(e.message, /layer "flatten"/);
      assert.match(e.message, /\(None, 28, 28\)/);
      assert.match(e.message, /received \[2, 784\]/);
      return true;
    });
    assert.throws(() => model.add(model.layers[0]), /already in the model/);
  });

  it('freezes every layer with model.trainable = false', () => {
    const model = new Sequential([new Dense(3, { inputShape: [2] }), new BatchNormalization()]);
    assert.equal(model.trainableWeights.length, 4);
    model.trainable = false;
    assert.equal(model.trainableWeights.length, 0);
    assert.equal(model.nonTrainableWeights.length, 6);
    assert.ok(model.layers.every((l) => !l.trainable));
    assert.match(model.summary(() => {}), /Trainable params: 0 /);
  });
});

// Custom training loops, subclassed models, regularization and constraints in fit, class weights, unbuilt summaries.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Model, Sequential } from '../../src/models/index.js';
import { Dense, Layer } from '../../src/layers/index.js';
import type { CallOptions, LayerInput } from '../../src/layers/index.js';
import { SGD } from '../../src/optimizers/index.js';
import { randomNormal, tensor, ones } from '../../src/tensor/creation.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { GradientTape } from '../../src/autograd/gradients.js';
import * as losses from '../../src/losses/index.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { resetNameCounters } from '../../src/utils/naming.js';

class TwoLayer extends Model {
  hidden = new Dense(8, { activation: 'tanh' });
  out = new Dense(1);
  override call(inputs: LayerInput, options: CallOptions = {}): Tensor {
    return this.out.apply(this.hidden.apply(inputs as Tensor, options), options);
  }
}

describe('models: extras', () => {
  beforeEach(() => {
    setRandomSeed(11);
    resetNameCounters();
  });

  it('supports a custom training loop with GradientTape and optimizer.applyGradients', () => {
    const model = new Sequential([new Dense(1, { inputShape: [2] })]);
    const x = randomNormal([32, 2]);
    const y = x.matmul(tensor([[1.5], [-2]])).add(0.5);
    const opt = new SGD({ learningRate: 0.1 });
    const mse = losses.get('mse');
    let first = 0;
    let last = 0;
    for (let step = 0; step < 100; step++) {
      const tape = new GradientTape();
      const loss = tape.run(() => mse.apply(y, model.apply(x, { training: true }) as Tensor));
      const grads = tape.gradient(loss, model.trainableWeights);
      opt.applyGradients(grads.map((g, i) => [g, model.trainableWeights[i]] as [Tensor, typeof model.trainableWeights[0]]));
      if (step === 0) first = loss.item();
      last = loss.item();
    }
    assert.ok(last < first * 1e-3, `loss ${first} -> ${last}`);
  });

  it('trains a subclassed model (call overridden, layers held in properties)', async () => {
    const model = new TwoLayer();
    const x = randomNormal([32, 3]);
    const y = x.sum(1, true);
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const h = await model.fit(x, y, { epochs: 5, batchSize: 8, verbose: 0 });
    assert.equal(model.layers.length, 2);
    assert.equal(model.weights.length, 4);
    assert.equal(model.countParams(), 3 * 8 + 8 + 8 + 1);
    assert.ok(h.history.loss[4] < h.history.loss[0]);
    assert.deepEqual((await model.predict(x, { verbose: 0 })).shape, [32, 1]);
  });

  it('adds regularization penalties to the loss and applies constraints after each update', () => {
    const model = new Sequential([new Dense(2, { inputShape: [3], kernelRegularizer: 'l2', kernelConstraint: 'non_neg', biasInitializer: 'ones' })]);
    model.compile({ optimizer: new SGD({ learningRate: 0.5 }), loss: 'mse' });
    const x = randomNormal([4, 3]);
    const y = randomNormal([4, 2]);
    const kernel = model.layers[0].getWeights()[0];
    const pred = model.predictOnBatch(x);
    const mse = pred.sub(y).square().mean().item();
    const penalty = 0.01 * kernel.square().sum().item();
    const [loss] = model.testOnBatch(x, y);
    assert.ok(Math.abs(loss - (mse + penalty)) < 1e-5, `${loss} vs ${mse} + ${penalty}`);
    for (let i = 0; i < 5; i++) model.trainOnBatch(x, y);
    assert.ok(Array.from(model.layers[0].getWeights()[0].dataSync()).every((v) => v >= 0));
  });

  it('weights samples by classWeight', () => {
    const model = new Sequential([new Dense(2, { inputShape: [2], activation: 'softmax' })]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const x = randomNormal([6, 2]);
    const y = tensor([0, 1, 0, 1, 1, 1], [6], 'int32');
    const [weighted] = model.testOnBatch(x, y, { classWeight: { 0: 0, 1: 2 } });
    const [manual] = model.testOnBatch(x, y, { sampleWeight: tensor([0, 2, 0, 2, 2, 2]) });
    assert.equal(weighted, manual);
    assert.notEqual(weighted, model.testOnBatch(x, y)[0]);
  });

  it('summarizes an unbuilt Sequential with ? shapes', () => {
    const model = new Sequential([new Dense(3), new Dense(1)]);
    const text = model.summary(() => {});
    assert.match(text, /dense \(Dense\)\s+\?\s+0 \(unbuilt\)/);
    assert.match(text, /Total params: 0 /);
    model.predictOnBatch(ones([1, 5]));
    assert.match(model.summary(() => {}), /dense \(Dense\)\s+\(None, 3\)\s+18/);
  });

  it('runs a custom Layer subclass inside a functional model', () => {
    class Double extends Layer {
      static override readonly className = 'Double';
      call(inputs: LayerInput): Tensor {
        return (inputs as Tensor).mul(2);
      }
    }
    const model = new Sequential([new Double({ inputShape: [2] })]);
    assert.deepEqual(Array.from(model.predictOnBatch(tensor([[1, 2]])).dataSync()), [2, 4]);
    assert.equal(model.layers[0].name, 'double');
  });
});

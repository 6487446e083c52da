// API.md "Building blocks outside a model": activations, initializers, losses, BN apply, variables, valueAndGrads, optimizers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Input, Model, Tensor, activations, initializers, layers, losses, metrics, optimizers, setRandomSeed, tensor, variable, valueAndGrads,
} from 'layerwise';
import { assertAllClose, meanStd } from './support.js';

// SELU's defining constants (Klambauer et al. 2017), as Keras' keras.activations.selu uses them.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const seluRef = (v: number): number => SELU_SCALE * (v > 0 ? v : SELU_ALPHA * (Math.exp(v) - 1));

test('activations.get("selu")(x), activations.selu(x), activations.elu(x, 0.5)', () => {
  const xs = [-3, -1, -0.25, 0, 0.5, 2];
  const x = tensor(xs);
  const viaGet = activations.get('selu')(x);
  assert.ok(viaGet instanceof Tensor);
  assertAllClose(viaGet.dataSync(), xs.map(seluRef), 1e-6);
  assertAllClose(activations.selu(x).dataSync(), xs.map(seluRef), 1e-6);
  assertAllClose(activations.elu(x, 0.5).dataSync(), xs.map((v) => (v > 0 ? v : 0.5 * (Math.exp(v) - 1))), 1e-6);
  assertAllClose(activations.elu(x).dataSync(), xs.map((v) => (v > 0 ? v : Math.exp(v) - 1)), 1e-6);
  // snake_case and camelCase identifiers
  assertAllClose(activations.get('leaky_relu')(x).dataSync(), activations.get('leakyRelu')(x).dataSync(), 0);
  assert.throws(() => activations.get('no_such_activation'), /no_such_activation/);
});

test('initializers.get("he_normal").apply([784, 300]) returns a Tensor drawn from the initializer', () => {
  setRandomSeed(42);
  const w = initializers.get('he_normal').apply([784, 300]);
  assert.ok(w instanceof Tensor);
  assert.deepEqual(w.shape, [784, 300]);
  assert.equal(w.dtype, 'float32');
  const { mean, std } = meanStd(w.dataSync());
  assert.ok(Math.abs(mean) < 0.002, `mean ${mean}`);
  assert.ok(Math.abs(std / Math.sqrt(2 / 784) - 1) < 0.02, `std ${std}`);
  assert.equal(initializers.get('heNormal').className, 'HeNormal');
  assert.equal(initializers.get('he_normal').className, 'HeNormal');
  const u = initializers.get('glorotUniform').apply([100, 50]).dataSync();
  const limit = Math.sqrt(6 / 150);
  assert.ok(u.every((v) => Math.abs(v) <= limit + 1e-7));
  assert.throws(() => initializers.get('he_normall'), /he_normall/);
});

test('losses.get("binary_crossentropy").apply(yTrue, yPred) is a scalar Tensor, the mean over the batch', () => {
  const yTrue = tensor([[0], [1], [1], [0]]);
  const p = [0.1, 0.8, 0.6, 0.4];
  const yPred = tensor(p.map((v) => [v]));
  const loss = losses.get('binary_crossentropy').apply(yTrue, yPred);
  assert.ok(loss instanceof Tensor);
  assert.deepEqual(loss.shape, []);
  const expected = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.6) + Math.log(0.6)) / 4;
  assertAllClose(loss.dataSync(), [expected], 1e-6, 1e-5);
  const camel = losses.get('binaryCrossentropy').apply(yTrue, yPred);
  assertAllClose(camel.dataSync(), loss.dataSync(), 0);
  // sparse_categorical_crossentropy in both spellings
  const labels = tensor([2, 0], [2], 'int32');
  const probs = tensor([[0.2, 0.3, 0.5], [0.7, 0.2, 0.1]]);
  const sce = -(Math.log(0.5) + Math.log(0.7)) / 2;
  assertAllClose(losses.get('sparse_categorical_crossentropy').apply(labels, probs).dataSync(), [sce], 1e-6, 1e-5);
  assertAllClose(losses.get('sparseCategoricalCrossentropy').apply(labels, probs).dataSync(), [sce], 1e-6, 1e-5);
});

test('metrics: "accuracy" resolves against the loss, and metrics accumulate over batches', () => {
  const acc = metrics.get('accuracy', 'sparse_categorical_crossentropy');
  acc.update(tensor([2, 0], [2], 'int32'), tensor([[0.2, 0.3, 0.5], [0.1, 0.8, 0.1]]));
  acc.update(tensor([1], [1], 'int32'), tensor([[0.1, 0.8, 0.1]]));
  assertAllClose([acc.result()], [2 / 3]);
  acc.reset();
  assert.equal(acc.result(), 0);
  const bin = metrics.get('accuracy', 'binary_crossentropy');
  bin.update(tensor([[1], [0], [1], [0]]), tensor([[0.9], [0.2], [0.4], [0.7]]));
  assertAllClose([bin.result()], [0.5]);
});

test('BatchNormalization.apply(x, {training: true}) eagerly normalizes and updates the moving statistics', () => {
  const bnLayer = new layers.BatchNormalization();
  const rows = [[1, 10, -2], [3, 20, -2], [5, 60, 4], [7, 30, 6]];
  const x = tensor(rows);
  const y = bnLayer.apply(x, { training: true });
  assert.ok(y instanceof Tensor);
  assert.deepEqual(y.shape, [4, 3]);
  const cols = [0, 1, 2].map((j) => rows.map((r) => r[j]));
  const stats = cols.map((c) => meanStd(c));
  const expected = rows.flatMap((r) => r.map((v, j) => (v - stats[j].mean) / Math.sqrt(stats[j].std ** 2 + 1e-3)));
  assertAllClose(y.dataSync(), expected, 1e-4, 1e-4);
  const w = bnLayer.getWeights();
  assert.equal(w.length, 4, '[gamma, beta, movingMean, movingVariance]');
  for (const t of w) assert.ok(t instanceof Tensor);
  assertAllClose(w[0].dataSync(), [1, 1, 1]);
  assertAllClose(w[1].dataSync(), [0, 0, 0]);
  assertAllClose(w[2].dataSync(), stats.map((s) => 0.01 * s.mean), 1e-5, 1e-4);
  assertAllClose(w[3].dataSync(), stats.map((s) => 0.99 + 0.01 * s.std ** 2), 1e-5, 1e-4);
  // inference uses the moving statistics
  const inf = bnLayer.apply(x, { training: false });
  const infExpected = rows.flatMap((r) => r.map((v, j) => (v - w[2].dataSync()[j]) / Math.sqrt(w[3].dataSync()[j] + 1e-3)));
  assertAllClose(inf.dataSync(), infExpected, 1e-4, 1e-4);
});

test('BatchNormalization.apply on Input(...) is symbolic and builds a functional Model', async () => {
  const inputs = Input({ shape: [3] });
  const bnLayer = new layers.BatchNormalization();
  const out = bnLayer.apply(inputs, { training: true });
  assert.ok(!(out instanceof Tensor));
  assert.deepEqual([...out.shape], [null, 3]);
  assert.equal(bnLayer.getWeights().length, 4);
  const model = new Model({ inputs, outputs: new layers.Dense(2).apply(out) });
  assert.deepEqual(model.layers.map((l) => l.className), ['InputLayer', 'BatchNormalization', 'Dense']);
  const pred = await model.predict(tensor([[1, 2, 3], [4, 5, 6]]), { verbose: 0 });
  assert.deepEqual(pred.shape, [2, 2]);
});

test('variable(...): .value, .assign, .trainable; valueAndGrads gives grads[0] = 2w', () => {
  const w = variable(tensor([1, 2, 3]), { name: 'w' });
  assert.equal(w.name, 'w');
  assert.equal(w.trainable, true);
  assert.ok(w.value instanceof Tensor);
  assert.deepEqual([...w.value.dataSync()], [1, 2, 3]);
  const { value, grads } = valueAndGrads(() => w.value.square().sum(), [w]);
  assert.ok(value instanceof Tensor);
  assertAllClose(value.dataSync(), [14]);
  assert.equal(grads.length, 1);
  assert.deepEqual(grads[0].shape, [3]);
  assertAllClose(grads[0].dataSync(), [2, 4, 6]);
  w.assign(tensor([4, 5, 6]));
  assert.deepEqual([...w.value.dataSync()], [4, 5, 6]);
  assert.throws(() => w.assign(tensor([1, 2])), /shape/);
  const frozen = variable(tensor([1]), { name: 'f', trainable: false });
  assert.equal(frozen.trainable, false);
});

test('optimizers.Adam({learningRate: 0.01, clipNorm: 1.0}).applyGradients([[grads[0], w]]); learningRate readable and settable', () => {
  const w = variable(tensor([1, 2, 3]), { name: 'w' });
  const { grads } = valueAndGrads(() => w.value.square().sum(), [w]);
  const opt = new optimizers.Adam({ learningRate: 0.01, clipNorm: 1.0 });
  assertAllClose([opt.learningRate], [0.01]);
  opt.applyGradients([[grads[0], w]]);
  // Adam's first step moves each weight by about learningRate against its gradient's sign
  assertAllClose(w.value.dataSync(), [0.99, 1.99, 2.99], 1e-5, 1e-5);
  opt.learningRate = 1e-4;
  assertAllClose([opt.learningRate], [1e-4], 1e-9, 1e-5);
  const before = [...w.value.dataSync()];
  const { grads: g2 } = valueAndGrads(() => w.value.square().sum(), [w]);
  opt.applyGradients([[g2[0], w]]);
  const step = before.map((b, i) => b - w.value.dataSync()[i]);
  assert.ok(step.every((s) => s > 0 && s < 2e-4), `second step ${step}`);

  // clipNorm rescales the gradient to norm 1 (visible with SGD)
  const v = variable(tensor([1, 2, 3]), { name: 'v' });
  const { grads: gv } = valueAndGrads(() => v.value.square().sum(), [v]);
  new optimizers.SGD({ learningRate: 1, clipNorm: 1.0 }).applyGradients([[gv[0], v]]);
  const n = Math.sqrt(4 + 16 + 36);
  assertAllClose(v.value.dataSync(), [1 - 2 / n, 2 - 4 / n, 3 - 6 / n], 1e-6);
});

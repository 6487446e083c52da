// API.md listing 11.2.1: model A trained on 8 Fashion-MNIST classes, saved as .h5/.keras, reused for shirt-vs-sandal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  Sequential, Model, Tensor, layers, optimizers, datasets, cloneModel, loadModel, setRandomSeed, tensor,
} from 'layerwise';
import { assertAllClose, quietly, tempDir } from './support.js';

let xTrainA: Tensor;
let yTrainA: Tensor;
let xTrainB: Tensor;
let yTrainB: Tensor;
let xValidB: Tensor;
let yValidB: Tensor;
let xTestB: Tensor;
let yTestB: Tensor;
let cleanup: () => void = () => undefined;
const cwd = process.cwd();

/** Rows of x (scaled to [0, 1]) whose label is kept, at most `limit` of them, from `from` on. */
function split(x: Tensor, y: Tensor, keep: (label: number) => boolean, limit: number, from = 0): { x: Tensor; idx: number[]; labels: number[] } {
  const labels = Array.from(y.dataSync());
  const idx: number[] = [];
  for (let i = from; i < labels.length && idx.length < limit; i++) if (keep(labels[i])) idx.push(i);
  return { x: x.gather(tensor(idx, [idx.length], 'int32'), 0).astype('float32').div(255), idx, labels: idx.map((i) => labels[i]) };
}

before(async () => {
  const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
  // model A: every class but sandal (5) and shirt (6), relabelled 0..7
  const a = split(xTrain, yTrain, (l) => l !== 5 && l !== 6, 2000);
  xTrainA = a.x;
  yTrainA = tensor(a.labels.map((l) => (l > 6 ? l - 2 : l)), [a.labels.length], 'int32');
  // model B: 200 shirts and sandals; target 1 for shirt
  const isB = (l: number): boolean => l === 5 || l === 6;
  const b = split(xTrain, yTrain, isB, 200);
  xTrainB = b.x;
  yTrainB = tensor(b.labels.map((l) => (l === 6 ? 1 : 0)));
  const v = split(xTrain, yTrain, isB, 100, b.idx[b.idx.length - 1] + 1);
  xValidB = v.x;
  yValidB = tensor(v.labels.map((l) => (l === 6 ? 1 : 0)));
  const t = split(xTest, yTest, isB, 300);
  xTestB = t.x;
  yTestB = tensor(t.labels.map((l) => (l === 6 ? 1 : 0)));
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  process.chdir(tmp.dir);
});

after(() => {
  process.chdir(cwd);
  cleanup();
});

const snapshot = (m: Model): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

test('11.2.1: train and save model A, loadModel(.h5 / .keras), reuse its layers for model B', async () => {
  
  setRandomSeed(42);
  const original = new Sequential([
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.Dense(32, { activation: 'relu', kernelInitializer: 'he_normal' }),
    new layers.Dense(16, { activation: 'relu', kernelInitializer: 'he_normal' }),
    new layers.Dense(8, { activation: 'softmax' }),
  ]);
  original.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate: 0.05 }), metrics: ['accuracy'] });
  const hA = await original.fit(xTrainA, yTrainA, { epochs: 2, verbose: 0 });
  assert.ok(hA.history.accuracy[1] > 0.6, `model A accuracy ${hA.history.accuracy[1]}`);
  await original.save('my_model_A.h5');
  await original.save('my_model_A.keras');
  assert.deepEqual([...readFileSync('my_model_A.h5').subarray(0, 8)], [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], 'HDF5 signature');
  assert.equal(readFileSync('my_model_A.keras').subarray(0, 2).toString('latin1'), 'PK', '.keras is a zip archive');
  const probe = xTrainA.sliceAxis(0, 0, 16);
  const expected = (await original.predict(probe, { verbose: 0 })).dataSync();

  const fromKeras = await loadModel('my_model_A.keras');
  assert.deepEqual(fromKeras.layers.map((l) => l.className), ['Flatten', 'Dense', 'Dense', 'Dense']);
  assertAllClose((await fromKeras.predict(probe, { verbose: 0 })).dataSync(), expected, 1e-6, 1e-5, '.keras predictions');

  const modelA = await loadModel('my_model_A.h5');              // also .keras and tfjs model.json
  assert.deepEqual(modelA.layers.map((l) => l.className), ['Flatten', 'Dense', 'Dense', 'Dense']);
  assert.deepEqual(snapshot(modelA), snapshot(original), 'weights read back exactly');
  assertAllClose((await modelA.predict(probe, { verbose: 0 })).dataSync(), expected, 1e-6, 1e-5, '.h5 predictions');
  const [lossA] = await modelA.evaluate(xTrainA.sliceAxis(0, 200), yTrainA.sliceAxis(0, 200), { verbose: 0 });
  assert.ok(Number.isFinite(lossA), 'the loaded model is compiled (its training config was saved)');

  const modelBonA = new Sequential(modelA.layers.slice(0, -1));  // shares layer instances with model A
  modelBonA.add(new layers.Dense(1, { activation: 'sigmoid' }));
  assert.equal(modelBonA.layers[1], modelA.layers[1], 'shares layer instances');
  const modelAClone = cloneModel(modelA);                        // same architecture, fresh weights
  assert.notEqual(modelAClone.layers[1], modelA.layers[1]);
  assert.notDeepEqual(snapshot(modelAClone)[0], snapshot(modelA)[0], 'fresh weights');
  modelAClone.setWeights(modelA.getWeights());
  assert.deepEqual(snapshot(modelAClone), snapshot(modelA));

  for (const layer of modelBonA.layers.slice(0, -1)) layer.trainable = false;
  modelBonA.compile({ loss: 'binary_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
  const frozenBefore = snapshot(modelA);
  let history = await quietly(() => modelBonA.fit(xTrainB, yTrainB, { epochs: 4, validationData: [xValidB, yValidB] }));
  assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  assert.equal(history.history.loss.length, 4);
  assert.deepEqual(snapshot(modelA).slice(0, 4), frozenBefore.slice(0, 4), 'frozen layers unchanged');

  for (const layer of modelBonA.layers.slice(0, -1)) layer.trainable = true;
  modelBonA.compile({ loss: 'binary_crossentropy', optimizer: new optimizers.SGD({ learningRate: 1e-4 }), metrics: ['accuracy'] });
  history = await quietly(() => modelBonA.fit(xTrainB, yTrainB, { epochs: 16, validationData: [xValidB, yValidB] }));
  assert.equal(history.history.val_accuracy.length, 16);
  assert.notDeepEqual(snapshot(modelA)[0], frozenBefore[0], 'unfrozen shared layers are trained (model A changes too)');
  assert.deepEqual(snapshot(modelAClone), frozenBefore, 'the clone keeps its own weights');

  const [testLoss, testAccuracy] = await modelBonA.evaluate(xTestB, yTestB);
  const shirts = Array.from(yTestB.dataSync()).filter((v) => v === 1).length / yTestB.shape[0];
  assert.ok(Number.isFinite(testLoss));
  assert.ok(testAccuracy > Math.max(shirts, 1 - shirts) + 0.1, `test accuracy ${testAccuracy} vs majority ${Math.max(shirts, 1 - shirts)}`);

  await modelBonA.save('my_model_B_on_A.keras');
  const reloaded = await loadModel('my_model_B_on_A.keras');
  assertAllClose(
    (await reloaded.predict(xTestB, { verbose: 0 })).dataSync(), (await modelBonA.predict(xTestB, { verbose: 0 })).dataSync(), 1e-6, 1e-5, 'model B reloaded',
  );
  assertAllClose(await reloaded.evaluate(xTestB, yTestB, { verbose: 0 }), [testLoss, testAccuracy], 1e-6, 1e-5, 'evaluate after reload');
});

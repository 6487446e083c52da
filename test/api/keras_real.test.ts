// API.md listing 11.2.1 on real Keras files (tf.keras 2.2.4/2.9 .h5, Keras 2.15/3.8 .keras) from test/fixtures/keras-real.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sequential, Tensor, layers, optimizers, datasets, cloneModel, loadModel, tensor } from 'layerwise';
import { assertAllClose, captureLog, quietly, tempDir } from './support.js';

interface Expected {
  file: string;
  task: string;
  test_accuracy_x_over_255: number | null;
  golden_outputs_first5: number[][];
}

const fixtures = path.resolve(fileURLToPath(new URL('../../../test/fixtures/keras-real/', import.meta.url)));
const expected = (JSON.parse(readFileSync(path.join(fixtures, 'expected.json'), 'utf8')) as { models: Expected[] }).models;

let xTrain: Tensor;
let yTrain: Tensor;
let xTest: Tensor;
let yTest: Tensor;

before(async () => {
  [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
});

/** float32(x / 255) and labels of the images whose label passes `keep`, in order, at most `limit`, from `from` on. */
function subset(x: Tensor, y: Tensor, keep: (l: number) => boolean, limit = Infinity, from = 0): { x: Tensor; labels: number[] } {
  const all = Array.from(y.dataSync());
  const idx: number[] = [];
  for (let i = from; i < all.length && idx.length < limit; i++) if (keep(all[i])) idx.push(i);
  return { x: x.gather(tensor(idx, [idx.length], 'int32'), 0).astype('float32').div(255), labels: idx.map((i) => all[i]) };
}

const taskA = {
  A8_2e: (l: number) => l !== 5 && l !== 6,
  A8_3e: (l: number) => l !== 0 && l !== 2,
} as Record<string, (l: number) => boolean>;

test('loadModel opens real Keras my_model_A files (.h5 from tf.keras 2.2.4/2.9, .keras from Keras 2.15/3.8)', async () => {
  const files = expected.filter((e) => e.task in taskA);
  assert.ok(files.some((e) => e.file.endsWith('.h5')) && files.some((e) => e.file.endsWith('.keras')));
  for (const e of files) {
    const model = await loadModel(path.join(fixtures, e.file));
    assert.equal(model.layers[0].className, 'Flatten', e.file);
    const first5 = subset(xTest, yTest, taskA[e.task], 5).x;
    const out = await model.predict(first5, { verbose: 0 });
    assert.deepEqual(out.shape, [5, 8], e.file);
    assertAllClose(out.dataSync(), e.golden_outputs_first5.flat(), 2e-5, 1e-4, e.file);
    // summary counts the file's parameters; cloneModel + setWeights and a .keras / .h5 round trip keep the outputs
    const total = model.getWeights().reduce((acc, w) => acc + w.shape.reduce((p, d) => p * d, 1), 0);
    assert.ok(total > 50000, `${e.file}: ${total} parameters`);
    const { result: table } = captureLog(() => model.summary());
    assert.ok(table.includes(`Total params: ${total.toLocaleString('en-US')}`), `${e.file}: ${table}`);
    const clone = cloneModel(model);
    clone.setWeights(model.getWeights());
    assertAllClose((await clone.predict(first5, { verbose: 0 })).dataSync(), out.dataSync(), 0, 0, `${e.file} clone`);
    const { dir, cleanup } = tempDir();
    try {
      for (const name of ['resaved.keras', 'resaved.h5']) {
        await model.save(path.join(dir, name));
        const back = await loadModel(path.join(dir, name));
        assertAllClose((await back.predict(first5, { verbose: 0 })).dataSync(), out.dataSync(), 0, 0, `${e.file} -> ${name}`);
      }
    } finally {
      cleanup();
    }
  }
});

test('a Keras file with an unregistered custom activation is refused with an error naming it', async () => {
  await assert.rejects(loadModel(path.join(fixtures, 'thap__skl-tf__my_model_with_many_custom_parts.h5')), /my_softplus/);
});

test('the real tf.keras 2.9 my_model_A.h5 reproduces its test accuracy (evaluate)', async () => {
  const e = expected.find((m) => m.file === 'TeguhPermana666__Train_DNN__my_model_A.h5')!;
  const modelA = await loadModel(path.join(fixtures, e.file));
  const a = subset(xTest, yTest, taskA.A8_2e);
  const yA = tensor(a.labels.map((l) => (l > 6 ? l - 2 : l)), [a.labels.length], 'int32');
  modelA.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
  const [lossA, accA] = await modelA.evaluate(a.x, yA, { verbose: 0, batchSize: 500 });
  assert.ok(Number.isFinite(lossA));
  assert.ok(Math.abs(accA - e.test_accuracy_x_over_255!) <= 1 / a.labels.length, `accuracy ${accA} vs ${e.test_accuracy_x_over_255}`);
});

test('11.2.1 on the real tf.keras 2.9 my_model_A.h5: reuse, freeze, fine-tune, evaluate, save', async () => {
  const e = expected.find((m) => m.file === 'TeguhPermana666__Train_DNN__my_model_A.h5')!;
  const modelA = await loadModel(path.join(fixtures, e.file));              // the chapter's loadModel('my_model_A.h5')
  assert.deepEqual(modelA.layers.map((l) => l.className), ['Flatten', 'Dense', 'Dense', 'Dense', 'Dense', 'Dense', 'Dense']);
  const a = subset(xTest, yTest, taskA.A8_2e, 5);
  const isB = (l: number): boolean => l === 5 || l === 6;
  const b = subset(xTrain, yTrain, isB, 200);
  const xTrainB = b.x;
  const yTrainB = tensor(b.labels.map((l) => (l === 6 ? 1 : 0)));
  const v = subset(xTrain, yTrain, isB, 200, 5000);
  const [xValidB, yValidB] = [v.x, tensor(v.labels.map((l) => (l === 6 ? 1 : 0)))];
  const t = subset(xTest, yTest, isB, 500);
  const [xTestB, yTestB] = [t.x, tensor(t.labels.map((l) => (l === 6 ? 1 : 0)))];

  const modelBonA = new Sequential(modelA.layers.slice(0, -1));
  modelBonA.add(new layers.Dense(1, { activation: 'sigmoid' }));
  const modelAClone = cloneModel(modelA);
  modelAClone.setWeights(modelA.getWeights());
  const probe = a.x.sliceAxis(0, 0, 5);
  assertAllClose((await modelAClone.predict(probe, { verbose: 0 })).dataSync(), e.golden_outputs_first5.flat(), 2e-5, 1e-4, 'clone');
  const before = modelA.getWeights().map((w) => Array.from(w.dataSync()));
  for (const layer of modelBonA.layers.slice(0, -1)) layer.trainable = false;
  modelBonA.compile({ loss: 'binary_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
  let history = await quietly(() => modelBonA.fit(xTrainB, yTrainB, { epochs: 4, validationData: [xValidB, yValidB] }));
  assert.equal(history.history.val_accuracy.length, 4);
  assert.deepEqual(modelA.getWeights().map((w) => Array.from(w.dataSync())), before, 'frozen: model A unchanged');
  for (const layer of modelBonA.layers.slice(0, -1)) layer.trainable = true;
  modelBonA.compile({ loss: 'binary_crossentropy', optimizer: new optimizers.SGD({ learningRate: 1e-4 }), metrics: ['accuracy'] });
  history = await quietly(() => modelBonA.fit(xTrainB, yTrainB, { epochs: 16, validationData: [xValidB, yValidB] }));
  assert.equal(history.history.loss.length, 16);
  const [testLoss, testAccuracy] = await quietly(() => modelBonA.evaluate(xTestB, yTestB));
  assert.ok(Number.isFinite(testLoss));
  assert.ok(testAccuracy > 0.9, `shirt vs sandal test accuracy ${testAccuracy}`);

  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'my_model_B_on_A.keras');
    await modelBonA.save(file);
    const reloaded = await loadModel(file);
    assertAllClose(
      (await reloaded.predict(xTestB.sliceAxis(0, 0, 50), { verbose: 0 })).dataSync(),
      (await modelBonA.predict(xTestB.sliceAxis(0, 0, 50), { verbose: 0 })).dataSync(), 1e-6, 1e-5, 'B reloaded',
    );
  } finally {
    cleanup();
  }
});

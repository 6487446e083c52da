// Real Keras CNN files (tf.keras 2.2.4 / 2.3 / 2.13 .h5, Keras 3.0.5 .keras) from test/fixtures/keras-real-cnn: outputs,
// accuracies, re-saving in every format, and the quirks of real files (bare NaN, softmax_v2, Rescaling, BN without gamma/beta).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Sequential, Tensor, layers, datasets, loadModel, tensor } from 'layerwise';
import { assertAllClose, quietly, tempDir } from './support.js';

interface Expected {
  file: string;
  task: string;
  accuracy: number | null;
  n: number | null;
  input_shape: number[];
  golden_outputs: unknown[];
  golden_input_values?: unknown[];
}

const fixtures = path.resolve(fileURLToPath(new URL('../../../test/fixtures/keras-real-cnn/', import.meta.url)));
const expected = (JSON.parse(readFileSync(path.join(fixtures, 'expected.json'), 'utf8')) as { files: Expected[] }).files;

let xTest: Tensor;
let yTest: Tensor;
let first16: Tensor;

before(async () => {
  [, [xTest, yTest]] = await datasets.fashionMnist.loadData();
  first16 = xTest.sliceAxis(0, 0, 16).astype('float32').div(255).reshape([16, 28, 28, 1]);
});

function goldenInput(e: Expected): Tensor {
  if (!e.golden_input_values) return first16;
  const flat = (e.golden_input_values as unknown[]).flat(4) as number[];
  return tensor(flat, [e.golden_input_values.length, ...e.input_shape]);
}

const flatOf = (v: unknown[]): number[] => v.flat(4) as number[];

test('the five real CNN files load and reproduce their independently computed outputs (float32 within 2e-6)', async () => {
  assert.equal(expected.length, 5);
  for (const e of expected) {
    const model = await quietly(() => loadModel(path.join(fixtures, e.file)));
    const out = await model.predict(goldenInput(e), { verbose: 0 });
    assertAllClose(out.dataSync(), flatOf(e.golden_outputs), 2e-6, 1e-5, e.file);
  }
});

test('the Fashion-MNIST CNNs reproduce their test accuracy on the full t10k set', async () => {
  const x = xTest.astype('float32').div(255).reshape([10000, 28, 28, 1]);
  for (const e of expected.filter((f) => f.task === 'fmnist10')) {
    const model = await quietly(() => loadModel(path.join(fixtures, e.file)));
    model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
    const [, acc] = await model.evaluate(x, yTest, { verbose: 0, batchSize: 1000 });
    assert.ok(Math.abs(acc - e.accuracy!) <= 1 / e.n!, `${e.file}: accuracy ${acc} vs ${e.accuracy}`);
  }
});

test('every real CNN re-saves as .keras, .h5 and model.json with identical outputs', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const e of expected) {
      const model = await quietly(() => loadModel(path.join(fixtures, e.file)));
      const x = goldenInput(e).sliceAxis(0, 0, 4);
      const out = (await model.predict(x, { verbose: 0 })).dataSync();
      for (const name of ['resaved.keras', 'resaved.h5', 'tfjs/model.json']) {
        const file = path.join(dir, e.file.replace(/\W/g, '_'), name);
        mkdirSync(path.dirname(file), { recursive: true });
        await model.save(file);
        const back = await quietly(() => loadModel(file));
        assert.deepEqual(back.layers.map((l) => l.className), model.layers.map((l) => l.className), `${e.file} -> ${name}`);
        assertAllClose((await back.predict(x, { verbose: 0 })).dataSync(), out, 0, 0, `${e.file} -> ${name}`);
      }
    }
  } finally {
    cleanup();
  }
});

test('quirks of real files: a bare NaN in the config, softmax_v2, a Rescaling layer inside the model', async () => {
  const e = expected.find((f) => f.file.endsWith('.keras'))!;
  const archive = unzipSync(new Uint8Array(readFileSync(path.join(fixtures, e.file))));
  const config = JSON.parse(strFromU8(archive['config.json'])) as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
  const list = config.config.layers;
  const last = list[list.length - 1];
  assert.equal(last.config.activation, 'softmax');
  last.config.activation = 'softmax_v2';
  // Rescaling(1/255) right after the InputLayer: the model then takes raw pixels
  list.splice(1, 0, { class_name: 'Rescaling', config: { name: 'rescaling', trainable: true, dtype: 'float32', scale: 1 / 255, offset: 0 } });
  let text = JSON.stringify(config);
  text = text.replace('"use_bias":true', '"use_bias":true,"unused_by_layerwise":NaN');
  assert.ok(text.includes(':NaN'));
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'quirks.keras');
    writeFileSync(file, zipSync({ ...archive, 'config.json': strToU8(text) }, { level: 0 }));
    const model = await quietly(() => loadModel(file));
    assert.equal(model.layers[0].className, 'Rescaling');
    const raw = xTest.sliceAxis(0, 0, 16).astype('float32').reshape([16, 28, 28, 1]);
    const out = await model.predict(raw, { verbose: 0 });
    assertAllClose(out.dataSync(), flatOf(e.golden_outputs), 2e-6, 1e-5, 'quirks model');
  } finally {
    cleanup();
  }
});

test('BatchNormalization without gamma/beta (center: false, scale: false) on conv features round-trips through every format', async () => {
  const model = new Sequential([
    new layers.Input({ shape: [6, 6, 2] }),
    new layers.Conv2D(3, 3, { padding: 'same' }),
    new layers.BatchNormalization({ center: false, scale: false, axis: -1 }),
    new layers.GlobalAveragePooling2D(),
  ]);
  const bn = model.layers[1];
  assert.equal(bn.getWeights().length, 2);
  bn.setWeights([tensor([0.1, -0.2, 0.3]), tensor([0.5, 2, 1.5])]);
  const x = tensor(Array.from({ length: 2 * 72 }, (_, i) => Math.sin(i)), [2, 6, 6, 2]);
  const out = (await model.predict(x, { verbose: 0 })).dataSync();
  const { dir, cleanup } = tempDir();
  try {
    for (const name of ['bn.keras', 'bn.h5', 'bn/model.json']) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      await model.save(path.join(dir, name));
      const back = await quietly(() => loadModel(path.join(dir, name)));
      assertAllClose((await back.predict(x, { verbose: 0 })).dataSync(), out, 0, 0, name);
    }
  } finally {
    cleanup();
  }
});

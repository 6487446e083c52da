// API.md 11.2.1 "also .keras and tfjs model.json": loadModel reads a model.json written by TensorFlow.js, and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Sequential, layers, loadModel, setRandomSeed, tensor } from 'layerwise';
import { assertAllClose, tempDir } from './support.js';
import { seededNumbers } from '../helpers/seeded.js';

await tf.setBackend('cpu');

/** Deterministic pseudo-random numbers (no dependence on either library's generator). */
const numbers = seededNumbers;

test('loadModel(model.json) reads a TensorFlow.js layers model (Dense, BatchNormalization) and predicts the same', async () => {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [4, 3] }));
  m.add(tf.layers.dense({ units: 5, activation: 'elu', kernelInitializer: 'heNormal' }));
  m.add(tf.layers.batchNormalization({ momentum: 0.9 }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  // non-trivial BN statistics, so they must be read back in Keras order
  const bn = m.layers[2];
  bn.setWeights([
    tf.tensor(numbers(5, 1).map((v) => 1 + v)), tf.tensor(numbers(5, 2)),
    tf.tensor(numbers(5, 3)), tf.tensor(numbers(5, 4).map((v) => 1.5 + v)),
  ]);
  let artifacts: tf.io.ModelArtifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const art = artifacts as unknown as tf.io.ModelArtifacts;
  const { dir, cleanup } = tempDir();
  try {
    const shard = 'group1-shard1of1.bin';
    writeFileSync(path.join(dir, shard), new Uint8Array(art.weightData as ArrayBuffer));
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
      modelTopology: art.modelTopology, weightsManifest: [{ paths: [shard], weights: art.weightSpecs }],
    }));
    const model = await loadModel(path.join(dir, 'model.json'));
    assert.deepEqual(model.layers.map((l) => l.className), ['Flatten', 'Dense', 'BatchNormalization', 'Dense']);
    const xs = numbers(6 * 12, 9);
    const expected = (m.predict(tf.tensor(xs, [6, 4, 3])) as tf.Tensor).dataSync();
    const actual = (await model.predict(tensor(xs, [6, 4, 3]), { verbose: 0 })).dataSync();
    assertAllClose(actual, expected, 1e-5, 1e-4, 'predictions');
    assertAllClose(model.layers[2].getWeights()[3].dataSync(), numbers(5, 4).map((v) => 1.5 + v), 1e-7, 1e-6, 'moving variance');
  } finally {
    cleanup();
  }
});

test('model.save("model.json") writes a TensorFlow.js layers model that tf.loadLayersModel reads', async () => {
  setRandomSeed(12);
  const model = new Sequential([
    new layers.Dense(6, { activation: 'relu', inputShape: [4] }),
    new layers.BatchNormalization(),
    new layers.Dense(2, { activation: 'sigmoid' }),
  ]);
  model.layers[1].setWeights([tensor(numbers(6, 5).map((v) => 1 + v)), tensor(numbers(6, 6)), tensor(numbers(6, 7)), tensor(numbers(6, 8).map((v) => 1 + v))]);
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'model.json');
    await model.save(file);
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      modelTopology: tf.io.ModelArtifacts['modelTopology']; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const specs = json.weightsManifest.flatMap((g) => g.weights);
    const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dir, p))));
    const all = Buffer.concat(buffers);
    const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
    const xs = numbers(5 * 4, 10);
    const expected = (await model.predict(tensor(xs, [5, 4]), { verbose: 0 })).dataSync();
    const actual = (loaded.predict(tf.tensor(xs, [5, 4])) as tf.Tensor).dataSync();
    assertAllClose(actual, expected, 1e-5, 1e-4, 'tfjs predictions of the saved model');
    const back = await loadModel(file);
    assertAllClose((await back.predict(tensor(xs, [5, 4]), { verbose: 0 })).dataSync(), expected, 1e-6, 1e-5, 'round trip');
  } finally {
    cleanup();
  }
});

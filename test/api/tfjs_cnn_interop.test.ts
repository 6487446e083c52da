// Conv layers through TensorFlow.js model.json: a CNN saved here loads in tf.loadLayersModel with the same outputs, and back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Sequential, layers, loadModel, setRandomSeed, tensor, type Model } from 'layerwise';
import { assertAllClose, tempDir } from './support.js';

await tf.setBackend('cpu');

function numbers(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  });
}

/** Saves with layerwise, loads with tf.loadLayersModel, and compares predictions (and a layerwise reload). */
async function viaTfjs(model: Model, inputShape: number[]): Promise<void> {
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'model.json');
    await model.save(file);
    const json = JSON.parse(readFileSync(file, 'utf8')) as {
      modelTopology: tf.io.ModelArtifacts['modelTopology']; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const specs = json.weightsManifest.flatMap((g) => g.weights);
    const all = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(path.join(dir, p)))));
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    }));
    const n = inputShape.reduce((a, b) => a * b, 1);
    const xs = numbers(n, 3);
    const expected = (await model.predict(tensor(xs, inputShape), { verbose: 0 })).dataSync();
    const actual = (loaded.predict(tf.tensor(xs, inputShape)) as tf.Tensor).dataSync();
    assertAllClose(actual, expected, 2e-5, 1e-4, 'tfjs predictions of the saved CNN');
    const back = await loadModel(file);
    assertAllClose((await back.predict(tensor(xs, inputShape), { verbose: 0 })).dataSync(), expected, 0, 0, 'layerwise reload');
  } finally {
    cleanup();
  }
}

test('a 2-D CNN with every conv, pooling and padding layer saved as model.json predicts the same in TensorFlow.js', async () => {
  setRandomSeed(21);
  const model = new Sequential([
    new layers.Input({ shape: [11, 10, 2] }),
    new layers.ZeroPadding2D({ padding: [[1, 0], [0, 1]] }),
    new layers.Conv2D(6, 3, { strides: 2, padding: 'same', activation: 'relu', biasInitializer: 'glorot_uniform' }),
    new layers.BatchNormalization(),
    new layers.DepthwiseConv2D(3, { depthMultiplier: 2, padding: 'same', biasInitializer: 'glorot_uniform' }),
    new layers.SeparableConv2D(5, 2, { activation: 'tanh', biasInitializer: 'glorot_uniform' }),
    new layers.Conv2DTranspose(4, 3, { strides: 2, padding: 'same', biasInitializer: 'glorot_uniform' }),
    new layers.MaxPooling2D({ poolSize: 3, strides: 2, padding: 'same' }),
    new layers.UpSampling2D({ size: [2, 1] }),
    new layers.Cropping2D({ cropping: [[1, 0], [0, 1]] }),
    new layers.AveragePooling2D({ poolSize: 2, padding: 'same' }),
    new layers.Conv2D(3, 1, { dilationRate: 1 }),
    new layers.GlobalAveragePooling2D(),
    new layers.Dense(3, { activation: 'softmax' }),
  ]);
  const bn = model.layers[2];
  bn.setWeights(bn.getWeights().map((w, i) => tensor(numbers(w.shape[0], 10 + i).map((v) => (i === 3 ? 0.5 + v : v)))));
  await viaTfjs(model, [3, 11, 10, 2]);
});

test('a 1-D CNN (Conv1D, pooling 1D, global max pooling) saved as model.json predicts the same in TensorFlow.js', async () => {
  setRandomSeed(22);
  const model = new Sequential([
    new layers.Input({ shape: [12, 3] }),
    new layers.Conv1D(4, 3, { padding: 'same', activation: 'relu', biasInitializer: 'glorot_uniform' }),
    new layers.MaxPooling1D({ poolSize: 2 }),
    new layers.Conv1D(5, 2, { dilationRate: 2, activation: 'elu' }),
    new layers.AveragePooling1D({ poolSize: 2, padding: 'same' }),
    new layers.GlobalMaxPooling1D(),
    new layers.Dense(2),
  ]);
  await viaTfjs(model, [4, 12, 3]);
});

test('loadModel reads a TensorFlow.js CNN (conv, depthwise, separable, transpose, pooling, upsampling) and predicts the same', async () => {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [9, 8, 2], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' }));
  m.add(tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same' }));
  m.add(tf.layers.separableConv2d({ filters: 3, kernelSize: 2, biasInitializer: 'randomNormal' }));
  m.add(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'valid' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.upSampling2d({ size: [2, 2] }));
  m.add(tf.layers.zeroPadding2d({ padding: 1 }));
  m.add(tf.layers.cropping2D({ cropping: [[1, 0], [2, 1]] }));
  m.add(tf.layers.globalAveragePooling2d({}));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  let artifacts: tf.io.ModelArtifacts | null = null;
  await m.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const art = artifacts as unknown as tf.io.ModelArtifacts;
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(path.join(dir, 'w.bin'), new Uint8Array(art.weightData as ArrayBuffer));
    writeFileSync(path.join(dir, 'model.json'), JSON.stringify({
      format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
      modelTopology: art.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: art.weightSpecs }],
    }));
    const model = await loadModel(path.join(dir, 'model.json'));
    assert.deepEqual(model.layers.map((l) => l.className), [
      'Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'Conv2DTranspose', 'MaxPooling2D', 'UpSampling2D', 'ZeroPadding2D', 'Cropping2D',
      'GlobalAveragePooling2D', 'Dense',
    ]);
    const xs = numbers(2 * 9 * 8 * 2, 5);
    const expected = (m.predict(tf.tensor(xs, [2, 9, 8, 2])) as tf.Tensor).dataSync();
    assertAllClose((await model.predict(tensor(xs, [2, 9, 8, 2]), { verbose: 0 })).dataSync(), expected, 2e-5, 1e-4, 'layerwise predictions of the tfjs CNN');
  } finally {
    cleanup();
  }
});

// Every conv, pooling and spatial layer round-trips through .keras, legacy .h5 and TensorFlow.js model.json:
// same layers, same configs, same predictions; the .keras weight groups follow Keras' snake_case counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { Model, Sequential, layers, loadModel, setRandomSeed, tensor } from 'layerwise';
import { tempDir } from '../api/support.js';
import { seededNumbers } from '../helpers/seeded.js';

const numbers = seededNumbers;

function models(): Model[] {
  setRandomSeed(31);
  const image = new Sequential([
    new layers.Input({ shape: [12, 10, 3] }),
    new layers.Rescaling(2, { offset: -0.5 }),
    new layers.ZeroPadding2D({ padding: [[1, 2], [0, 1]] }),
    new layers.Conv2D(6, 3, { strides: 2, padding: 'same', groups: 3, activation: 'relu', biasInitializer: 'glorot_uniform' }),
    new layers.SpatialDropout2D({ rate: 0.3, seed: 3 }),
    new layers.DepthwiseConv2D([3, 2], { depthMultiplier: 2, padding: 'same', biasInitializer: 'glorot_uniform' }),
    new layers.SeparableConv2D(5, 2, { activation: 'tanh', depthMultiplier: 2, biasInitializer: 'glorot_uniform' }),
    new layers.Conv2DTranspose(4, 3, { strides: 2, padding: 'same', outputPadding: [1, 0], biasInitializer: 'glorot_uniform' }),
    new layers.UpSampling2D({ size: [1, 2], interpolation: 'bilinear' }),
    new layers.Cropping2D({ cropping: [[1, 0], [2, 1]] }),
    new layers.AveragePooling2D({ poolSize: 3, strides: 2, padding: 'same' }),
    new layers.Conv2D(4, 2, { dataFormat: 'channels_first', dilationRate: 1 }),
    new layers.MaxPooling2D({ poolSize: 2, padding: 'same', dataFormat: 'channels_first' }),
    new layers.GlobalMaxPooling2D({ keepdims: true }),
    new layers.GlobalAveragePooling2D(),
    new layers.Dense(3, { activation: 'softmax' }),
  ]);
  const sequence = new Sequential([
    new layers.Input({ shape: [14, 2] }),
    new layers.Conv1D(4, 3, { padding: 'causal', dilationRate: 2, activation: 'relu', biasInitializer: 'glorot_uniform' }),
    new layers.MaxPooling1D({ poolSize: 2 }),
    new layers.Conv1D(4, 2, { strides: 2, padding: 'same' }),
    new layers.AveragePooling1D({ poolSize: 2, padding: 'same' }),
    new layers.GlobalAveragePooling1D({ keepdims: true }),
    new layers.GlobalMaxPooling1D(),
  ]);
  return [image, sequence];
}

test('conv models round-trip through .keras, .h5 and model.json with identical configs and predictions', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const [m, model] of models().entries()) {
      const inputShape = [3, ...(model.layers[0].batchInputShape ?? (model.inputs?.[0]?.shape as number[])).slice(1) as number[]];
      const x = tensor(numbers(inputShape.reduce((a, b) => a * b, 1), 7 + m), inputShape);
      const out = (await model.predict(x, { verbose: 0 })).dataSync();
      const configs = JSON.stringify(model.layers.map((l) => l.getConfig()));
      for (const name of ['m.keras', 'm.h5', 'tfjs/model.json']) {
        const file = path.join(dir, String(m), name);
        mkdirSync(path.dirname(file), { recursive: true });
        await model.save(file);
        const back = await loadModel(file);
        assert.deepEqual(back.layers.map((l) => l.className), model.layers.map((l) => l.className), name);
        if (!name.endsWith('.json')) assert.equal(JSON.stringify(back.layers.map((l) => l.getConfig())), configs, `${name}: configs`);
        const again = (await back.predict(x, { verbose: 0 })).dataSync();
        assert.deepEqual(Array.from(again), Array.from(out), `${name}: predictions`);
      }
      if (m === 0) {
        const entries = unzipSync(new Uint8Array(readFileSync(path.join(dir, '0', 'm.keras'))));
        const weights = entries['model.weights.h5'];
        assert.ok(weights && weights.length > 0);
        const text = Buffer.from(weights).toString('latin1');
        for (const group of ['conv2d', 'depthwise_conv2d', 'separable_conv2d', 'conv2d_transpose', 'conv2d_1']) {
          assert.ok(text.includes(group), `model.weights.h5 holds a group named ${group}`);
        }
      }
    }
  } finally {
    cleanup();
  }
});

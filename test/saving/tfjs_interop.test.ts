// TensorFlow.js interop, both ways: @tensorflow/tfjs opens model.json written by layerwise, and loadModel opens
// a model saved by TensorFlow.js itself (tfjs-style topology and weight names).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { loadModel, saveModel } from '../../src/saving/index.js';
import { makeSamples } from './samples.js';

const dir = mkdtempSync(path.join(tmpdir(), 'layerwise-tfjs-'));

test('TensorFlow.js loads a model.json written by layerwise: same layers, same predictions, compiled optimizer', async () => {
  await makeSamples(dir);
  const json = JSON.parse(readFileSync(path.join(dir, 'seq_tfjs', 'model.json'), 'utf8'));
  const specs = json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights);
  const data = Buffer.concat(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(path.join(dir, 'seq_tfjs', p)))));
  const handler: tf.io.IOHandler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      weightSpecs: specs,
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      trainingConfig: json.trainingConfig,
    }),
  };
  const model = await tf.loadLayersModel(handler);
  assert.deepEqual(model.layers.map((l) => l.getClassName()), ['InputLayer', 'Flatten', 'Dense', 'BatchNormalization', 'LeakyReLU', 'Dropout', 'Dense', 'PReLU', 'Dense']);
  const pred = JSON.parse(readFileSync(path.join(dir, 'predictions.json'), 'utf8'));
  const y = (model.predict(tf.tensor(pred.input.data, pred.input.shape)) as tf.Tensor).dataSync();
  y.forEach((v, i) => assert.ok(Math.abs(v - pred.seq[i]) < 1e-6, `output ${i}: tfjs ${v}, layerwise ${pred.seq[i]}`));
  assert.equal(model.optimizer.getClassName(), 'Adam');
});

test('loadModel opens a model saved by TensorFlow.js (tfjs-style topology and weight names)', async () => {
  const m = tf.sequential();
  m.add(tf.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }));
  m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
  const out = path.join(dir, 'from_tfjs');
  mkdirSync(out, { recursive: true });
  await m.save(tf.io.withSaveHandler(async (artifacts) => {
    writeFileSync(path.join(out, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
    writeFileSync(path.join(out, 'model.json'), JSON.stringify({
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
    }));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const x = Float32Array.from({ length: 20 }, (_, i) => Math.sin(i));
  const expected = (m.predict(tf.tensor(x, [5, 4])) as tf.Tensor).dataSync();
  const loaded = await loadModel(out);
  const actual = (await loaded.predict(new Tensor(x, [5, 4], 'float32'), { verbose: 0 })).dataSync();
  Array.from(expected).forEach((v, i) => assert.ok(Math.abs(actual[i] - v) < 1e-6, `output ${i}: layerwise ${actual[i]}, tfjs ${v}`));
});

test('loadModel reads the converter layout: modelTopology = {keras_version, backend, model_config}', async () => {
  const src = path.join(dir, 'seq_tfjs');
  const json = JSON.parse(readFileSync(path.join(src, 'model.json'), 'utf8'));
  const { keras_version: kv, backend, ...modelConfig } = json.modelTopology;
  json.modelTopology = { keras_version: kv, backend, model_config: modelConfig };
  writeFileSync(path.join(src, 'converted.json'), JSON.stringify(json));
  const loaded = await loadModel(path.join(src, 'converted.json'));
  const pred = JSON.parse(readFileSync(path.join(dir, 'predictions.json'), 'utf8'));
  const out = (await loaded.predict(new Tensor(Float32Array.from(pred.input.data), pred.input.shape, 'float32'), { verbose: 0 })).dataSync();
  assert.deepEqual(Array.from(out), pred.seq);
});

test('weights straddling small shards are reassembled exactly (little-endian, manifest order)', async () => {
  const src = path.join(dir, 'seq_tfjs');
  const model = await loadModel(src);
  const out = path.join(dir, 'sharded');
  await saveModel(model, out, { shardSizeBytes: 100 });
  const json = JSON.parse(readFileSync(path.join(out, 'model.json'), 'utf8'));
  assert.ok(json.weightsManifest[0].paths.length > 10, 'many shards');
  const again = await loadModel(out);
  assert.deepEqual(again.getWeights().map((t) => Array.from(t.dataSync())), model.getWeights().map((t) => Array.from(t.dataSync())));
  const first = readFileSync(path.join(out, json.weightsManifest[0].paths[0]));
  assert.equal(first.readFloatLE(0), model.getWeights()[0].dataSync()[0]);
});

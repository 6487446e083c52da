// API.md: save/loadModel files use Keras' own layout, keys and class names (.keras zip checked with fflate, .h5 with h5py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { Sequential, layers, loadModel, setRandomSeed, randomNormal } from 'layerwise';
import { assertAllClose, tempDir } from './support.js';

const PYTHON = '/usr/bin/python3';

function hasH5py(): boolean {
  try {
    execFileSync(PYTHON, ['-c', 'import h5py'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function model(): Sequential {
  setRandomSeed(21);
  const m = new Sequential([
    new layers.Flatten({ inputShape: [3, 4] }),
    new layers.Dense(5, { activation: 'elu', kernelInitializer: 'he_normal' }),
    new layers.BatchNormalization(),
    new layers.Dense(2, { activation: 'softmax' }),
  ]);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return m;
}

test('model.save(".keras") writes the Keras 3 zip: config.json, metadata.json, model.weights.h5', async () => {
  const m = model();
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'm.keras');
    await m.save(file);
    const entries = unzipSync(new Uint8Array(readFileSync(file)));
    assert.deepEqual(Object.keys(entries).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
    const config = JSON.parse(strFromU8(entries['config.json'])) as { class_name: string; config: { layers: { class_name: string; config: Record<string, unknown> }[] }; compile_config?: Record<string, unknown> };
    assert.equal(config.class_name, 'Sequential');
    assert.deepEqual(config.config.layers.map((l) => l.class_name), ['InputLayer', 'Flatten', 'Dense', 'BatchNormalization', 'Dense']);
    assert.equal(config.config.layers[2].config.units, 5);
    assert.ok('moving_variance_initializer' in config.config.layers[3].config);
    assert.ok(config.compile_config && 'loss' in config.compile_config, 'compile_config saved');
    const meta = JSON.parse(strFromU8(entries['metadata.json'])) as { keras_version: string };
    assert.match(meta.keras_version, /^3\./);
    const x = randomNormal([4, 3, 4]);
    const back = await loadModel(file);
    assertAllClose((await back.predict(x, { verbose: 0 })).dataSync(), (await m.predict(x, { verbose: 0 })).dataSync(), 1e-7, 1e-6);
  } finally {
    cleanup();
  }
});

test('model.save(".h5") writes the Keras legacy HDF5 layout, readable by h5py', { skip: hasH5py() ? false : 'h5py is not available at /usr/bin/python3' }, async () => {
  const m = model();
  const { dir, cleanup } = tempDir();
  try {
    const file = path.join(dir, 'm.h5');
    await m.save(file);
    const script = [
      'import h5py, json, sys',
      'f = h5py.File(sys.argv[1], "r")',
      'cfg = json.loads(f.attrs["model_config"])',
      'mw = f["model_weights"]',
      'names = [n.decode() if isinstance(n, bytes) else n for n in mw.attrs["layer_names"]]',
      'dense = names[[i for i, n in enumerate(names) if n.startswith("dense")][0]]',
      'wn = [n.decode() if isinstance(n, bytes) else n for n in mw[dense].attrs["weight_names"]]',
      'print(json.dumps({"class_name": cfg["class_name"], "layers": [l["class_name"] for l in cfg["config"]["layers"]],',
      '  "keras_version": str(f.attrs["keras_version"]), "layer_names": names, "weight_names": wn,',
      '  "kernel": mw[dense][wn[0]][()].ravel().tolist(), "training_config": "training_config" in f.attrs}))',
    ].join('\n');
    const out = JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' })) as {
      class_name: string; layers: string[]; keras_version: string; layer_names: string[]; weight_names: string[]; kernel: number[]; training_config: boolean;
    };
    assert.equal(out.class_name, 'Sequential');
    assert.deepEqual(out.layers.filter((c) => c !== 'InputLayer'), ['Flatten', 'Dense', 'BatchNormalization', 'Dense']);
    assert.deepEqual(out.layer_names.map((n) => n.replace(/_\d+$/, '')), ['flatten', 'dense', 'batch_normalization', 'dense']);
    assert.equal(out.weight_names.length, 2);
    assert.match(out.weight_names[0], /kernel/);
    assert.ok(out.training_config, 'training_config saved');
    assertAllClose(out.kernel, m.layers[1].getWeights()[0].dataSync(), 0, 0, 'kernel read by h5py');
    const x = randomNormal([4, 3, 4]);
    const back = await loadModel(file);
    assertAllClose((await back.predict(x, { verbose: 0 })).dataSync(), (await m.predict(x, { verbose: 0 })).dataSync(), 1e-7, 1e-6);
  } finally {
    cleanup();
  }
});

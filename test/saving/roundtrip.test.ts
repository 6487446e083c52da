// Round trips in every format: save -> load gives bit-identical weights and predictions, and training resumes exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, existsSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { Sequential, Model } from '../../src/models/index.js';
import { Dense, BatchNormalization, Dropout, LeakyReLU, PReLU, Flatten, Input } from '../../src/layers/index.js';
import { Adam, SGD } from '../../src/optimizers/index.js';
import { loadModel, saveModel, saveWeights, loadWeights, writeFileAtomic } from '../../src/saving/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'layerwise-saving-'));

function data(n: number, seedBase: number): { x: Tensor; y: Tensor } {
  const x = new Float32Array(n * 12);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37 + seedBase);
  const y = Float32Array.from({ length: n }, (_, i) => (i * 7 + seedBase) % 3);
  return { x: new Tensor(x, [n, 3, 4], 'float32'), y: new Tensor(y, [n], 'float32') };
}

function sequentialModel(): Sequential {
  setRandomSeed(7);
  const m = new Sequential([
    new Flatten({ inputShape: [3, 4] }),
    new Dense(16, { kernelInitializer: 'he_normal' }),
    new BatchNormalization(),
    new LeakyReLU({ negativeSlope: 0.2 }),
    new Dropout(0.1),
    new Dense(8),
    new PReLU(),
    new Dense(3, { activation: 'softmax' }),
  ]);
  m.compile({ optimizer: new Adam({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

function functionalModel(): Model {
  setRandomSeed(11);
  const inp = Input({ shape: [3, 4] });
  const f = new Flatten().apply(inp);
  const h = new Dense(10, { activation: 'relu' }).apply(f);
  const out = new Dense(3, { activation: 'softmax' }).apply(h);
  const m = new Model({ inputs: inp, outputs: out });
  m.compile({ optimizer: new SGD({ learningRate: 0.05, momentum: 0.9 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

function bits(ts: readonly Tensor[]): number[][] {
  return ts.map((t) => Array.from(new Uint32Array(Float32Array.from(t.dataSync()).buffer)));
}

async function assertSameModel(a: Model, b: Model, x: Tensor, what: string): Promise<void> {
  assert.deepEqual(b.weights.map((v) => v.shape), a.weights.map((v) => v.shape), `${what}: weight shapes`);
  assert.deepEqual(bits(b.getWeights()), bits(a.getWeights()), `${what}: weights differ`);
  assert.deepEqual(bits([await b.predict(x, { verbose: 0 })]), bits([await a.predict(x, { verbose: 0 })]), `${what}: predictions differ`);
}

const formats = ['m.keras', 'm.h5', 'tfjs_dir', 'tfjs_file/model.json'];

for (const [kind, make] of [['Sequential', sequentialModel], ['functional', functionalModel]] as const) {
  for (const fmt of formats) {
    test(`${kind} round trip through ${fmt}, optimizer state restored`, async () => {
      const { x, y } = data(32, 1);
      const original = make();
      original.trainOnBatch(x, y);
      original.trainOnBatch(x, y);
      const file = path.join(dir, `${kind}_${fmt}`);
      await original.save(file);
      const loaded = await loadModel(file);
      assert.equal(loaded.className, original.className);
      assert.deepEqual(loaded.layers.map((l) => l.name), original.layers.map((l) => l.name));
      await assertSameModel(original, loaded, x, `${kind} ${fmt}`);
      assert.ok(loaded.optimizer, 'compiled on load');
      const oa = original.optimizer as Adam;
      const ob = loaded.optimizer as Adam;
      assert.equal(ob.className, oa.className);
      assert.equal(ob.iterations, oa.iterations);
      assert.deepEqual(bits(ob.variables().map((v) => v.read())), bits(oa.variables().map((v) => v.read())), 'optimizer variables');
      // One more step from the restored state equals one more step without the save.
      const next = data(32, 2);
      setRandomSeed(99); // same dropout mask for both
      original.trainOnBatch(next.x, next.y);
      setRandomSeed(99);
      loaded.trainOnBatch(next.x, next.y);
      assert.deepEqual(bits(loaded.getWeights()), bits(original.getWeights()), `${kind} ${fmt}: weights after one more step`);
    });
  }
}

test('saveWeights / loadWeights (.weights.h5 and legacy .h5) and loadWeights from a .keras file', async () => {
  const { x, y } = data(16, 3);
  const a = sequentialModel();
  a.trainOnBatch(x, y);
  for (const name of ['w.weights.h5', 'w.h5']) {
    const file = path.join(dir, name);
    await a.saveWeights(file);
    const b = sequentialModel();
    assert.notDeepEqual(bits(b.getWeights()), bits(a.getWeights()));
    await b.loadWeights(file);
    await assertSameModel(a, b, x, name);
  }
  const kfile = path.join(dir, 'for_weights.keras');
  await saveModel(a, kfile);
  const c = sequentialModel();
  await loadWeights(c, kfile);
  await assertSameModel(a, c, x, 'weights from .keras');
  await assert.rejects(saveModel(a, path.join(dir, 'x.weights.h5')), /saveWeights/);
  await assert.rejects(loadModel(path.join(dir, 'w.weights.h5')), /only weights/);
});

test('loadWeights refuses a file whose shapes do not match the model, before assigning anything', async () => {
  const a = sequentialModel();
  const file = path.join(dir, 'small.weights.h5');
  setRandomSeed(3);
  const other = new Sequential([new Flatten({ inputShape: [3, 4] }), new Dense(5), new BatchNormalization(), new LeakyReLU(), new Dropout(0.1), new Dense(8), new PReLU(), new Dense(3)]);
  await saveWeights(other, file);
  const before = bits(a.getWeights());
  await assert.rejects(loadWeights(a, file), /shape \[12, 16\].*\[12, 5\]/);
  assert.deepEqual(bits(a.getWeights()), before, 'no weight changed');
});

test('includeOptimizer: false saves no training state', async () => {
  const a = sequentialModel();
  a.trainOnBatch(data(8, 4).x, data(8, 4).y);
  const file = path.join(dir, 'noopt.h5');
  await saveModel(a, file, { includeOptimizer: false });
  const b = await loadModel(file);
  assert.equal(b.optimizer, undefined);
  const c = await loadModel(path.join(dir, 'noopt.h5'), { compile: false });
  assert.equal(c.compiled, null);
});

test('saves are atomic: no temporary file is left and a failed write keeps the previous file', async () => {
  const file = path.join(dir, 'atomic.bin');
  writeFileSync(file, 'old');
  await writeFileAtomic(file, 'new contents');
  assert.equal(readFileSync(file, 'utf8'), 'new contents');
  await assert.rejects(writeFileAtomic(path.join(dir, 'missing_dir', 'f.bin'), 'x'));
  assert.equal(existsSync(path.join(dir, 'missing_dir')), false);
  const m = sequentialModel();
  const keras = path.join(dir, 'atomic.keras');
  await saveModel(m, keras);
  const before = readFileSync(keras);
  // An unbuilt model fails to save: the previous file must be intact.
  await assert.rejects(saveModel(new Sequential([new Dense(2)]), keras), /no weights yet/);
  assert.deepEqual(readFileSync(keras), before);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('a model nested in a model round-trips in every format (Keras 3 key layers/sequential/layers/dense)', async () => {
  setRandomSeed(4);
  const inner = new Sequential([new Dense(4, { inputShape: [3], activation: 'relu' }), new Dense(3)]);
  const outer = new Sequential([inner, new Dense(2)]);
  const x = new Tensor(Float32Array.from([1, 2, 3, -1, 0, 2]), [2, 3], 'float32');
  for (const f of ['nested.keras', 'nested.h5', 'nested_tfjs']) {
    await saveModel(outer, path.join(dir, f));
    const loaded = await loadModel(path.join(dir, f));
    assert.equal(loaded.layers[0].className, 'Sequential', f);
    await assertSameModel(outer, loaded, x, f);
  }
});

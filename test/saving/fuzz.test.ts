// Fuzzing the loaders: truncated files, flipped bytes, wrong shapes, hostile paths -> a clear Error naming the file,
// never a crash, a hang or a huge allocation (fixed seed, bounded iterations).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { zipSync, unzipSync } from 'fflate';
import '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { Sequential } from '../../src/models/index.js';
import { Dense, BatchNormalization, Flatten } from '../../src/layers/index.js';
import { Adam } from '../../src/optimizers/index.js';
import { loadModel, loadWeights, saveModel, saveWeights } from '../../src/saving/index.js';
import { writeHdf5 } from '../../src/saving/h5.js';

const dir = mkdtempSync(path.join(tmpdir(), 'layerwise-fuzz-'));
const ITERATIONS = 60;
let seed = 20240611;
const rand = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};

function model(): Sequential {
  setRandomSeed(1);
  const m = new Sequential([new Flatten({ inputShape: [2, 3] }), new Dense(5, { activation: 'relu' }), new BatchNormalization(), new Dense(2, { activation: 'softmax' })]);
  m.compile({ optimizer: new Adam(), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  m.trainOnBatch(new Tensor(Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), [4, 2, 3], 'float32'), new Tensor(Float32Array.from([0, 1, 1, 0]), [4], 'float32'));
  return m;
}

before(async () => {
  const m = model();
  await saveModel(m, path.join(dir, 'ok.keras'));
  await saveModel(m, path.join(dir, 'ok.h5'));
  await saveModel(m, path.join(dir, 'ok_tfjs'));
  await saveWeights(m, path.join(dir, 'ok.weights.h5'));
});

function mutate(bytes: Uint8Array): Uint8Array {
  const r = rand();
  if (r < 0.3) return bytes.slice(0, Math.floor(rand() * bytes.length));
  const out = bytes.slice();
  const flips = 1 + Math.floor(rand() * 8);
  for (let k = 0; k < flips; k++) out[Math.floor(rand() * out.length)] ^= 1 + Math.floor(rand() * 255);
  return out;
}

async function expectCleanOutcome(load: () => Promise<unknown>, file: string): Promise<'loaded' | 'refused'> {
  const rssBefore = process.memoryUsage().rss;
  try {
    await load();
    return 'loaded';
  } catch (err) {
    assert.ok(err instanceof Error, `a non-Error was thrown: ${String(err)}`);
    assert.ok(err.message.includes(file), `the error should name the file ${file}: ${err.message}`);
    return 'refused';
  } finally {
    assert.ok(process.memoryUsage().rss - rssBefore < 512 * 1024 * 1024, 'no huge allocation');
  }
}

for (const name of ['ok.keras', 'ok.h5', 'ok.weights.h5']) {
  test(`${name}: ${ITERATIONS} truncations and byte flips give a clear error or a loadable model`, async () => {
    const good = new Uint8Array(readFileSync(path.join(dir, name)));
    const target = model();
    let refused = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const file = path.join(dir, `m${i}_${name}`);
      writeFileSync(file, mutate(good));
      const load = name.endsWith('.weights.h5') ? () => loadWeights(target, file) : () => loadModel(file, { compile: false });
      if ((await expectCleanOutcome(load, file)) === 'refused') refused++;
    }
    assert.ok(refused > ITERATIONS / 4, `most mutations are detected (${refused}/${ITERATIONS})`);
  });
}

test('tfjs: corrupt model.json, wrong or huge shapes, missing or short shards, hostile shard paths', async () => {
  const src = path.join(dir, 'ok_tfjs');
  const json = JSON.parse(readFileSync(path.join(src, 'model.json'), 'utf8'));
  const variants: [string, (j: any) => void][] = [
    ['huge shape', (j) => { j.weightsManifest[0].weights[0].shape = [1e9, 1e9]; }],
    ['wrong shape', (j) => { j.weightsManifest[0].weights[0].shape = [6, 4]; }],
    ['negative dim', (j) => { j.weightsManifest[0].weights[0].shape = [-6, 5]; }],
    ['escaping path', (j) => { j.weightsManifest[0].paths = ['../../etc/passwd']; }],
    ['absolute path', (j) => { j.weightsManifest[0].paths = ['/etc/passwd']; }],
    ['missing shard', (j) => { j.weightsManifest[0].paths = ['nope.bin']; }],
    ['bad dtype', (j) => { j.weightsManifest[0].weights[0].dtype = 'complex64'; }],
    ['no topology', (j) => { delete j.modelTopology; }],
    ['config units', (j) => { j.modelTopology.config.layers[2].config.units = 7; }],
    ['lambda layer', (j) => { j.modelTopology.config.layers[2].class_name = 'Lambda'; }],
  ];
  for (const [what, edit] of variants) {
    const d = path.join(dir, `tfjs_${what.replace(/ /g, '_')}`);
    mkdirSync(d, { recursive: true });
    cpSync(src, d, { recursive: true });
    const j = JSON.parse(JSON.stringify(json));
    edit(j);
    writeFileSync(path.join(d, 'model.json'), JSON.stringify(j));
    const file = path.join(d, 'model.json');
    assert.equal(await expectCleanOutcome(() => loadModel(file), file), 'refused', what);
  }
  const truncated = path.join(dir, 'tfjs_truncated_json');
  mkdirSync(truncated, { recursive: true });
  writeFileSync(path.join(truncated, 'model.json'), JSON.stringify(json).slice(0, 200));
  assert.equal(await expectCleanOutcome(() => loadModel(path.join(truncated, 'model.json')), path.join(truncated, 'model.json')), 'refused');
});

test('.keras: zip entries with absolute or ".." paths, missing entries, wrong shapes in config.json', async () => {
  const entries = unzipSync(new Uint8Array(readFileSync(path.join(dir, 'ok.keras'))));
  const config = JSON.parse(new TextDecoder().decode(entries['config.json']));
  const cases: [string, Record<string, Uint8Array>, RegExp][] = [
    ['dotdot', { ...entries, '../evil.txt': new Uint8Array([1]) }, /refusing zip entry "\.\.\/evil\.txt"/],
    ['absolute', { ...entries, '/tmp/evil.txt': new Uint8Array([1]) }, /refusing zip entry/],
    ['missing', { 'config.json': entries['config.json'], 'metadata.json': entries['metadata.json'] }, /no model\.weights\.h5/],
  ];
  const wrong = JSON.parse(JSON.stringify(config));
  wrong.config.layers[2].config.units = 6;
  cases.push(['units', { ...entries, 'config.json': new TextEncoder().encode(JSON.stringify(wrong)) }, /shape \[6, 6\]|\[6, 5\]|shape/]);
  const lambda = JSON.parse(JSON.stringify(config));
  lambda.config.layers[2].class_name = 'Lambda';
  cases.push(['lambda', { ...entries, 'config.json': new TextEncoder().encode(JSON.stringify(lambda)) }, /Lambda layer.*never runs code/]);
  for (const [what, files, re] of cases) {
    const file = path.join(dir, `zip_${what}.keras`);
    writeFileSync(file, zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, [v, { level: 0 }]]))));
    await assert.rejects(loadModel(file), (err: Error) => err.message.includes(file) && re.test(err.message), what);
  }
  const notModel = path.join(dir, 'text.keras');
  writeFileSync(notModel, 'just some text');
  await assert.rejects(loadModel(notModel), /not a \.keras file/);
});

test('legacy .h5 with long attribute lists split as layer_names0, layer_names1... loads by position', async () => {
  const m = model();
  const file = path.join(dir, 'split.h5');
  const ws = m.layers.filter((l) => l.weights.length > 0);
  const ops: Parameters<typeof writeHdf5>[0] = [
    { op: 'attr', path: '/', name: 'layer_names0', type: 'ascii', value: m.layers.slice(0, 2).map((l) => l.name) },
    { op: 'attr', path: '/', name: 'layer_names1', type: 'ascii', value: m.layers.slice(2).map((l) => l.name) },
  ];
  for (const l of m.layers) {
    ops.push({ op: 'group', path: `/${l.name}` });
    if (l.weights.length === 0) ops.push({ op: 'attr', path: `/${l.name}`, name: 'weight_names', type: 'float64', value: new Float64Array(0) });
    else ops.push({ op: 'attr', path: `/${l.name}`, name: 'weight_names0', type: 'ascii', value: l.weights.map((_, i) => `w${i}`) });
    l.weights.forEach((v, i) => ops.push({ op: 'dataset', path: `/${l.name}/w${i}`, shape: [...v.shape], dtype: 'float32', data: Float32Array.from({ length: v.shape.reduce((a, b) => a * b, 1) }, (_, k) => k * 0.01 + i) }));
  }
  writeFileSync(file, await writeHdf5(ops));
  const target = model();
  await loadWeights(target, file);
  assert.equal(ws.length, 3);
  const first = target.layers[1].weights[0].read().dataSync();
  assert.equal(first[3], Math.fround(0.03));
});

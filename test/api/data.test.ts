// API.md "Data": setRandomSeed, Fashion-MNIST loadData, tensor(...) and the numpy-like tensor methods.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sequential, Tensor, datasets, layers, setRandomSeed, tensor, randomNormal } from 'layerwise';
import { assertAllClose, quietly } from './support.js';

let xTrainFull: Tensor;
let yTrainFull: Tensor;
let xTest: Tensor;
let yTest: Tensor;

before(async () => {
  // loaded once for the whole file (30 MB)
  [[xTrainFull, yTrainFull], [xTest, yTest]] = await datasets.fashionMnist.loadData();
});

test('datasets.fashionMnist.loadData(): uint8 [60000, 28, 28] / [60000] and [10000, 28, 28] / [10000]', () => {
  assert.ok(xTrainFull instanceof Tensor);
  assert.deepEqual(xTrainFull.shape, [60000, 28, 28]);
  assert.equal(xTrainFull.dtype, 'uint8');
  assert.deepEqual(yTrainFull.shape, [60000]);
  assert.equal(yTrainFull.dtype, 'uint8');
  assert.deepEqual(xTest.shape, [10000, 28, 28]);
  assert.equal(xTest.dtype, 'uint8');
  assert.deepEqual(yTest.shape, [10000]);
  assert.equal(yTest.dtype, 'uint8');
  // labels 0..9, 6000 training / 1000 test images per class; pixels 0..255 and not all zero
  const counts = new Array(10).fill(0);
  for (const v of yTrainFull.dataSync()) counts[v]++;
  assert.deepEqual(counts, new Array(10).fill(6000));
  const testCounts = new Array(10).fill(0);
  for (const v of yTest.dataSync()) testCounts[v]++;
  assert.deepEqual(testCounts, new Array(10).fill(1000));
  const first = xTrainFull.sliceAxis(0, 0, 1).dataSync();
  assert.equal(first.length, 784);
  assert.ok(Math.max(...first) <= 255 && Math.max(...first) > 100);
});

test('Fashion-MNIST data handling: slicing along axis 0, scaling with broadcasting, masking, gather, astype', () => {
  // xTrain, xValid = xTrainFull[:-5000] / 255, xTrainFull[-5000:] / 255
  const xTrain = xTrainFull.sliceAxis(0, 0, -5000).div(255);
  const xValid = xTrainFull.sliceAxis(0, -5000).div(255);
  assert.deepEqual(xTrain.shape, [55000, 28, 28]);
  assert.deepEqual(xValid.shape, [5000, 28, 28]);
  assert.equal(xTrain.dtype, 'float32');
  const raw = xTrainFull.sliceAxis(0, 55000, 55001).dataSync();
  assertAllClose(xValid.sliceAxis(0, 0, 1).dataSync(), Array.from(raw, (v) => v / 255));
  // pixel means / stds broadcast over the batch axis
  const small = xTrainFull.sliceAxis(0, 0, 100).astype('float32');
  const means = small.mean(0, true);
  assert.deepEqual(means.shape, [1, 28, 28]);
  const centered = small.sub(means);
  assertAllClose(centered.mean(0).dataSync(), new Array(784).fill(0), 1e-3);
  // shirts (6) vs sandals (5): boolean masks from comparisons
  const y = yTrainFull.sliceAxis(0, 0, 2000);
  const isSandalOrShirt = y.equal(5).logicalOr(y.equal(6));
  assert.equal(isSandalOrShirt.dtype, 'bool');
  const xB = xTrainFull.sliceAxis(0, 0, 2000).booleanMask(isSandalOrShirt);
  const yB = y.booleanMask(isSandalOrShirt).equal(6).astype('float32');
  const expectedCount = Array.from(y.dataSync()).filter((v) => v === 5 || v === 6).length;
  assert.deepEqual(xB.shape, [expectedCount, 28, 28]);
  assert.deepEqual(yB.shape, [expectedCount]);
  assert.equal(yB.dtype, 'float32');
  assert.ok(expectedCount > 200);
  // the first kept image is the first sandal/shirt of the slice
  const firstIdx = Array.from(y.dataSync()).findIndex((v) => v === 5 || v === 6);
  assert.deepEqual([...xB.sliceAxis(0, 0, 1).dataSync()], [...xTrainFull.sliceAxis(0, firstIdx, firstIdx + 1).dataSync()]);
  // gather rows by index
  const picked = xTrainFull.gather(tensor([3, 1], [2], 'int32'), 0);
  assert.deepEqual(picked.shape, [2, 28, 28]);
  assert.deepEqual([...picked.sliceAxis(0, 1, 2).dataSync()], [...xTrainFull.sliceAxis(0, 1, 2).dataSync()]);
});

test('tensor(data, shape?, dtype?): float32 by default; shape, dtype, dataSync (a copy), array()', () => {
  const t = tensor([[1, 2], [3, 4]]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.shape, [2, 2]);
  const data = t.dataSync();
  assert.ok(data instanceof Float32Array);
  assert.deepEqual([...data], [1, 2, 3, 4]);
  data[0] = 99;
  assert.equal(t.dataSync()[0], 1, 'dataSync returns a copy');
  assert.deepEqual(t.array(), [[1, 2], [3, 4]]);
  const i = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
  assert.equal(i.dtype, 'int32');
  assert.ok(i.dataSync() instanceof Int32Array);
  assert.deepEqual(i.array(), [[1, 2, 3], [4, 5, 6]]);
  assert.throws(() => tensor([1, 2, 3], [2, 2]), /shape|values/);
  const fromTyped = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
  assert.deepEqual([fromTyped.dtype, fromTyped.shape], ['float32', [3, 2]]);
  assert.deepEqual(fromTyped.array(), [[1, 2], [3, 4], [5, 6]]);
  assert.equal(tensor(new Uint8Array([1, 255])).dtype, 'uint8');
  assert.deepEqual([...tensor([1.5, 2.5], [2], 'float64').dataSync()], [1.5, 2.5]);
});

test('tensor arithmetic broadcasts like numpy; comparison; reshape; astype', () => {
  const a = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(a.add(tensor([10, 20, 30])).array(), [[11, 22, 33], [14, 25, 36]]);
  assert.deepEqual(a.mul(tensor([[2], [3]])).array(), [[2, 4, 6], [12, 15, 18]]);
  assert.deepEqual(a.sub(1).array(), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(a.div(tensor([1, 2, 4])).array(), [[1, 1, 0.75], [4, 2.5, 1.5]]);
  assert.deepEqual(tensor([[1], [2]]).add(tensor([10, 20])).shape, [2, 2]);
  const cmp = a.greater(3);
  assert.equal(cmp.dtype, 'bool');
  assert.deepEqual((cmp.array() as unknown[][]).map((row) => row.map(Boolean)), [[false, false, false], [true, true, true]]);
  assert.deepEqual(Array.from(cmp.dataSync()), [0, 0, 0, 1, 1, 1]);
  assert.deepEqual(Array.from(a.lessEqual(tensor([1, 5, 9])).dataSync()), [1, 1, 1, 0, 1, 1]);
  const r = a.reshape([3, 2]);
  assert.deepEqual(r.array(), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(a.reshape([-1]).shape, [6]);
  const asInt = tensor([1.7, -1.7, 2.2]).astype('int32');
  assert.equal(asInt.dtype, 'int32');
  assert.deepEqual([...asInt.dataSync()], [1, -1, 2]);
  assert.deepEqual(a.sliceAxis(0, 1).array(), [[4, 5, 6]]);
  assert.throws(() => a.add(tensor([1, 2])), /shape|broadcast/i);
});

test('setRandomSeed(42) makes initializers, shuffling and dropout reproducible', async () => {
  const x = randomNormal([40, 4]);
  const y = x.sum(1, true);
  const run = async (seed: number): Promise<{ w: number[]; loss: number[]; drop: number[] }> => {
    setRandomSeed(seed);
    const m = new Sequential([new layers.Dense(8, { activation: 'relu', inputShape: [4] }), new layers.Dropout(0.5), new layers.Dense(1)]);
    const w = [...m.getWeights()[0].dataSync()];
    m.compile({ loss: 'mse', optimizer: 'sgd' });
    const h = await quietly(() => m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 }));
    const drop = [...new layers.Dropout(0.5).apply(tensor(new Array(64).fill(1)), { training: true }).dataSync()];
    return { w, loss: h.history.loss, drop };
  };
  const a = await run(42);
  const b = await run(42);
  const c = await run(43);
  assert.deepEqual(a, b, 'same seed, same initial weights, losses and dropout masks');
  assert.notDeepEqual(a.w, c.w, 'another seed, other weights');
  assert.notDeepEqual(a.drop, c.drop, 'another seed, another dropout mask');
  assert.ok(a.drop.some((v) => v === 0) && a.drop.some((v) => v === 2), 'dropout zeroes and rescales by 1/(1-rate)');
});

test('setRandomSeed(42) is reproducible run to run (two separate processes)', () => {
  const code = [
    "import { Sequential, layers, setRandomSeed, randomNormal } from 'layerwise';",
    'setRandomSeed(42);',
    'const x = randomNormal([48, 5]); const y = x.sum(1, true);',
    "const m = new Sequential([new layers.Dense(8, { inputShape: [5], kernelInitializer: 'he_normal' }),",
    '  new layers.RReLU({ lower: 1 / 8, upper: 1 / 3 }), new layers.Dropout(0.3), new layers.Dense(1)]);',
    "m.compile({ loss: 'mse', optimizer: 'sgd' });",
    'const h = await m.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });',
    'console.log(JSON.stringify({ loss: h.history.loss, w: Array.from(m.getWeights()[0].dataSync()) }));',
  ].join('\n');
  const root = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));
  const run = (): { loss: number[]; w: number[] } =>
    JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', code], { cwd: root, encoding: 'utf8' })) as { loss: number[]; w: number[] };
  const a = run();
  const b = run();
  assert.equal(a.loss.length, 2);
  assert.ok(a.loss.every(Number.isFinite));
  assert.deepEqual(b, a);
});

// API.md listings 11.1.1-11.1.4 from the built package root: initializers, activation layers, SELU net, BN models, clipping.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers, initializers, optimizers, setRandomSeed, tensor, randomNormal, zeros } from 'layerwise';
import { assertAllClose, captureLog, denseParams, meanStd, quietly } from './support.js';

const countParams = (m: { getWeights(): { shape: number[] }[] }): number =>
  m.getWeights().reduce((acc, w) => acc + w.shape.reduce((a, b) => a * b, 1), 0);

test('11.1.1: Dense with kernelInitializer "he_normal" draws He-normal kernels', () => {
  setRandomSeed(42);
  const dense = new layers.Dense(10, { activation: 'relu', kernelInitializer: 'he_normal' });
  const y = dense.apply(zeros([2, 784]));
  assert.ok(!Array.isArray(y) && 'dataSync' in y);
  assert.deepEqual(y.shape, [2, 10]);
  const [kernel, bias] = dense.getWeights();
  assert.deepEqual(kernel.shape, [784, 10]);
  assert.deepEqual([...bias.dataSync()], new Array(10).fill(0));
  const { mean, std } = meanStd(kernel.dataSync());
  const expected = Math.sqrt(2 / 784);
  assert.ok(Math.abs(mean) < 0.1 * expected, `mean ${mean}`);
  assert.ok(Math.abs(std / expected - 1) < 0.08, `std ${std}, expected about ${expected}`);
  // truncated normal: no sample beyond two (untruncated) standard deviations
  const limit = (2 * expected) / 0.87962566103423978;
  assert.ok(kernel.dataSync().every((v) => Math.abs(v) <= limit + 1e-6));
  const cfg = dense.getConfig() as { kernel_initializer: { class_name: string }; activation: string };
  assert.equal(cfg.kernel_initializer.class_name, 'HeNormal');
  assert.equal(cfg.activation, 'relu');
});

test('11.1.1: VarianceScaling({scale: 2, mode: "fan_avg", distribution: "uniform"}) as a Dense kernel initializer', () => {
  setRandomSeed(42);
  const heAvgInit = new initializers.VarianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'uniform' });
  const dense = new layers.Dense(10, { activation: 'sigmoid', kernelInitializer: heAvgInit });
  const out = dense.apply(zeros([1, 784]));
  assert.ok(!Array.isArray(out));
  // output of sigmoid on a zero input with zero bias is 0.5
  assertAllClose(out.dataSync(), new Array(10).fill(0.5));
  const kernel = dense.getWeights()[0].dataSync();
  const limit = Math.sqrt((3 * 2) / ((784 + 10) / 2));
  assert.ok(kernel.every((v) => Math.abs(v) <= limit + 1e-7), 'all samples inside [-limit, limit]');
  const { std } = meanStd(kernel);
  assert.ok(Math.abs(std / (limit / Math.sqrt(3)) - 1) < 0.08, `std ${std}`);
  const cfg = dense.getConfig() as { kernel_initializer: { class_name: string; config: Record<string, unknown> } };
  assert.equal(cfg.kernel_initializer.class_name, 'VarianceScaling');
  assert.equal(cfg.kernel_initializer.config.scale, 2);
  assert.equal(cfg.kernel_initializer.config.mode, 'fan_avg');
  assert.equal(cfg.kernel_initializer.config.distribution, 'uniform');
});

test('11.1.2: LeakyReLU model (negativeSlope 0.2; alpha accepted as the Keras 2 alias)', async () => {
  setRandomSeed(42);
  const leaky = new Sequential([
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.Dense(10, { kernelInitializer: 'he_normal' }),
    new layers.LeakyReLU({ negativeSlope: 0.2 }),
  ]);
  assert.equal(countParams(leaky), denseParams(784, 10));
  const x = randomNormal([4, 28, 28]);
  const out = await leaky.predict(x, { verbose: 0 });
  assert.deepEqual(out.shape, [4, 10]);
  const pre = leaky.layers[1].apply(leaky.layers[0].apply(x));
  assert.ok(!Array.isArray(pre));
  const expected = Array.from(pre.dataSync(), (v) => (v < 0 ? 0.2 * v : v));
  assertAllClose(out.dataSync(), expected, 1e-5);
  assert.ok(expected.some((v) => v < 0), 'some negative pre-activations were scaled');

  const alias = new layers.LeakyReLU({ alpha: 0.3 } as never);
  const y = alias.apply(tensor([-1, 2]));
  assert.ok(!Array.isArray(y));
  assertAllClose(y.dataSync(), [-0.3, 2]);
  assert.equal((alias.getConfig() as { negative_slope: number }).negative_slope, 0.3);
});

test('11.1.2: PReLU model builds with one learned slope per unit', async () => {
  setRandomSeed(42);
  const prelu = new Sequential([
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.Dense(300, { kernelInitializer: 'he_normal' }), new layers.PReLU(),
    new layers.Dense(100, { kernelInitializer: 'he_normal' }), new layers.PReLU(),
    new layers.Dense(10, { activation: 'softmax' }),
  ]);
  assert.equal(countParams(prelu), denseParams(784, 300) + 300 + denseParams(300, 100) + 100 + denseParams(100, 10));
  assert.deepEqual(prelu.layers[2].getWeights().map((w) => w.shape), [[300]]);
  const out = await prelu.predict(randomNormal([3, 28, 28]), { verbose: 0 });
  assert.deepEqual(out.shape, [3, 10]);
  const rows = out.array() as number[][];
  for (const r of rows) assert.ok(Math.abs(r.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'softmax rows sum to 1');
  // PReLU alphas start at zero (Keras), so it behaves as ReLU at first
  const p = new layers.PReLU();
  const y = p.apply(tensor([[-2, 3]]));
  assert.ok(!Array.isArray(y));
  assertAllClose(y.dataSync(), [0, 3]);
});

test('11.1.2: RReLU uses random slopes in training and the mean slope in inference', () => {
  const lower = 1 / 8;
  const upper = 1 / 3;
  const rrelu = new layers.RReLU({ lower, upper });
  const neg = tensor(new Array(1000).fill(-1), [1000]);
  const inf = rrelu.apply(neg, { training: false });
  assert.ok(!Array.isArray(inf));
  assertAllClose(inf.dataSync(), new Array(1000).fill(-(lower + upper) / 2));
  setRandomSeed(7);
  const a = rrelu.apply(neg, { training: true });
  setRandomSeed(7);
  const b = rrelu.apply(neg, { training: true });
  assert.ok(!Array.isArray(a) && !Array.isArray(b));
  const slopes = Array.from(a.dataSync(), (v) => -v);
  assert.ok(slopes.every((s) => s >= lower - 1e-7 && s <= upper + 1e-7), 'slopes in [lower, upper]');
  assert.ok(new Set(slopes).size > 100, 'slopes differ between elements');
  assert.deepEqual([...a.dataSync()], [...b.dataSync()], 'same seed, same slopes');
  const pos = rrelu.apply(tensor([2, 5]), { training: true });
  assert.ok(!Array.isArray(pos));
  assertAllClose(pos.dataSync(), [2, 5]);
});

test('11.1.2: ELU({alpha: 1.0})', () => {
  const elu = new layers.ELU({ alpha: 1.0 });
  const y = elu.apply(tensor([-1, 0, 2]));
  assert.ok(!Array.isArray(y));
  assertAllClose(y.dataSync(), [Math.exp(-1) - 1, 0, 2]);
});

test('11.1.2: the 100-layer SELU network builds, counts its parameters and self-normalizes', async () => {
  setRandomSeed(42);
  const selu = new Sequential();
  selu.add(new layers.Flatten({ inputShape: [28, 28] }));
  selu.add(new layers.Dense(300, { activation: 'selu', kernelInitializer: 'lecun_normal' }));
  for (let i = 0; i < 99; i++) selu.add(new layers.Dense(100, { activation: 'selu', kernelInitializer: 'lecun_normal' }));
  selu.add(new layers.Dense(10, { activation: 'softmax' }));
  assert.equal(selu.layers.length, 102);
  const total = denseParams(784, 300) + denseParams(300, 100) + 98 * denseParams(100, 100) + denseParams(100, 10);
  assert.equal(countParams(selu), total);
  const { result: text } = captureLog(() => selu.summary());
  assert.equal(typeof text, 'string');
  assert.ok(text.includes(`Total params: ${total.toLocaleString('en-US')}`), 'summary total');
  assert.ok(text.includes(`Trainable params: ${total.toLocaleString('en-US')}`), 'summary trainable');
  assert.ok(text.includes('Non-trainable params: 0'), 'summary non-trainable');
  const cfg = selu.layers[5].getConfig() as { activation: string; kernel_initializer: { class_name: string } };
  assert.equal(cfg.activation, 'selu');
  assert.equal(cfg.kernel_initializer.class_name, 'LecunNormal');
  // standardized inputs stay roughly standardized through 100 SELU layers (shares the layers of `selu`)
  const hidden = new Sequential(selu.layers.slice(0, -1));
  const h = await hidden.predict(randomNormal([256, 28, 28]), { verbose: 0 });
  assert.deepEqual(h.shape, [256, 100]);
  const { mean, std } = meanStd(h.dataSync());
  assert.ok(Math.abs(mean) < 0.5 && std > 0.5 && std < 1.5, `mean ${mean}, std ${std} after 100 SELU layers`);
});

test('11.1.3: BN model: summary() prints the Keras table and returns it; 271,346 / 268,978 / 2,368', () => {
  setRandomSeed(42);
  const bn = new Sequential([
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.BatchNormalization(),
    new layers.Dense(300, { activation: 'elu', kernelInitializer: 'he_normal' }),
    new layers.BatchNormalization(),
    new layers.Dense(100, { activation: 'elu', kernelInitializer: 'he_normal' }),
    new layers.BatchNormalization(),
    new layers.Dense(10, { activation: 'softmax' }),
  ]);
  const { result: text, lines } = captureLog(() => bn.summary());
  assert.equal(typeof text, 'string');
  assert.ok(lines.length > 0, 'summary() printed something');
  assert.equal(lines.join('\n').trim(), text.trim(), 'printed table equals the returned string');
  assert.ok(text.includes('Total params: 271,346'), text);
  assert.ok(text.includes('Trainable params: 268,978'), text);
  assert.ok(text.includes('Non-trainable params: 2,368'), text);
  assert.match(text, /batch_normalization.*\(BatchNormalization\)/);
  assert.match(text, /\(None, 784\)/);
  assert.equal(countParams(bn), 271346);
  const bn1 = bn.layers[1];
  assert.deepEqual(bn1.getWeights().map((w) => w.shape), [[784], [784], [784], [784]]);
  assert.equal(bn1.trainableWeights.length, 2);
  assert.equal(bn1.nonTrainableWeights.length, 2);
});

test('11.1.3: BN before the activation (useBias: false, Activation("elu"), momentum/epsilon/axis)', async () => {
  setRandomSeed(42);
  const bnBefore = new Sequential([
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.BatchNormalization(),
    new layers.Dense(300, { kernelInitializer: 'he_normal', useBias: false }),
    new layers.BatchNormalization(),
    new layers.Activation('elu'),
    new layers.Dense(100, { kernelInitializer: 'he_normal', useBias: false }),
    new layers.BatchNormalization({ momentum: 0.99, epsilon: 1e-3, axis: -1 }),
    new layers.Activation('elu'),
    new layers.Dense(10, { activation: 'softmax' }),
  ]);
  assert.equal(countParams(bnBefore), 4 * 784 + 784 * 300 + 4 * 300 + 300 * 100 + 4 * 100 + denseParams(100, 10));
  assert.equal(bnBefore.layers[2].getWeights().length, 1, 'useBias: false leaves only the kernel');
  const cfg = bnBefore.layers[6].getConfig() as { momentum: number; epsilon: number; axis: number | number[] };
  assert.equal(cfg.momentum, 0.99);
  assert.equal(cfg.epsilon, 1e-3);
  assert.deepEqual([cfg.axis].flat(), [-1]);
  assert.equal((bnBefore.layers[4].getConfig() as { activation: string }).activation, 'elu');
  const out = await bnBefore.predict(randomNormal([5, 28, 28]), { verbose: 0 });
  assert.deepEqual(out.shape, [5, 10]);
});

test('11.1.4: SGD({learningRate: 0.01, clipValue: 1.0}) compiles with "mse" and clips every gradient element', async () => {
  setRandomSeed(42);
  const bn = new Sequential([
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.BatchNormalization(),
    new layers.Dense(300, { activation: 'elu', kernelInitializer: 'he_normal' }),
    new layers.BatchNormalization(),
    new layers.Dense(10, { activation: 'softmax' }),
  ]);
  const clipped = new optimizers.SGD({ learningRate: 0.01, clipValue: 1.0 });
  assert.equal(clipped.learningRate, 0.01);
  bn.compile({ loss: 'mse', optimizer: clipped });
  const x = randomNormal([64, 28, 28]).add(3);
  const y = tensor(Array.from({ length: 64 }, (_, i) => i % 10), [64], 'int32').oneHot(10);
  const movingMeanBefore = bn.layers[1].getWeights()[2].dataSync()[0];
  const h = await quietly(() => bn.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 }));
  assert.ok(Number.isFinite(h.history.loss[0]));
  assert.notEqual(bn.layers[1].getWeights()[2].dataSync()[0], movingMeanBefore, 'BN moving mean updated in fit');

  // one step on a huge gradient: w moves by exactly learningRate * clipValue
  const m = new Sequential([new layers.Dense(1, { useBias: false, kernelInitializer: 'zeros', inputShape: [1] })]);
  m.compile({ loss: 'mse', optimizer: new optimizers.SGD({ learningRate: 0.01, clipValue: 1.0 }) });
  await m.fit(tensor([[100]]), tensor([[1e4]]), { epochs: 1, batchSize: 1, verbose: 0 });
  assertAllClose(m.getWeights()[0].dataSync(), [0.01], 1e-7);
});

test('11.1.4: setting two clipping options is an error', () => {
  assert.throws(() => new optimizers.SGD({ learningRate: 0.01, clipValue: 1.0, clipNorm: 1.0 }), /clip/i);
  assert.throws(() => new optimizers.Adam({ clipNorm: 1.0, globalClipNorm: 1.0 }), /clip/i);
  assert.doesNotThrow(() => new optimizers.SGD({ globalClipNorm: 1.0 }));
});

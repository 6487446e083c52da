// API.md "Models": fit options and History, evaluate, predict, summary, weights, trainable, getConfig/fromConfig.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, Tensor, callbacks, layers, optimizers, setRandomSeed, tensor, randomNormal } from 'layerwise';
import { assertAllClose, captureLog, quietly } from './support.js';

/** A small 3-class problem: the class is the argmax of the first 3 features. */
function problem(n: number, seed = 1): { x: Tensor; y: Tensor } {
  setRandomSeed(seed);
  const x = randomNormal([n, 6]);
  const y = x.sliceAxis(1, 0, 3).argmax(1);
  return { x, y };
}

function classifier(seed = 42): Sequential {
  setRandomSeed(seed);
  const m = new Sequential([
    new layers.Dense(16, { activation: 'relu', inputShape: [6], kernelInitializer: 'he_normal' }),
    new layers.Dense(3, { activation: 'softmax' }),
  ]);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.Adam({ learningRate: 0.01 }), metrics: ['accuracy'] });
  return m;
}

test('fit returns a History: loss/accuracy/val_loss/val_accuracy per epoch with validationData', async () => {
  const { x, y } = problem(96);
  const v = problem(32, 2);
  const m = classifier();
  const history = await quietly(() => m.fit(x, y, { epochs: 3, batchSize: 16, validationData: [v.x, v.y] }));
  assert.deepEqual(Object.keys(history.history).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
  for (const k of Object.keys(history.history)) assert.equal(history.history[k].length, 3, k);
  assert.ok(history.history.loss[2] < history.history.loss[0], 'training lowers the loss');
  // val_loss of the last epoch is the loss of the final weights on the validation data
  const [valLoss, valAcc] = await m.evaluate(v.x, v.y, { verbose: 0 });
  assertAllClose([history.history.val_loss[2], history.history.val_accuracy[2]], [valLoss, valAcc], 1e-5, 1e-4);
});

test('fit validationSplit holds out the last samples', async () => {
  const { x, y } = problem(40);
  const m = classifier();
  const history = await quietly(() => m.fit(x, y, { epochs: 2, batchSize: 10, validationSplit: 0.25, verbose: 0 }));
  assert.equal(history.history.val_loss.length, 2);
  const [tailLoss] = await m.evaluate(x.sliceAxis(0, 30), y.sliceAxis(0, 30), { verbose: 0 });
  assertAllClose([history.history.val_loss[1]], [tailLoss], 1e-5, 1e-4);
});

test('fit callbacks, initialEpoch and signal', async () => {
  const { x, y } = problem(64);
  const seen: { epoch: number; logs: Record<string, number> }[] = [];
  let batches = 0;
  class Recorder extends callbacks.Callback {
    override onEpochEnd(epoch: number, logs: Record<string, number> = {}): void {
      seen.push({ epoch, logs: { ...logs } });
    }
    override onBatchEnd(): void {
      batches++;
    }
  }
  const m = classifier();
  const h = await m.fit(x, y, { epochs: 5, initialEpoch: 3, batchSize: 16, verbose: 0, callbacks: [new Recorder()] });
  assert.deepEqual(seen.map((s) => s.epoch), [3, 4]);
  assert.equal(batches, 2 * 4);
  assert.equal(h.history.loss.length, 2);
  assert.equal(seen[1].logs.loss, h.history.loss[1]);

  const controller = new AbortController();
  class Aborter extends callbacks.Callback {
    override onEpochEnd(epoch: number): void {
      if (epoch === 1) controller.abort();
    }
  }
  const aborted = await m.fit(x, y, { epochs: 50, batchSize: 16, verbose: 0, callbacks: [new Aborter()], signal: controller.signal });
  assert.ok(aborted.history.loss.length >= 2 && aborted.history.loss.length <= 3, `stopped after ${aborted.history.loss.length} epochs`);
});

test('fit classWeight equals the matching sampleWeight; both change training', async () => {
  const { x, y } = problem(48);
  const weights = { 0: 2, 1: 0.5, 2: 1 } as Record<number, number>;
  const sw = tensor(Array.from(y.dataSync(), (c) => weights[c]));
  const run = async (opts: { classWeight?: Record<number, number>; sampleWeight?: Tensor }): Promise<{ loss: number[]; w: number[] }> => {
    const m = classifier(5);
    const h = await m.fit(x, y, { epochs: 2, batchSize: 48, shuffle: false, verbose: 0, ...opts });
    return { loss: h.history.loss, w: [...m.getWeights()[0].dataSync()] };
  };
  const byClass = await run({ classWeight: weights });
  const bySample = await run({ sampleWeight: sw });
  const plain = await run({});
  assertAllClose(byClass.loss, bySample.loss, 1e-6, 1e-5, 'loss');
  assertAllClose(byClass.w, bySample.w, 1e-6, 1e-5, 'kernel');
  assert.notDeepEqual(byClass.w, plain.w);
});

test('fit shuffles by default (shuffle = true) and not with shuffle: false', async () => {
  const { x, y } = problem(64);
  const weightsAfter = async (shuffle?: boolean): Promise<number[]> => {
    const m = classifier(6);
    setRandomSeed(100);
    await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, ...(shuffle === undefined ? {} : { shuffle }) });
    return [...m.getWeights()[0].dataSync()];
  };
  const byDefault = await weightsAfter();
  assert.deepEqual(await weightsAfter(true), byDefault, 'default is shuffle: true');
  assert.notDeepEqual(await weightsAfter(false), byDefault, 'shuffle: false trains in order');
});

test('evaluate returns [loss, accuracy] (Keras order), predict returns a Tensor', async () => {
  const { x, y } = problem(50);
  const m = classifier();
  await m.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0 });
  const result = await m.evaluate(x, y, { verbose: 0 });
  assert.ok(Array.isArray(result));
  assert.equal(result.length, 2);
  const probs = await m.predict(x, { batchSize: 7 });
  assert.ok(probs instanceof Tensor);
  assert.deepEqual(probs.shape, [50, 3]);
  assertAllClose(probs.dataSync(), (await m.predict(x, { verbose: 0 })).dataSync(), 1e-6);
  const p = probs.array() as number[][];
  const labels = Array.from(y.dataSync());
  const loss = -labels.reduce((acc, c, i) => acc + Math.log(p[i][c]), 0) / labels.length;
  const acc = labels.filter((c, i) => p[i].indexOf(Math.max(...p[i])) === c).length / labels.length;
  assertAllClose(result, [loss, acc], 1e-5, 1e-4, 'evaluate');
  assert.equal(m.layers.length, 2);
  assert.equal(m.layers[1].className, 'Dense');
});

test('summary() returns the table as a string', () => {
  const m = classifier();
  const { result, lines } = captureLog(() => m.summary());
  assert.equal(typeof result, 'string');
  assert.ok(lines.length > 3);
  assert.ok(result.includes(`Total params: ${6 * 16 + 16 + 16 * 3 + 3}`));
  assert.match(result, /Layer \(type\)/);
});

test('getWeights/setWeights copy the weights; wrong shapes are rejected', async () => {
  const a = classifier(1);
  const b = classifier(2);
  const { x } = problem(5);
  assert.notDeepEqual([...(await a.predict(x, { verbose: 0 })).dataSync()], [...(await b.predict(x, { verbose: 0 })).dataSync()]);
  const w = a.getWeights();
  assert.equal(w.length, 4);
  assert.deepEqual(w.map((t) => t.shape), [[6, 16], [16], [16, 3], [3]]);
  b.setWeights(w);
  assertAllClose((await b.predict(x, { verbose: 0 })).dataSync(), (await a.predict(x, { verbose: 0 })).dataSync(), 1e-7);
  assert.throws(() => b.setWeights(w.slice(0, 3)));
  assert.throws(() => b.setWeights([w[2], w[3], w[0], w[1]]));
});

test('layer.trainable = false (then compile) freezes that layer in fit', async () => {
  const { x, y } = problem(32);
  const m = classifier();
  m.layers[0].trainable = false;
  assert.equal(m.trainableWeights.length, 2);
  assert.equal(m.nonTrainableWeights.length, 2);
  m.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam' });
  const [k0, , k1] = m.getWeights().map((t) => [...t.dataSync()]);
  await m.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  const after = m.getWeights().map((t) => [...t.dataSync()]);
  assert.deepEqual(after[0], k0, 'frozen kernel unchanged');
  assert.notDeepEqual(after[2], k1, 'trainable kernel updated');
  const { result } = captureLog(() => m.summary());
  assert.ok(result.includes(`Non-trainable params: ${6 * 16 + 16}`));
});

test('getConfig uses Keras keys and class names; Sequential.fromConfig rebuilds the model', async () => {
  const m = classifier();
  const config = m.getConfig() as { name: string; layers: { class_name: string; config: Record<string, unknown> }[] };
  assert.equal(typeof config.name, 'string');
  const classes = config.layers.map((l) => l.class_name);
  assert.deepEqual(classes.filter((c) => c !== 'InputLayer'), ['Dense', 'Dense']);
  const dense = config.layers.find((l) => l.class_name === 'Dense')!.config;
  assert.equal(dense.units, 16);
  assert.equal(dense.use_bias, true);
  assert.equal((dense.kernel_initializer as { class_name: string }).class_name, 'HeNormal');
  assert.ok(!('useBias' in dense) && !('kernelInitializer' in dense), 'no camelCase keys');
  const rebuilt = Sequential.fromConfig(JSON.parse(JSON.stringify(config)));
  assert.ok(rebuilt instanceof Sequential);
  assert.deepEqual(rebuilt.layers.map((l) => l.className), ['Dense', 'Dense']);
  assert.deepEqual(rebuilt.getWeights().map((t) => t.shape), m.getWeights().map((t) => t.shape));
  rebuilt.setWeights(m.getWeights());
  const { x } = problem(4);
  assertAllClose((await rebuilt.predict(x, { verbose: 0 })).dataSync(), (await m.predict(x, { verbose: 0 })).dataSync(), 1e-7);
});

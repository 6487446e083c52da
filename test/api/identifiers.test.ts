// API.md conventions: string identifiers in snake_case and camelCase; getConfig with Keras keys and class names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential, layers, optimizers, setRandomSeed, randomNormal } from 'layerwise';
import { assertAllClose } from './support.js';

/** Every key of a (nested) config object; class_name values are not keys. */
function allKeys(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) allKeys(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      allKeys(v, out);
    }
  }
  return out;
}

test('kernelInitializer "he_normal" and "heNormal" are the same initializer', () => {
  const draw = (id: string): number[] => {
    setRandomSeed(3);
    const d = new layers.Dense(5, { kernelInitializer: id, inputShape: [20] });
    new Sequential([d]);
    return [...d.getWeights()[0].dataSync()];
  };
  const snake = draw('he_normal');
  assert.deepEqual(draw('heNormal'), snake);
  assert.notDeepEqual(draw('glorot_uniform'), snake);
  assert.deepEqual(draw('lecunNormal'), draw('lecun_normal'));
});

test('compile accepts "sparse_categorical_crossentropy" and "sparseCategoricalCrossentropy"', async () => {
  setRandomSeed(4);
  const x = randomNormal([20, 4]);
  const y = x.argmax(1);
  const results: number[][] = [];
  for (const loss of ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy']) {
    setRandomSeed(9);
    const m = new Sequential([new layers.Dense(4, { activation: 'softmax', inputShape: [4] })]);
    m.compile({ loss, optimizer: 'sgd', metrics: ['accuracy'] });
    results.push(await m.evaluate(x, y, { verbose: 0 }));
  }
  assert.equal(results[0].length, 2);
  assert.ok(results[0][0] > 0);
  assertAllClose(results[1], results[0], 0);
  assert.throws(() => new Sequential([new layers.Dense(1, { inputShape: [2] })]).compile({ loss: 'no_such_loss', optimizer: 'sgd' }), /no_such_loss/);
});

test('activation identifiers in snake_case and camelCase', async () => {
  setRandomSeed(5);
  const x = randomNormal([6, 3]);
  const out: number[][] = [];
  for (const activation of ['leaky_relu', 'leakyRelu']) {
    setRandomSeed(11);
    const m = new Sequential([new layers.Dense(4, { activation, inputShape: [3] })]);
    out.push([...(await m.predict(x, { verbose: 0 })).dataSync()]);
    assert.equal((m.layers[0].getConfig() as { activation: string }).activation, 'leaky_relu');
  }
  assert.deepEqual(out[1], out[0]);
  assert.ok(out[0].some((v) => v < 0), 'negative part kept (leaky)');
});

test('getConfig uses Keras snake_case keys and Keras class names', () => {
  const model = new Sequential([
    new layers.Flatten({ inputShape: [4, 4] }),
    new layers.Dense(8, { kernelInitializer: 'he_normal', useBias: false }),
    new layers.BatchNormalization({ momentum: 0.9 }),
    new layers.Activation('elu'),
    new layers.LeakyReLU({ negativeSlope: 0.1 }),
    new layers.PReLU(),
    new layers.ELU({ alpha: 0.5 }),
    new layers.Dropout(0.25),
    new layers.Dense(2, { activation: 'softmax' }),
  ]);
  const config = model.getConfig() as { layers: { class_name: string; config: Record<string, unknown> }[] };
  const entries = config.layers.filter((l) => l.class_name !== 'InputLayer');
  assert.deepEqual(entries.map((l) => l.class_name), ['Flatten', 'Dense', 'BatchNormalization', 'Activation', 'LeakyReLU', 'PReLU', 'ELU', 'Dropout', 'Dense']);
  const upper = allKeys(config).filter((k) => /[A-Z]/.test(k));
  assert.deepEqual(upper, [], `camelCase keys in getConfig: ${upper.join(', ')}`);
  const dense = entries[1].config;
  assert.equal(dense.use_bias, false);
  assert.equal((dense.kernel_initializer as { class_name: string }).class_name, 'HeNormal');
  const bn = entries[2].config;
  for (const k of ['axis', 'momentum', 'epsilon', 'center', 'scale', 'beta_initializer', 'gamma_initializer', 'moving_mean_initializer', 'moving_variance_initializer']) {
    assert.ok(k in bn, `BatchNormalization config has ${k}`);
  }
  assert.equal(bn.momentum, 0.9);
  assert.equal(entries[4].config.negative_slope, 0.1);
  assert.equal(entries[6].config.alpha, 0.5);
  assert.equal(entries[7].config.rate, 0.25);
  assert.ok('alpha_initializer' in entries[5].config);

  const opt = new optimizers.SGD({ learningRate: 0.01, clipValue: 1.0 });
  const oc = opt.getConfig();
  assertAllClose([oc.learning_rate as number], [0.01]);
  assert.equal(oc.clipvalue, 1.0);
  assert.deepEqual(allKeys(oc).filter((k) => /[A-Z]/.test(k)), []);
});

test('where API.md is silent, Keras 3 defaults apply', () => {
  assert.equal((new layers.LeakyReLU().getConfig() as { negative_slope: number }).negative_slope, 0.3);
  assert.equal((new layers.Dense(2).getConfig() as { kernel_initializer: { class_name: string } }).kernel_initializer.class_name, 'GlorotUniform');
  const bn = new layers.BatchNormalization().getConfig() as { momentum: number; epsilon: number; axis: number };
  assert.deepEqual([bn.momentum, bn.epsilon, bn.axis], [0.99, 0.001, -1]);
  assert.equal((new layers.ELU().getConfig() as { alpha: number }).alpha, 1);
  assertAllClose([optimizers.get('sgd').learningRate, optimizers.get('adam').learningRate], [0.01, 0.001], 1e-9);
  assert.equal(optimizers.get('adam').getConfig().epsilon, 1e-7);
  assert.equal(new layers.PReLU().name.replace(/_\d+$/, ''), 'p_re_lu');
});

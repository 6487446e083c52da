// Dense, Activation, Flatten, Reshape: shapes, weights, configs, PyTorch goldens, gradchecks, a training step.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { ones, randomNormal, zeros } from '../../src/tensor/creation.js';
import '../../src/ops/index.js';
import {
  Activation, AlphaDropout, BatchNormalization, Dense, Dropout, ELU, Flatten, GaussianDropout, GaussianNoise, Input, Layer,
  LayerNormalization, LeakyReLU, PReLU, ReLU, Reshape, RReLU, Softmax,
} from '../../src/layers/index.js';
import { lookupSerializable } from '../../src/saving/registry.js';
import * as initializers from '../../src/initializers/index.js';
import { L1L2 } from '../../src/regularizers/index.js';
import { NonNeg } from '../../src/constraints/index.js';
import { loadGolden } from '../helpers/golden.js';
import { describeEachBackend } from '../helpers/each_backend.js';
import { assertClose, randF64 } from '../helpers/gradcheck.js';
import { assertConfigRoundTrip, f32, f64n, layerGradcheck, trainingStep, values } from './harness.js';

const golden = loadGolden('layers.json');
const g = golden.dense;

describe('Dense', () => {
  it('creates kernel [in, units] then bias [units] and computes shapes, eagerly and symbolically', () => {
    const layer = new Dense(4, { name: 'dense_shapes' });
    const y = layer.apply(zeros([2, 3]));
    assert.deepEqual(y.shape, [2, 4]);
    assert.deepEqual(layer.weights.map((w) => [w.name, w.shape]), [['dense_shapes/kernel', [3, 4]], ['dense_shapes/bias', [4]]]);
    assert.equal(layer.countParams(), 16);
    assert.equal(layer.trainableWeights.length, 2);
    assert.equal(layer.nonTrainableWeights.length, 0);
    const sym = new Dense(7).apply(Input({ shape: [5, 3] }));
    assert.deepEqual(sym.shape, [null, 5, 7]);
    const noBias = new Dense(2, { useBias: false });
    noBias.apply(zeros([1, 3]));
    assert.deepEqual(noBias.weights.map((w) => w.shape), [[3, 2]]);
  });

  it('handles inputs of rank > 2 on the last axis, and works without a bias', () => {
    const layer = new Dense(3, { activation: 'relu' });
    layer.apply(f32(g.x3));
    layer.setWeights([f32(g.kernel), f32(g.bias)]);
    const y = layer.apply(f32(g.x3));
    assert.deepEqual(y.shape, [2, 3, 3]);
    assertClose(values(y), (g.y3_relu as number[][][]).flat(2), 1e-5, 1e-5);
    const nb = new Dense(3, { useBias: false });
    nb.apply(f32(g.x));
    nb.setWeights([f32(g.kernel)]);
    assertClose(values(nb.apply(f32(g.x))), (g.no_bias as number[][]).flat(), 1e-5, 1e-5);
  });

  it('explains a mismatched input and bad units, naming the layer', () => {
    const layer = new Dense(100, { name: 'dense_2' });
    layer.apply(zeros([32, 300]));
    assert.throws(() => layer.apply(zeros([32, 784])), /^Error: Dense "dense_2": expected input with last dimension 300, received shape \[32, 784\]$/);
    assert.throws(() => new Dense(0, { name: 'd0' }), /Dense "d0": expected units to be a positive integer, received 0/);
    assert.throws(() => new Dense(3, { name: 'd1' }).apply(Input({ shape: [null] })), /Dense "d1": the last dimension of the input must be known/);
  });

  it('round-trips its Keras 3 config (snake_case keys, serialized initializers)', () => {
    const layer = new Dense(10, {
      activation: 'relu', kernelInitializer: 'heNormal', kernelRegularizer: new L1L2({ l2: 0.01 }), biasConstraint: new NonNeg(),
    });
    const config = layer.getConfig();
    assert.equal(config.units, 10);
    assert.equal(config.activation, 'relu');
    assert.equal(config.use_bias, true);
    assert.deepEqual(config.kernel_initializer, { module: 'keras.initializers', class_name: 'HeNormal', config: { seed: null }, registered_name: null });
    assert.deepEqual((config.bias_initializer as any).class_name, 'Zeros');
    assert.equal((config.kernel_regularizer as any).class_name, 'L1L2');
    assert.equal((config.bias_constraint as any).class_name, 'NonNeg');
    assert.equal('activity_regularizer' in config, false);
    assertConfigRoundTrip(layer, Dense);
    assert.equal(lookupSerializable('layer', 'Dense'), Dense);
    const fromKeras2 = Dense.fromConfig({ name: 'k2', units: 3, activation: 'softmax', batch_input_shape: [null, 5], dtype: 'float32' });
    assert.deepEqual(fromKeras2.batchInputShape, [null, 5]);
    assert.equal(fromKeras2.activation.name, 'softmax');
  });

  it('adds weight penalties and applies constraints', () => {
    const layer = new Dense(2, { kernelInitializer: new initializers.Constant({ value: -0.5 }), kernelRegularizer: 'l2', biasConstraint: 'non_neg' });
    layer.apply(ones([1, 3]));
    const losses = layer.regularizationLosses();
    assert.equal(losses.length, 1);
    assertClose([losses[0].item()], [0.01 * 6 * 0.25], 1e-7, 1e-6);
    const withActivity = new Dense(2, { activityRegularizer: new L1L2({ l1: 0.5 }) });
    const out = withActivity.apply(ones([1, 3]));
    assert.equal(withActivity.regularizationLosses().length, 1);
    assertClose([withActivity.regularizationLosses()[0].item()], [0.5 * values(out).reduce((p, q) => p + Math.abs(q), 0)], 1e-6, 1e-5);
    layer.bias!.assign(new Tensor(Float32Array.from([-1, 2]), [2], 'float32'));
    layer.applyConstraints();
    assert.deepEqual(values(layer.bias!.read()).map((v) => v + 0), [0, 2]);
  });

  it('passes float64 gradchecks (fused relu, fused elu, unfused softmax, rank 3)', () => {
    for (const activation of ['linear', 'elu', 'tanh', 'softmax', 'softplus']) {
      const layer = new Dense(3, { activation, dtype: 'float64', biasInitializer: 'random_normal' });
      layerGradcheck(layer, randF64([4, 5], 3));
    }
    layerGradcheck(new Dense(2, { activation: 'relu', dtype: 'float64', biasInitializer: new initializers.Constant({ value: 0.3 }) }), randF64([2, 3, 4], 5, 0.1, 1));
  });

  it('takes one SGD training step', () => {
    trainingStep(new Dense(3, { activation: 'selu' }), randomNormal([8, 5], { seed: 1 }));
  });
});

describeEachBackend('Dense goldens', () => {
  it('matches PyTorch linear + activation for every fusable and non-fusable activation', () => {
    for (const [name, expected] of Object.entries(g.outputs as Record<string, number[][]>)) {
      for (const dtype of ['float32', 'float64'] as const) {
        const make = dtype === 'float64' ? f64n : f32;
        const layer = new Dense(3, { activation: name, dtype });
        const x = make(g.x);
        layer.apply(x);
        layer.setWeights([make(g.kernel), make(g.bias)]);
        const tol = dtype === 'float64' ? 1e-12 : 1e-5;
        assertClose(values(layer.apply(x)), expected.flat(), tol, tol, `${name} ${dtype}`);
      }
    }
  });
});

describe('Activation, Flatten, Reshape', () => {
  it('Activation applies the named function and round-trips', () => {
    const layer = new Activation('elu', { name: 'act_elu' });
    assertClose(values(layer.apply(f32([[-1, 0, 2]]))), [Math.expm1(-1), 0, 2], 1e-6, 1e-6);
    assert.deepEqual(layer.getConfig().activation, 'elu');
    assert.equal(new Activation({ activation: 'leakyRelu' }).activation.name, 'leaky_relu');
    assertConfigRoundTrip(layer, Activation);
    assert.equal(layer.weights.length, 0);
  });

  it('Flatten keeps the batch dimension: (None, 28, 28) -> (None, 784)', () => {
    const layer = new Flatten({ inputShape: [28, 28] });
    assert.deepEqual(layer.batchInputShape, [null, 28, 28]);
    assert.deepEqual(layer.apply(Input({ shape: [28, 28] })).shape, [null, 784]);
    const y = layer.apply(randomNormal([3, 4, 5], { seed: 1 }));
    assert.deepEqual(y.shape, [3, 20]);
    assert.deepEqual(new Flatten().apply(zeros([1, 5])).shape, [1, 5]);
    const config = assertConfigRoundTrip(layer, Flatten).getConfig();
    assert.deepEqual(config.batch_input_shape, [null, 28, 28]);
  });

  it('Flatten channels_first moves channels last first (Keras), round-trips data_format and rejects unknown formats', () => {
    // [1, 2, 1, 3] channels_first: channel 0 = [0, 1, 2], channel 1 = [10, 11, 12] -> pixel-major order.
    const x = new Tensor(Float32Array.of(0, 1, 2, 10, 11, 12), [1, 2, 1, 3], 'float32');
    const layer = new Flatten({ dataFormat: 'channels_first', name: 'flat_cf' });
    assert.deepEqual(Array.from(layer.apply(x).dataSync()), [0, 10, 1, 11, 2, 12]);
    assert.deepEqual(Array.from(new Flatten().apply(x).dataSync()), [0, 1, 2, 10, 11, 12]);
    assert.equal(layer.getConfig().data_format, 'channels_first');
    assertConfigRoundTrip(layer, Flatten);
    assert.equal((Flatten.fromConfig({ ...layer.getConfig() }) as Flatten).dataFormat, 'channels_first');
    assert.throws(() => new Flatten({ dataFormat: 'nchw' as never, name: 'flat_bad' }), /Flatten "flat_bad": expected dataFormat/);
  });

  it('Reshape infers one -1, keeps the batch dimension and explains impossible targets', () => {
    const layer = new Reshape([-1, 4], { name: 'reshape_a' });
    assert.deepEqual(layer.apply(zeros([2, 12])).shape, [2, 3, 4]);
    assert.deepEqual(layer.apply(Input({ shape: [8] })).shape, [null, 2, 4]);
    assert.deepEqual(layer.getConfig().target_shape, [-1, 4]);
    assertConfigRoundTrip(layer, Reshape);
    assert.throws(() => layer.apply(zeros([2, 7])), /Reshape "reshape_a": cannot reshape samples of shape \[7\]/);
    assert.throws(() => new Reshape([-1, -1], { name: 'r2' }), /Reshape "r2": invalid targetShape/);
  });

  it('pass gradients through unchanged in shape (float64 gradchecks)', () => {
    layerGradcheck(new Flatten(), randF64([2, 3, 2], 1));
    layerGradcheck(new Reshape([3, 2]), randF64([2, 6], 2));
    layerGradcheck(new Activation('selu'), randF64([2, 5], 3));
  });

  it('every layer class is a Layer registered under its Keras class name', () => {
    const names = [
      'Dense', 'Activation', 'Flatten', 'Reshape', 'InputLayer', 'BatchNormalization', 'LayerNormalization', 'LeakyReLU', 'PReLU',
      'RReLU', 'ELU', 'ReLU', 'Softmax', 'Dropout', 'AlphaDropout', 'GaussianNoise', 'GaussianDropout',
    ];
    for (const name of names) {
      const cls = lookupSerializable('layer', name) as unknown as { prototype: unknown };
      assert.ok(cls && cls.prototype instanceof Layer, name);
      assert.equal((cls as unknown as typeof Layer).className, name);
    }
  });

  it('every layer gives the same output shape eagerly and symbolically (batch kept), and auto-names like Keras', () => {
    const cases: [Layer, (number | null)[]][] = [
      [new Dense(3), [null, 5, 3]], [new Activation('relu'), [null, 5, 4]], [new Flatten(), [null, 20]], [new Reshape([2, 10]), [null, 2, 10]],
      [new BatchNormalization(), [null, 5, 4]], [new LayerNormalization(), [null, 5, 4]], [new LeakyReLU(), [null, 5, 4]],
      [new PReLU(), [null, 5, 4]], [new RReLU(), [null, 5, 4]], [new ELU(), [null, 5, 4]], [new ReLU(), [null, 5, 4]],
      [new Softmax(), [null, 5, 4]], [new Dropout({ rate: 0.5 }), [null, 5, 4]], [new AlphaDropout({ rate: 0.1 }), [null, 5, 4]],
      [new GaussianNoise({ stddev: 0.1 }), [null, 5, 4]], [new GaussianDropout({ rate: 0.1 }), [null, 5, 4]],
    ];
    for (const [layer, expected] of cases) {
      assert.deepEqual(layer.apply(Input({ shape: [5, 4] })).shape, expected, layer.className);
      for (const training of [false, true]) {
        assert.deepEqual(layer.apply(randomNormal([2, 5, 4], { seed: 1 }), { training }).shape, [2, ...expected.slice(1)], layer.className);
      }
    }
    const snake: Record<string, string> = { PReLU: 'p_re_lu', LeakyReLU: 'leaky_re_lu', BatchNormalization: 'batch_normalization', ELU: 'elu', ReLU: 're_lu' };
    for (const [layer] of cases) {
      if (snake[layer.className]) assert.match(layer.name, new RegExp(`^${snake[layer.className]}(_\\d+)?$`));
    }
  });
});

// LeakyReLU, PReLU, RReLU, ELU, ReLU, Softmax layers: PyTorch goldens, Keras defaults, gradients, configs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomNormal } from '../../src/tensor/creation.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { setRandomSeed } from '../../src/random/rng.js';
import '../../src/ops/index.js';
import { Activation, ELU, Input, LeakyReLU, PReLU, ReLU, RReLU, Softmax } from '../../src/layers/index.js';
import { Constant } from '../../src/initializers/index.js';
import { loadGolden } from '../helpers/golden.js';
import { assertClose, randF64 } from '../helpers/gradcheck.js';
import { assertConfigRoundTrip, f32, layerGradcheck, trainingStep, values } from './harness.js';

const golden = loadGolden('layers.json');
const a = golden.activations;
const x = () => f32(a.x);
const flat = (v: number[][] | number[][][]) => (v as unknown[]).flat(2) as number[];

describe('parameter-free activation layers match PyTorch', () => {
  it('LeakyReLU: Keras default slope 0.3, negativeSlope and the Keras 2 alias alpha', () => {
    assertClose(values(new LeakyReLU().apply(x())), flat(a.leaky_0_3), 1e-6, 1e-6);
    assertClose(values(new LeakyReLU({ negativeSlope: 0.2 }).apply(x())), flat(a.leaky_0_2), 1e-6, 1e-6);
    const keras2 = LeakyReLU.fromConfig({ name: 'lr_k2', alpha: 0.2, trainable: true });
    assert.equal(keras2.negativeSlope, 0.2);
    assert.deepEqual(keras2.getConfig().negative_slope, 0.2);
    assertConfigRoundTrip(new LeakyReLU({ negativeSlope: 0.1 }), LeakyReLU);
    assert.throws(() => new LeakyReLU({ negativeSlope: -1, name: 'lk' }), /LeakyReLU "lk": expected negativeSlope >= 0/);
  });

  it('ELU (alpha 1 and 0.5) and SELU through Activation', () => {
    assertClose(values(new ELU().apply(x())), flat(a.elu_1), 1e-6, 1e-6);
    assertClose(values(new ELU({ alpha: 0.5 }).apply(x())), flat(a.elu_0_5), 1e-6, 1e-6);
    assertClose(values(new Activation('selu').apply(x())), flat(a.selu), 1e-6, 1e-6);
    assertConfigRoundTrip(new ELU({ alpha: 0.5 }), ELU);
  });

  it('ReLU follows Keras relu(x, negative_slope, max_value, threshold)', () => {
    assertClose(values(new ReLU().apply(x())), flat(a.relu), 1e-6, 1e-6);
    for (const c of a.keras_relu_cases as { args: Record<string, number>; y: number[][] }[]) {
      const layer = new ReLU(c.args);
      assertClose(values(layer.apply(x())), flat(c.y), 1e-6, 1e-6, JSON.stringify(c.args));
      assertConfigRoundTrip(layer, ReLU);
    }
    assertClose(values(new ReLU({ maxValue: 6 }).apply(x())), flat(a.relu6), 1e-6, 1e-6);
    assert.deepEqual(new ReLU({ maxValue: 6 }).getConfig().max_value, 6);
  });

  it('Softmax on an axis (default last), and on a list of axes', () => {
    const xs = f32(a.softmax_x);
    assertClose(values(new Softmax().apply(xs)), flat(a['softmax_axis_-1']), 1e-6, 1e-6);
    assertClose(values(new Softmax({ axis: 1 }).apply(xs)), flat(a.softmax_axis_1), 1e-6, 1e-6);
    const both = values(new Softmax({ axis: [1, 2] }).apply(xs));
    assertClose([both.slice(0, 12).reduce((p, q) => p + q, 0)], [1], 1e-6, 1e-6);
    assert.throws(() => new Softmax({ axis: 3, name: 'sm' }).apply(xs), /Softmax "sm": axis 3 is out of range for inputs of rank 3/);
    assertConfigRoundTrip(new Softmax({ axis: 1 }), Softmax);
  });

  it('gradients through LeakyReLU, ELU, ReLU(options) and Softmax pass float64 checks', () => {
    const input = randF64([3, 4], 2, -2, 2);
    for (const layer of [new LeakyReLU({ dtype: 'float64' }), new ELU({ alpha: 0.7 }), new ReLU({ maxValue: 1.5, negativeSlope: 0.1, threshold: 0.5 }), new Softmax()]) {
      layerGradcheck(layer, input);
    }
  });
});

describe('PReLU', () => {
  it('learns one slope per unit (alpha shape input_shape[1:], zeros by default) and matches PyTorch prelu', () => {
    const layer = new PReLU();
    assert.deepEqual(values(layer.apply(f32([[-1, 2]]))), [0, 2]);
    assert.deepEqual(layer.weights.map((w) => [w.name.split('/')[1], w.shape]), [['alpha', [2]]]);
    const p = golden.prelu;
    const l2 = new PReLU();
    l2.apply(f32(p.x));
    l2.setWeights([f32(p.alpha)]);
    assertClose(values(l2.apply(f32(p.x))), flat(p.y), 1e-6, 1e-6);
  });

  it('shares slopes along sharedAxes', () => {
    const p = golden.prelu;
    const layer = new PReLU({ sharedAxes: [1] });
    layer.apply(f32(p.x3));
    assert.deepEqual(layer.weights[0].shape, [1, 4]);
    layer.setWeights([f32(p.alpha_shared)]);
    assertClose(values(layer.apply(f32(p.x3))), flat(p.y3_shared), 1e-6, 1e-6);
    assert.deepEqual(new PReLU({ sharedAxes: [1, 2] }).apply(Input({ shape: [5, 6, 3] })).shape, [null, 5, 6, 3]);
    assert.throws(() => new PReLU({ sharedAxes: [3], name: 'pr' }).apply(randomNormal([2, 3, 4])), /PReLU "pr": shared axis 3 is out of range/);
  });

  it('round-trips its config, passes a float64 gradcheck and trains', () => {
    const layer = new PReLU({ alphaInitializer: new Constant({ value: 0.25 }), sharedAxes: [1], alphaRegularizer: 'l2' });
    const config = assertConfigRoundTrip(layer, PReLU).getConfig();
    assert.equal((config.alpha_initializer as any).class_name, 'Constant');
    assert.deepEqual(config.shared_axes, [1]);
    layerGradcheck(new PReLU({ dtype: 'float64', alphaInitializer: new Constant({ value: 0.25 }) }), randF64([3, 4], 4, -2, 2));
    trainingStep(new PReLU({ alphaInitializer: new Constant({ value: 0.25 }) }), randomNormal([6, 4], { seed: 3 }));
  });
});

describe('RReLU', () => {
  it('uses the mean slope (lower+upper)/2 in inference, like PyTorch eval()', () => {
    assertClose(values(new RReLU().apply(x())), flat(a.rrelu_eval), 1e-6, 1e-6);
    assertClose(values(new RReLU({ lower: 0.1, upper: 0.3 }).apply(x(), { training: false })), flat(a.rrelu_eval_0_1_0_3), 1e-6, 1e-6);
  });

  it('draws a slope in [lower, upper) per negative element in training, with matching gradients', () => {
    const layer = new RReLU({ lower: 0.1, upper: 0.3 });
    const input = randomNormal([50, 40], { seed: 8 });
    let y = input;
    const { grads } = valueAndGrads(() => (y = layer.apply(input, { training: true })), [input]);
    const xs = values(input);
    const ys = values(y);
    const gs = values(grads[0]);
    const slopes: number[] = [];
    xs.forEach((v, i) => {
      if (v >= 0) {
        assert.equal(ys[i], v);
        assert.equal(gs[i], 1);
      } else {
        const s = ys[i] / v;
        assert.ok(s >= 0.1 - 1e-6 && s <= 0.3 + 1e-6, `slope ${s}`);
        assertClose([gs[i]], [s], 1e-5, 1e-4);
        slopes.push(s);
      }
    });
    const mean = slopes.reduce((p, q) => p + q, 0) / slopes.length;
    assert.ok(Math.abs(mean - 0.2) < 0.01, `mean slope ${mean}`);
    assert.ok(new Set(slopes.map((s) => s.toFixed(4))).size > slopes.length / 2, 'slopes vary per element');
  });

  it('is reproducible under setRandomSeed and with a layer seed', () => {
    const input = randomNormal([10, 10], { seed: 1 });
    const layer = new RReLU();
    setRandomSeed(42);
    const first = values(layer.apply(input, { training: true }));
    assert.notDeepEqual(values(layer.apply(input, { training: true })), first);
    setRandomSeed(42);
    assert.deepEqual(values(layer.apply(input, { training: true })), first);
    const s1 = values(new RReLU({ seed: 3 }).apply(input, { training: true }));
    assert.deepEqual(values(new RReLU({ seed: 3 }).apply(input, { training: true })), s1);
    assertConfigRoundTrip(new RReLU({ lower: 0.05, upper: 0.2, seed: 3 }), RReLU);
    assert.throws(() => new RReLU({ lower: 0.5, upper: 0.1, name: 'rr' }), /RReLU "rr": expected 0 <= lower <= upper/);
  });
});

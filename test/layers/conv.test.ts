// Conv and pooling layers: shapes, weight layouts, Keras configs, gradchecks, a training step, fans, errors, BN on conv features.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { zeros } from '../../src/tensor/creation.js';
import '../../src/ops/index.js';
import { mean, sum } from '../../src/ops/index.js';
import { noGrad } from '../../src/autograd/tape.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import {
  AveragePooling1D, AveragePooling2D, BatchNormalization, Conv1D, Conv2D, Conv2DTranspose, Cropping2D, DepthwiseConv2D, GlobalAveragePooling1D,
  GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, Input, type Layer, MaxPooling1D, MaxPooling2D, Rescaling, SeparableConv2D,
  SpatialDropout2D, UpSampling2D, ZeroPadding2D,
} from '../../src/layers/index.js';
import { lookupSerializable } from '../../src/saving/registry.js';
import { L1L2 } from '../../src/regularizers/index.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { describeEachBackend } from '../helpers/each_backend.js';
import { assertClose, randF64 } from '../helpers/gradcheck.js';
import { assertConfigRoundTrip, layerGradcheck, trainingStep, values } from './harness.js';

function randF32(shape: number[], seed: number): Tensor {
  return randF64(shape, seed).cast('float32');
}

const cls = (l: Layer) => lookupSerializable('layer', l.className) as unknown as { fromConfig(c: Record<string, any>): Layer };

describe('conv layers: shapes, weights and configs', () => {
  it('Conv2D: Keras kernel layout, output shapes for valid/same/strides/dilation, channels_first, symbolic shapes', () => {
    const c = new Conv2D(8, 3, { name: 'c2d' });
    assert.deepEqual(c.apply(zeros([2, 10, 9, 3])).shape, [2, 8, 7, 8]);
    assert.deepEqual(c.weights.map((w) => [w.name, w.shape]), [['c2d/kernel', [3, 3, 3, 8]], ['c2d/bias', [8]]]);
    assert.deepEqual(new Conv2D(4, [3, 2], { strides: 2, padding: 'same' }).apply(zeros([1, 7, 5, 2])).shape, [1, 4, 3, 4]);
    assert.deepEqual(new Conv2D(4, 3, { dilationRate: 2 }).apply(zeros([1, 9, 9, 2])).shape, [1, 5, 5, 4]);
    const cf = new Conv2D(6, 3, { dataFormat: 'channels_first', padding: 'same' });
    assert.deepEqual(cf.apply(zeros([2, 3, 5, 4])).shape, [2, 6, 5, 4]);
    assert.deepEqual(cf.kernel!.shape, [3, 3, 3, 6]);
    assert.deepEqual(new Conv2D(4, 3, { groups: 2 }).apply(Input({ shape: [null, 12, 6] } as never)).shape, [null, null, 10, 4]);
    const g = new Conv2D(6, 3, { groups: 3 });
    g.apply(zeros([1, 4, 4, 9]));
    assert.deepEqual(g.kernel!.shape, [3, 3, 3, 6]);
    assert.equal(new Conv2D({ filters: 2, kernelSize: 1 }).filters, 2);
  });

  it('Conv1D (causal too), Conv2DTranspose, DepthwiseConv2D, SeparableConv2D: weights and shapes', () => {
    assert.deepEqual(new Conv1D(5, 3).apply(zeros([2, 10, 4])).shape, [2, 8, 5]);
    assert.deepEqual(new Conv1D(5, 3, { padding: 'causal', dilationRate: 2 }).apply(zeros([2, 10, 4])).shape, [2, 10, 5]);
    const t = new Conv2DTranspose(64, 5, { strides: 2, padding: 'same' });
    assert.deepEqual(t.apply(zeros([1, 7, 7, 128])).shape, [1, 14, 14, 64]);
    assert.deepEqual(t.kernel!.shape, [5, 5, 64, 128]);
    assert.deepEqual(new Conv2DTranspose(2, 3, { strides: 2 }).apply(zeros([1, 4, 5, 3])).shape, [1, 9, 11, 2]);
    assert.deepEqual(new Conv2DTranspose(2, 3, { strides: 2, padding: 'same', outputPadding: 1 }).apply(zeros([1, 4, 5, 3])).shape, [1, 8, 10, 2]);
    const d = new DepthwiseConv2D(3, { depthMultiplier: 2, padding: 'same' });
    assert.deepEqual(d.apply(zeros([1, 5, 5, 3])).shape, [1, 5, 5, 6]);
    assert.deepEqual(d.weights.map((w) => w.shape), [[3, 3, 3, 2], [6]]);
    const s = new SeparableConv2D(7, 3, { depthMultiplier: 2 });
    assert.deepEqual(s.apply(zeros([1, 5, 5, 3])).shape, [1, 3, 3, 7]);
    assert.deepEqual(s.weights.map((w) => w.shape), [[3, 3, 3, 2], [1, 1, 6, 7], [7]]);
  });

  it('pooling, global pooling, padding, cropping, upsampling: shapes', () => {
    assert.deepEqual(new MaxPooling2D({ poolSize: 2 }).apply(zeros([2, 7, 6, 3])).shape, [2, 3, 3, 3]);
    assert.deepEqual(new MaxPooling2D({ poolSize: 2, padding: 'same' }).apply(zeros([2, 7, 6, 3])).shape, [2, 4, 3, 3]);
    assert.deepEqual(new AveragePooling2D({ poolSize: 3, strides: 1 }).apply(zeros([1, 5, 5, 1])).shape, [1, 3, 3, 1]);
    assert.deepEqual(new MaxPooling1D().apply(zeros([2, 9, 3])).shape, [2, 4, 3]);
    assert.deepEqual(new AveragePooling1D({ poolSize: 3, strides: 2, padding: 'same' }).apply(zeros([2, 9, 3])).shape, [2, 5, 3]);
    assert.deepEqual(new GlobalAveragePooling2D().apply(zeros([2, 4, 5, 3])).shape, [2, 3]);
    assert.deepEqual(new GlobalMaxPooling2D({ keepdims: true }).apply(zeros([2, 4, 5, 3])).shape, [2, 1, 1, 3]);
    assert.deepEqual(new GlobalAveragePooling1D().apply(zeros([2, 4, 3])).shape, [2, 3]);
    assert.deepEqual(new GlobalMaxPooling1D({ dataFormat: 'channels_first' }).apply(zeros([2, 4, 3])).shape, [2, 4]);
    assert.deepEqual(new ZeroPadding2D({ padding: [[1, 0], [2, 3]] }).apply(zeros([1, 4, 4, 2])).shape, [1, 5, 9, 2]);
    assert.deepEqual(new Cropping2D({ cropping: [1, 2] }).apply(zeros([1, 4, 6, 2])).shape, [1, 2, 2, 2]);
    assert.deepEqual(new UpSampling2D({ size: [2, 3] }).apply(zeros([1, 4, 6, 2])).shape, [1, 8, 18, 2]);
    assert.deepEqual(new UpSampling2D({ interpolation: 'bilinear' }).apply(Input({ shape: [4, 5, 2] })).shape, [null, 8, 10, 2]);
  });

  it('getConfig has the Keras keys and defaults, and fromConfig(getConfig()) round-trips for every layer', () => {
    const conv = new Conv2D(32, 3, { padding: 'same', activation: 'relu', kernelRegularizer: new L1L2({ l2: 1e-4 }) });
    const c = conv.getConfig();
    assert.deepEqual(Object.keys(c).filter((k) => !['name', 'trainable', 'dtype'].includes(k)), [
      'filters', 'kernel_size', 'strides', 'padding', 'data_format', 'dilation_rate', 'groups', 'activation', 'use_bias', 'kernel_initializer',
      'bias_initializer', 'kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint',
    ]);
    assert.deepEqual([c.kernel_size, c.strides, c.dilation_rate, c.data_format, c.groups], [[3, 3], [1, 1], [1, 1], 'channels_last', 1]);
    assert.deepEqual(new MaxPooling2D().getConfig().pool_size, [2, 2]);
    assert.deepEqual(new MaxPooling2D().getConfig().strides, [2, 2]);
    assert.deepEqual(new ZeroPadding2D().getConfig().padding, [[1, 1], [1, 1]]);
    const layers: Layer[] = [
      conv, new Conv1D(4, 3, { padding: 'causal', strides: 1, dilationRate: 2 }), new Conv2DTranspose(3, [3, 5], { strides: [2, 1], outputPadding: [1, 0] }),
      new DepthwiseConv2D(3, { depthMultiplier: 3, strides: 2, padding: 'same' }), new SeparableConv2D(8, 3, { pointwiseInitializer: 'he_normal' }),
      new MaxPooling2D({ poolSize: [3, 2], strides: 1, padding: 'same' }), new AveragePooling2D(), new MaxPooling1D({ poolSize: 3 }),
      new AveragePooling1D({ dataFormat: 'channels_first' }), new GlobalAveragePooling2D({ keepdims: true }), new GlobalMaxPooling2D(),
      new GlobalAveragePooling1D(), new GlobalMaxPooling1D(), new ZeroPadding2D({ padding: [1, 2] }), new Cropping2D({ cropping: [[1, 0], [0, 2]] }),
      new UpSampling2D({ size: 3, interpolation: 'bilinear' }), new SpatialDropout2D({ rate: 0.3, seed: 5 }), new Rescaling(1 / 255, { offset: 0.5 }),
    ];
    for (const l of layers) assertConfigRoundTrip(l, cls(l));
  });
});

describeEachBackend('conv layers: training', () => {
  it('gradchecks the weights and inputs of Conv2D (groups), Conv1D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D (float64)', () => {
    const cases: [Layer, number[]][] = [
      [new Conv2D(4, 3, { groups: 2, padding: 'same', strides: 2, dtype: 'float64', activation: 'tanh' }), [1, 5, 4, 2]],
      [new Conv1D(2, 3, { padding: 'causal', dtype: 'float64' }), [2, 5, 2]],
      [new Conv2DTranspose(2, 3, { strides: 2, padding: 'same', dtype: 'float64' }), [1, 3, 2, 2]],
      [new DepthwiseConv2D(2, { depthMultiplier: 2, dtype: 'float64', biasInitializer: 'ones' }), [1, 3, 4, 2]],
      [new SeparableConv2D(3, 2, { dtype: 'float64', padding: 'same' }), [1, 3, 3, 2]],
      [new Conv2D(2, 2, { dataFormat: 'channels_first', dtype: 'float64' }), [1, 2, 3, 3]],
    ];
    cases.forEach(([layer, shape], i) => layerGradcheck(layer, randF64(shape, 100 + i), { atol: 1e-5, rtol: 1e-4 }));
  });

  it('inference on a large batch (run in chunks of images) equals the recorded whole-batch result', () => {
    setRandomSeed(8);
    const layer = new Conv2D(8, 3, { padding: 'same', activation: 'relu', biasInitializer: 'glorot_uniform' });
    const x = randF32([120, 28, 28, 3], 9);  // 120 x 784 x 27 window values: above the 2M-float chunk size
    const chunked = noGrad(() => layer.apply(x));
    let whole: Tensor | null = null;
    valueAndGrads(() => {
      whole = layer.apply(x);
      return sum(whole);
    }, [layer.kernel!]);
    assert.deepEqual(chunked.shape, [120, 28, 28, 8]);
    assertClose(chunked.dataSync(), (whole as unknown as Tensor).dataSync(), 1e-6, 1e-6, 'chunked vs whole batch');
  });

  it('one SGD step moves every trainable conv weight', () => {
    setRandomSeed(3);
    trainingStep(new Conv2D(3, 3, { padding: 'same', activation: 'relu', biasInitializer: 'ones' }), randF32([2, 5, 5, 2], 1));
    trainingStep(new SeparableConv2D(3, 3, { biasInitializer: 'ones' }), randF32([2, 5, 5, 2], 2));
    trainingStep(new Conv2DTranspose(2, 3, { strides: 2 }), randF32([2, 3, 3, 2], 3));
  });

  it('BatchNormalization on conv features (axis -1) normalizes each channel over batch, height and width', () => {
    setRandomSeed(4);
    const conv = new Conv2D(5, 3, { padding: 'same', biasInitializer: 'ones' });
    const bn = new BatchNormalization();
    const y = bn.apply(conv.apply(randF32([4, 6, 6, 2], 7)), { training: true });
    assert.deepEqual(bn.getWeights().map((w) => w.shape), [[5], [5], [5], [5]]);
    const m = values(mean(y, [0, 1, 2]));
    const v = values(mean(y.square(), [0, 1, 2]));
    m.forEach((x) => assert.ok(Math.abs(x) < 1e-5, `channel mean ${x}`));
    v.forEach((x) => assert.ok(Math.abs(x - 1) < 0.01, `channel variance ${x}`));
  });

  it('SpatialDropout2D drops whole channels in training only, keeping the expected value', () => {
    setRandomSeed(5);
    const layer = new SpatialDropout2D({ rate: 0.5 });
    const x = zeros([8, 3, 3, 16]).add(1);
    assert.deepEqual(values(layer.apply(x)), values(x));
    const y = layer.apply(x, { training: true });
    const d = values(y);
    for (let n = 0; n < 8; n++) {
      for (let c = 0; c < 16; c++) {
        const channel = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((p) => d[(n * 9 + p) * 16 + c]);
        assert.ok(channel.every((v) => v === channel[0]) && (channel[0] === 0 || channel[0] === 2), `sample ${n} channel ${c}: ${channel}`);
      }
    }
    const kept = d.filter((v) => v === 2).length / d.length;
    assert.ok(kept > 0.3 && kept < 0.7, `kept fraction ${kept}`);
  });
});

describe('Rescaling', () => {
  it('scales by a number or per channel, casting integer inputs, with an error naming the layer on a channel mismatch', () => {
    const x = new Tensor(Uint8Array.from([0, 255, 51, 102, 0, 255]), [3, 2], 'uint8');
    assert.deepEqual(values(new Rescaling(1 / 255).apply(x)).map((v) => Math.round(v * 1000) / 1000), [0, 1, 0.2, 0.4, 0, 1]);
    const perChannel = new Rescaling({ scale: [1, 2], offset: [0, -1], name: 'resc' });
    assert.deepEqual(values(perChannel.apply(x)), [0, 509, 51, 203, 0, 509]);
    assert.equal(perChannel.apply(x).dtype, 'float32');
    assertConfigRoundTrip(perChannel, Rescaling);
    assert.throws(() => perChannel.apply(zeros([2, 3])), /Rescaling "resc": expected input with 2 channels \(last dimension\) for per-channel scale\/offset, received shape \[2, 3\]/);
    assert.throws(() => new Rescaling(Number.NaN, { name: 'bad' }), /Rescaling "bad": expected scale to be a finite number/);
  });
});

describe('conv layers: initializer fans and errors', () => {
  it('conv kernels use the receptive field in their fans (Keras compute_fans)', () => {
    setRandomSeed(6);
    const c = new Conv2D(64, 3, { kernelInitializer: 'glorot_uniform' });
    c.apply(zeros([1, 5, 5, 16]));
    const k = values(c.kernel!.read());
    const limit = Math.sqrt(6 / (9 * 16 + 9 * 64));
    const maxAbs = Math.max(...k.map(Math.abs));
    assert.ok(maxAbs <= limit && maxAbs > 0.98 * limit, `max |w| ${maxAbs} vs limit ${limit}`);
    const h = new Conv2D(64, 3, { kernelInitializer: 'he_uniform' });
    h.apply(zeros([1, 5, 5, 16]));
    const hmax = Math.max(...values(h.kernel!.read()).map(Math.abs));
    const hlimit = Math.sqrt(6 / (9 * 16));
    assert.ok(hmax <= hlimit && hmax > 0.98 * hlimit, `he_uniform max |w| ${hmax} vs ${hlimit}`);
  });

  it('bad shapes and configs give errors naming the layer, the expected and the received shape', () => {
    assert.throws(() => new Conv2D(4, 3, { name: 'c_rank' }).apply(zeros([2, 28, 28])), /Conv2D "c_rank": expected input of rank 4 \[batch, height, width, channels\], received shape \[2, 28, 28\]/);
    const c = new Conv2D(4, 3, { name: 'c_ch' });
    c.apply(zeros([1, 5, 5, 3]));
    assert.throws(() => c.apply(zeros([1, 5, 5, 2])), /Conv2D "c_ch": expected input with 3 channels \(last dimension\), received shape \[1, 5, 5, 2\]/);
    assert.throws(() => new Conv2D(4, 5, { name: 'c_big' }).apply(zeros([1, 3, 3, 1])), /Conv2D "c_big": a kernel of size \[5, 5\].*does not fit input of shape \[1, 3, 3, 1\] with 'valid' padding/);
    assert.throws(() => new Conv2D(5, 3, { groups: 2, name: 'c_g' }), /Conv2D "c_g": expected groups to be a positive integer dividing filters \(5\)/);
    assert.throws(() => new Conv2D(4, 3, { groups: 2, name: 'c_g2' }).apply(zeros([1, 5, 5, 3])), /Conv2D "c_g2": expected input channels divisible by groups \(2\), received shape \[1, 5, 5, 3\]/);
    assert.throws(() => new Conv2D(4, 3, { padding: 'full' as never, name: 'c_p' }), /Conv2D "c_p": expected padding 'valid' or 'same', received "full"/);
    assert.throws(() => new Conv2D(4, [3, 3, 3], { name: 'c_k' }), /Conv2D "c_k": expected kernelSize to be a positive integer or a list of 2/);
    assert.throws(() => new Conv2D(4, 3, { strides: 2, dilationRate: 2, name: 'c_sd' }), /strides > 1 cannot be combined with dilationRate > 1/);
    assert.throws(() => new Conv1D(4, 3, { name: 'c1' }).apply(zeros([2, 10, 3, 1])), /Conv1D "c1": expected input of rank 3 \[batch, steps, channels\], received shape \[2, 10, 3, 1\]/);
    assert.throws(() => new MaxPooling2D({ poolSize: 3, name: 'mp' }).apply(zeros([1, 2, 2, 1])), /MaxPooling2D "mp": a pool of size \[3, 3\] does not fit input of shape \[1, 2, 2, 1\]/);
    assert.throws(() => new Cropping2D({ cropping: 2, name: 'cr' }).apply(zeros([1, 4, 8, 1])), /Cropping2D "cr": cropping \[\[2, 2\], \[2, 2\]\] leaves nothing of input shape \[1, 4, 8, 1\]/);
    assert.throws(() => new UpSampling2D({ interpolation: 'bicubic' as never, name: 'up' }), /UpSampling2D "up": expected interpolation 'nearest' or 'bilinear'/);
    assert.throws(() => new Conv2DTranspose(2, 3, { strides: 2, outputPadding: 2, name: 'ct' }), /Conv2DTranspose "ct": expected outputPadding smaller than strides \[2, 2\], received \[2, 2\]/);
    const d = new DepthwiseConv2D(3, { name: 'dw' });
    d.apply(zeros([1, 5, 5, 4]));
    assert.throws(() => d.apply(zeros([1, 5, 5, 3])), /DepthwiseConv2D "dw": expected input with 4 channels, received shape \[1, 5, 5, 3\]/);
  });
});

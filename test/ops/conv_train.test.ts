// The recorded convolution of backends with a fused convForward (src/ops/conv_train.ts): value and gradients of x,
// kernel and bias on the native backend against the reference (float32), on every ISA path, over edge windows (batch
// 1, odd sizes, channels off every vector width, stride 2, 'same' with odd total padding, dilation).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/ops/conv.js';
import { mul, sum } from '../../src/ops/index.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { getBackend, setBackend } from '../../src/backend/registry.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { flippedKernel, inputGradWindow } from '../../src/ops/conv_train.js';
import { windowOf, type Padding } from '../../src/ops/conv_geometry.js';
import { assertClose } from '../helpers/gradcheck.js';
import { describeEachIsa } from '../backend/each_isa.js';
import { seededTensor } from '../helpers/seeded.js';

const rand = seededTensor;

type Config = { x: number[]; k: number[]; strides: [number, number]; dilation: [number, number]; padding: Padding; act: 'linear' | 'relu' | 'tanh' | 'elu' };
const CONFIGS: Config[] = [
  { x: [1, 5, 7, 3], k: [3, 3, 3, 5], strides: [1, 1], dilation: [1, 1], padding: 'same', act: 'relu' },
  { x: [2, 6, 5, 17], k: [4, 4, 17, 9], strides: [1, 1], dilation: [1, 1], padding: 'same', act: 'linear' }, // odd total padding
  { x: [3, 9, 8, 1], k: [3, 2, 1, 33], strides: [1, 1], dilation: [2, 3], padding: 'same', act: 'tanh' },
  { x: [2, 7, 6, 5], k: [3, 3, 5, 7], strides: [2, 2], dilation: [1, 1], padding: 'same', act: 'elu' },
  { x: [1, 8, 8, 9], k: [2, 3, 9, 16], strides: [2, 1], dilation: [1, 1], padding: 'valid', act: 'relu' },
  { x: [4, 14, 14, 32], k: [3, 3, 32, 64], strides: [1, 1], dilation: [1, 1], padding: 'same', act: 'relu' }, // W4's conv2
  { x: [2, 5, 5, 3], k: [1, 1, 3, 4], strides: [1, 1], dilation: [1, 1], padding: 'valid', act: 'linear' },
  // one input channel (taps read in place, native/isa/common/conv_taps.inl): W4's conv1, filter counts off every
  // vector width, strides, a kernel wider than the image, a single pixel
  { x: [2, 28, 28, 1], k: [3, 3, 1, 32], strides: [1, 1], dilation: [1, 1], padding: 'same', act: 'relu' },
  { x: [2, 9, 7, 1], k: [3, 4, 1, 5], strides: [2, 1], dilation: [1, 1], padding: 'same', act: 'linear' },
  { x: [1, 8, 9, 1], k: [2, 3, 1, 17], strides: [2, 2], dilation: [1, 1], padding: 'valid', act: 'elu' },
  { x: [3, 4, 3, 1], k: [3, 5, 1, 70], strides: [1, 1], dilation: [1, 1], padding: 'same', act: 'tanh' },
  { x: [1, 1, 1, 1], k: [3, 3, 1, 3], strides: [1, 1], dilation: [1, 1], padding: 'same', act: 'relu' },
];

function run(c: Config, i: number): { y: Tensor; grads: Tensor[] } {
  const x = rand(c.x, 1 + i);
  const kernel = rand(c.k, 20 + i);
  const bias = rand([c.k[3]], 40 + i);
  let w: Tensor | null = null;
  const { value, grads } = valueAndGrads(() => {
    const y = conv2d(x, kernel, bias, { kernel: [c.k[0], c.k[1]], strides: c.strides, dilation: c.dilation, padding: c.padding, activation: c.act });
    w ??= rand(y.shape as number[], 60 + i);
    return sum(mul(y, w));
  }, [x, kernel, bias]);
  return { y: value, grads };
}

const native = loadNativeBackend().backend;

describeEachIsa('recorded conv2d (fused forward, flipped-kernel input gradient)', native ? false : 'native addon not built', () => {
  it('value and gradients of x, kernel and bias equal the reference', () => {
    const previous = getBackend();
    try {
      CONFIGS.forEach((c, i) => {
        setBackend('reference');
        const want = run(c, i);
        setBackend('native');
        const got = run(c, i);
        const what = `config ${i} (${c.x.join('x')}, k ${c.k.join('x')}, s ${c.strides.join('x')}, d ${c.dilation.join('x')}, ${c.padding}, ${c.act})`;
        assertClose(got.y.data, want.y.data, 1e-3, 1e-4, `${what} value`);
        ['dx', 'dkernel', 'dbias'].forEach((name, j) => {
          assert.deepEqual(got.grads[j].shape, want.grads[j].shape, `${what} ${name} shape`);
          assertClose(got.grads[j].data, want.grads[j].data, 1e-4, 1e-4, `${what} ${name}`);
        });
      });
    } finally {
      setBackend(previous);
    }
  });
});

it('the input-gradient window mirrors the padding, and stride 2 has none', () => {
  const g = windowOf([1, 6, 5, 2], { kernel: [4, 3], strides: [1, 1], dilation: [1, 1], padding: 'same' });
  assert.deepEqual(inputGradWindow(g, 7), { ...g, h: g.outH, w: g.outW, c: 7, padTop: 3 - g.padTop, padLeft: 2 - g.padLeft, outH: 6, outW: 5 });
  assert.equal(inputGradWindow(windowOf([1, 6, 5, 2], { kernel: [3, 3], strides: [2, 2], dilation: [1, 1], padding: 'same' }), 7), null);
  const k = { data: Float32Array.from({ length: 2 * 1 * 2 * 3 }, (_, i) => i), shape: [2, 1, 2, 3], dtype: 'float32' as const };
  // [ky, kx, c, f] -> [(1 - ky, kx, f), c]
  assert.deepEqual(Array.from(flippedKernel(k).data), [6, 9, 7, 10, 8, 11, 0, 3, 1, 4, 2, 5]);
});

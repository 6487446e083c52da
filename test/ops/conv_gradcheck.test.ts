// Float64 finite-difference gradchecks of the convolution and pooling ops (im2col, col2im, conv2d, grouped conv,
// conv2dTranspose, pool2d max/avg, upsampling), with TensorFlow 'same' padding, strides, dilation and odd sizes.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { col2im, conv2d, conv2dTranspose, im2col } from '../../src/ops/conv.js';
import { pool2d, upsampleBilinear, upsampleNearest } from '../../src/ops/pool.js';
import { axisGeometry, transposedLength, windowOf } from '../../src/ops/conv_geometry.js';
import { describeEachBackend } from '../helpers/each_backend.js';
import { gradcheck, randF64 } from '../helpers/gradcheck.js';

describeEachBackend('conv ops gradcheck (float64)', () => {
  it('im2col and col2im (same, stride 2, dilation)', () => {
    const x = randF64([2, 5, 4, 2], 1);
    const g = windowOf(x.shape, { kernel: [3, 2], strides: [2, 1], dilation: [1, 2], padding: 'same' });
    gradcheck((t) => im2col(t, g), [x]);
    const cols = randF64([g.n * g.outH * g.outW, 3 * 2 * 2], 2);
    gradcheck((t) => col2im(t, g), [cols]);
  });
  it('conv2d: valid, same with stride 2 (asymmetric), dilation, groups, 1x1, 1 channel; fused relu and tanh', () => {
    const configs = [
      { x: [2, 5, 5, 2], k: [3, 3, 2, 3], strides: [1, 1], dilation: [1, 1], padding: 'valid', groups: 1, act: 'linear' },
      { x: [1, 6, 5, 2], k: [4, 3, 2, 2], strides: [2, 2], dilation: [1, 1], padding: 'same', groups: 1, act: 'tanh' },
      { x: [1, 7, 6, 1], k: [3, 3, 1, 2], strides: [1, 1], dilation: [2, 2], padding: 'same', groups: 1, act: 'linear' },
      { x: [1, 4, 4, 4], k: [3, 3, 2, 4], strides: [1, 1], dilation: [1, 1], padding: 'same', groups: 2, act: 'tanh' },
      { x: [2, 3, 3, 3], k: [1, 1, 3, 2], strides: [1, 1], dilation: [1, 1], padding: 'valid', groups: 1, act: 'relu' },
    ] as const;
    configs.forEach((c, i) => {
      const x = randF64([...c.x], 10 + i);
      const kernel = randF64([...c.k], 20 + i, -1, 1);
      const bias = randF64([c.k[3]], 30 + i, -0.5, 0.5);
      gradcheck((a, k, b) => conv2d(a, k, b, {
        kernel: [c.k[0], c.k[1]], strides: [c.strides[0], c.strides[1]], dilation: [c.dilation[0], c.dilation[1]], padding: c.padding,
        groups: c.groups, activation: c.act,
      }), [x, kernel, bias], { atol: 1e-5, rtol: 1e-4 });
    });
  });
  it('conv2dTranspose: same 5x5 stride 2, valid 3x3 stride 2, kernel smaller than stride', () => {
    const configs = [
      { x: [1, 3, 3, 2], k: [5, 5, 2, 2], s: 2, padding: 'same' },
      { x: [1, 2, 3, 2], k: [3, 3, 3, 2], s: 2, padding: 'valid' },
      { x: [1, 2, 2, 1], k: [1, 2, 2, 1], s: 3, padding: 'valid' },
    ] as const;
    configs.forEach((c, i) => {
      const x = randF64([...c.x], 40 + i);
      const kernel = randF64([...c.k], 50 + i, -1, 1);
      const bias = randF64([c.k[2]], 60 + i);
      const outputSize: [number, number] = [
        transposedLength(c.x[1], c.k[0], c.s, 1, c.padding, null), transposedLength(c.x[2], c.k[1], c.s, 1, c.padding, null),
      ];
      gradcheck((a, k, b) => conv2dTranspose(a, k, b, { kernel: [c.k[0], c.k[1]], strides: [c.s, c.s], dilation: [1, 1], padding: c.padding, outputSize }),
        [x, kernel, bias]);
    });
  });
  it('pool2d max and avg: valid and same (padding left out), stride 2, odd sizes', () => {
    for (const kind of ['max', 'avg'] as const) {
      for (const [shape, padding, size, stride] of [[[2, 5, 5, 2], 'valid', 2, 2], [[1, 7, 6, 2], 'same', 3, 2], [[1, 5, 3, 1], 'same', 2, 1]] as const) {
        const x = randF64([...shape], 70);
        gradcheck((t) => pool2d(t, kind, { poolSize: [size, size], strides: [stride, stride], padding }), [x]);
      }
    }
  });
  it('upsampling nearest and bilinear', () => {
    const x = randF64([2, 3, 2, 2], 80);
    gradcheck((t) => upsampleNearest(t, [2, 3]), [x]);
    gradcheck((t) => upsampleBilinear(t, [3, 2]), [x]);
  });
  it("TensorFlow's 'same' rule: output ceil(n / s), the odd padding pixel at the end", () => {
    assert.deepEqual(axisGeometry(7, 4, 2, 1, 'same'), { out: 4, before: 1 });   // total 3: 1 before, 2 after
    assert.deepEqual(axisGeometry(28, 3, 1, 1, 'same'), { out: 28, before: 1 });
    assert.deepEqual(axisGeometry(6, 2, 2, 1, 'same'), { out: 3, before: 0 });   // total 0
    assert.deepEqual(axisGeometry(5, 3, 1, 2, 'same'), { out: 5, before: 2 });   // dilated kernel 5
    assert.deepEqual(axisGeometry(10, 3, 1, 1, 'valid'), { out: 8, before: 0 });
    assert.deepEqual(axisGeometry(8, 3, 1, 2, 'causal'), { out: 8, before: 4 });
    assert.equal(transposedLength(7, 5, 2, 1, 'same', null), 14);
    assert.equal(transposedLength(3, 3, 2, 1, 'valid', null), 7);
    assert.equal(transposedLength(3, 1, 3, 1, 'valid', null), 9);
  });
});

// The native conv lowering and pooling kernels against the reference oracle (float32), with NaN-poisoned outputs, on
// every ISA path this CPU runs (max pooling's inner loops come from each ISA's kernel table).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeBackend, setPoisonOutputs } from '../../src/backend/native.js';
import { referenceBackend as ref } from '../../src/backend/reference/index.js';
import type { RawTensor, Window2D } from '../../src/backend/backend.js';
import { windowOf, type Padding } from '../../src/ops/conv_geometry.js';
import { assertClose } from '../helpers/gradcheck.js';
import { describeEachIsa } from './each_isa.js';

const native = loadNativeBackend().backend;

function rand(shape: number[], seed: number): RawTensor {
  let s = seed;
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n).map(() => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
  return { data, shape, dtype: 'float32' };
}

const WINDOWS: [number[], [number, number], [number, number], [number, number], Padding][] = [
  [[2, 7, 6, 3], [3, 3], [1, 1], [1, 1], 'valid'],
  [[2, 7, 6, 3], [4, 3], [2, 2], [1, 1], 'same'],
  [[1, 9, 8, 2], [3, 2], [1, 1], [2, 3], 'same'],
  [[3, 5, 5, 1], [1, 1], [1, 1], [1, 1], 'valid'],
  [[1, 1, 11, 4], [1, 3], [1, 2], [1, 1], 'same'],
  // channel counts off every vector width (4, 8, 16) and windows that tile the input exactly, overlap or leave a rim
  [[2, 8, 6, 17], [2, 2], [2, 2], [1, 1], 'valid'],
  [[1, 7, 9, 33], [2, 2], [2, 2], [1, 1], 'valid'],
  [[2, 7, 5, 9], [2, 2], [2, 2], [1, 1], 'same'],
  [[1, 9, 8, 5], [3, 3], [2, 2], [1, 1], 'same'],
  [[3, 4, 4, 1], [2, 2], [2, 2], [1, 1], 'valid'],
  [[1, 6, 6, 16], [3, 2], [3, 2], [1, 1], 'valid'],
  // one input channel (im2col's per-tap path): strided and dilated windows reaching past every edge
  [[2, 7, 9, 1], [3, 3], [2, 1], [2, 2], 'same'],
  [[1, 5, 4, 1], [5, 3], [1, 2], [1, 1], 'same'],
];

describeEachIsa('native conv kernels', native ? false : 'native addon not built: reference only', () => {
it('im2col, col2im, pool2d and pool2dGrad equal the reference', () => {
  const was = setPoisonOutputs(true);
  try {
    WINDOWS.forEach(([shape, kernel, strides, dilation, padding], i) => {
      const g: Window2D = windowOf(shape, { kernel, strides, dilation, padding });
      const x = rand(shape, 1 + i);
      const what = `window ${i} (${shape.join('x')}, k ${kernel.join('x')}, s ${strides.join('x')}, d ${dilation.join('x')}, ${padding})`;
      assertClose(native!.im2col(x, g).data, ref.im2col(x, g).data, 0, 0, `${what} im2col`);
      const cols = rand([g.n * g.outH * g.outW, g.kh * g.kw * g.c], 10 + i);
      assertClose(native!.col2im(cols, g).data, ref.col2im(cols, g).data, 1e-6, 1e-6, `${what} col2im`);
      const pg = windowOf(shape, { kernel, strides, dilation: [1, 1], padding });
      const dy = rand([pg.n, pg.outH, pg.outW, pg.c], 20 + i);
      for (const kind of ['max', 'avg'] as const) {
        assertClose(native!.pool2d(x, pg, kind).data, ref.pool2d(x, pg, kind).data, 1e-6, 1e-6, `${what} pool2d ${kind}`);
        assertClose(native!.pool2dGrad(x, dy, pg, kind).data, ref.pool2dGrad(x, dy, pg, kind).data, 1e-6, 1e-6, `${what} pool2dGrad ${kind}`);
      }
    });
  } finally {
    setPoisonOutputs(was);
  }
});

it('the fused inference convolution equals im2col + matmul of the reference (bands across images, odd sizes)', () => {
  const was = setPoisonOutputs(true);
  try {
    const cases: [number[], [number, number], [number, number], Padding, number][] = [
      ...WINDOWS.map(([shape, kernel, strides, dilation, padding], i): [number[], [number, number], [number, number], Padding, number] => {
        void strides;
        return [shape, kernel, dilation, padding, [1, 5, 17, 33][i % 4]];
      }),
      [[5, 13, 11, 7], [3, 3], [1, 1], 'same', 64], // several bands of rows, each crossing image boundaries
      [[1, 28, 28, 1], [3, 3], [1, 1], 'same', 32],
      [[3, 14, 14, 32], [3, 3], [1, 1], 'same', 64],
    ];
    const acts = ['relu', 'linear', 'elu', 'leakyRelu', 'sigmoid', 'tanh', 'relu6', 'selu'] as const;
    cases.forEach(([shape, kernel, dilation, padding, f], i) => {
      for (const strides of [[1, 1], [2, 2], [2, 1]] as [number, number][]) {
        if (strides[0] > 1 && (dilation[0] > 1 || dilation[1] > 1)) continue;
        const g = windowOf(shape, { kernel, strides, dilation, padding });
        const k = g.kh * g.kw * g.c;
        const x = rand(shape, 30 + i);
        const w = rand([k, f], 40 + i);
        const bias = i % 3 === 2 ? null : rand([f], 50 + i);
        const activation = acts[i % acts.length];
        const y = native!.convForward!(x, w, bias, g, activation);
        const want = ref.matmul(ref.im2col(x, g), w, { bias: bias ?? undefined, activation });
        assert.ok(y, `case ${i}: the native backend took the fused path`);
        assert.deepEqual(y.shape, [g.n, g.outH, g.outW, f]);
        assertClose(y.data, want.data, 1e-5, 1e-5, `case ${i} (${shape.join('x')}, k ${kernel.join('x')}, s ${strides.join('x')}, d ${dilation.join('x')}, ${padding}, f ${f}, ${activation})`);
      }
    });
    // no fused epilogue for softplus, nor float64: the caller lowers through im2col and matmul
    const g = windowOf([1, 4, 4, 2], { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'same' });
    assert.equal(native!.convForward!(rand([1, 4, 4, 2], 1), rand([18, 3], 2), null, g, 'softplus'), null);
  } finally {
    setPoisonOutputs(was);
  }
});

it('max pooling ties go to the first tap, NaN propagates and routes its gradient like the reference', () => {
  // 2x2 windows over 20 channels: ties (all equal), a NaN at tap 2 of some channels, -Infinity, one clear maximum
  const x = rand([1, 2, 2, 20], 7);
  for (let j = 0; j < 20; j++) {
    if (j % 4 === 0) for (let t = 0; t < 4; t++) x.data[t * 20 + j] = 0.25;
    if (j % 4 === 1) x.data[2 * 20 + j] = NaN;
    if (j % 4 === 2) for (let t = 0; t < 4; t++) x.data[t * 20 + j] = -Infinity;
  }
  x.data[3 * 20 + 3] = NaN;
  x.data[0 * 20 + 3] = NaN;
  const g = windowOf(x.shape, { kernel: [2, 2], strides: [2, 2], dilation: [1, 1], padding: 'valid' });
  const dy = rand([1, 1, 1, 20], 8);
  const y = native!.pool2d(x, g, 'max').data;
  const yr = ref.pool2d(x, g, 'max').data;
  for (let j = 0; j < 20; j++) assert.ok(Object.is(y[j], yr[j]) || (Number.isNaN(y[j]) && Number.isNaN(yr[j])), `channel ${j}: ${y[j]} vs ${yr[j]}`);
  assert.deepEqual(Array.from(native!.pool2dGrad(x, dy, g, 'max').data), Array.from(ref.pool2dGrad(x, dy, g, 'max').data));
});

/** Same bits, NaN included (assert.deepEqual would equate -0 and 0 only through Object.is, which it does). */
function assertSameBits(a: Float32Array, b: Float32Array, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) assert.equal(ua[i], ub[i], `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

// Max pooling windows for the fused ReLU gradient: W4's two pools, channel counts 1, odd and off 8 / 16, windows
// that tile the input, leave a rim, overlap (3x3 stride 2, 2x2 stride 1) or pad ('same').
const RELU_POOLS: [number[], [number, number], [number, number], Padding][] = [
  [[2, 28, 28, 32], [2, 2], [2, 2], 'valid'],
  [[3, 14, 14, 64], [2, 2], [2, 2], 'valid'],
  [[1, 1, 1, 1], [1, 1], [1, 1], 'valid'],
  [[2, 6, 4, 1], [2, 2], [2, 2], 'valid'],
  [[1, 7, 5, 7], [2, 2], [2, 2], 'valid'],
  [[2, 8, 6, 9], [2, 2], [2, 2], 'same'],
  [[1, 7, 9, 17], [3, 3], [2, 2], 'same'],
  [[2, 5, 6, 15], [2, 2], [1, 1], 'valid'],
  [[1, 6, 6, 33], [3, 2], [3, 2], 'valid'],
];

it('max pool gradient with the ReLU folded in: the reference, and bit for bit the relu activationGrad after the plain one', () => {
  const was = setPoisonOutputs(true);
  try {
    RELU_POOLS.forEach(([shape, kernel, strides, padding], i) => {
      const g = windowOf(shape, { kernel, strides, dilation: [1, 1], padding });
      const x = rand(shape, 70 + i);
      // ReLU outputs: about half exact zeros (whole windows of them too), some NaN from the layer below
      for (let j = 0; j < x.data.length; j++) x.data[j] = j % 97 === 5 ? NaN : Math.max(0, x.data[j]);
      const dy = rand([g.n, g.outH, g.outW, g.c], 80 + i);
      const what = `pool ${i} (${shape.join('x')}, k ${kernel.join('x')}, s ${strides.join('x')}, ${padding})`;
      const fused = native!.pool2dGrad(x, dy, g, 'max', true);
      const plain = native!.pool2dGrad(x, dy, g, 'max');
      assertSameBits(fused.data as Float32Array, native!.activationGrad('relu', x, x, plain).data as Float32Array, `${what} fused vs unfused`);
      assertClose(fused.data, ref.pool2dGrad(x, dy, g, 'max', true).data, 1e-6, 1e-6, `${what} vs reference`);
      const wantRef = ref.activationGrad('relu', x, x, ref.pool2dGrad(x, dy, g, 'max'));
      assertSameBits(ref.pool2dGrad(x, dy, g, 'max', true).data as Float32Array, wantRef.data as Float32Array, `${what} reference fused vs unfused`);
      // the mask did something: some routed gradient was dropped at a zero maximum
      let dropped = 0;
      for (let j = 0; j < x.data.length; j++) if (plain.data[j] !== 0 && fused.data[j] === 0) dropped++;
      assert.ok(dropped > 0 || x.data.length < 8, `${what}: the ReLU mask dropped nothing`);
      assert.throws(() => ref.pool2dGrad(x, dy, g, 'avg', true), /needs max pooling/);
    });
  } finally {
    setPoisonOutputs(was);
  }
});

it('native pooling propagates NaN like the reference, and the addon refuses a bad window', () => {
  const x = rand([1, 2, 2, 1], 3);
  x.data[1] = NaN;
  const g = windowOf(x.shape, { kernel: [2, 2], strides: [2, 2], dilation: [1, 1], padding: 'valid' });
  assert.ok(Number.isNaN(native!.pool2d(x, g, 'max').data[0]));
  assert.ok(Number.isNaN(ref.pool2d(x, g, 'max').data[0]));
  // a window that does not describe x: the native backend hands it to the reference, which names the problem
  assert.throws(() => native!.im2col(x, { ...g, h: 3 }), /im2col: expected input of shape \[1, 3, 2, 1\], received \[1, 2, 2, 1\]/);
});
});

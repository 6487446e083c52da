// The native conv lowering and pooling kernels against the reference oracle (float32), with NaN-poisoned outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadNativeBackend, setPoisonOutputs } from '../../src/backend/native.js';
import { referenceBackend as ref } from '../../src/backend/reference/index.js';
import type { RawTensor, Window2D } from '../../src/backend/backend.js';
import { windowOf, type Padding } from '../../src/ops/conv_geometry.js';
import { assertClose } from '../helpers/gradcheck.js';

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
];

test('native im2col, col2im, pool2d and pool2dGrad equal the reference', { skip: native ? false : 'native addon not built: reference only' }, () => {
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

test('native pooling propagates NaN like the reference, and the addon refuses a bad window', { skip: native ? false : 'native addon not built: reference only' }, () => {
  const x = rand([1, 2, 2, 1], 3);
  x.data[1] = NaN;
  const g = windowOf(x.shape, { kernel: [2, 2], strides: [2, 2], dilation: [1, 1], padding: 'valid' });
  assert.ok(Number.isNaN(native!.pool2d(x, g, 'max').data[0]));
  assert.ok(Number.isNaN(ref.pool2d(x, g, 'max').data[0]));
  // a window that does not describe x: the native backend hands it to the reference, which names the problem
  assert.throws(() => native!.im2col(x, { ...g, h: 3 }), /im2col: expected input of shape \[1, 3, 2, 1\], received \[1, 2, 2, 1\]/);
});

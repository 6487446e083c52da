// Pooling ops over channels-last windows (max, average) and resizing by whole factors (nearest, bilinear).
import type { Tensor } from '../tensor/tensor.js';
import type { PoolKind } from '../backend/backend.js';
import type { Window2D } from '../backend/backend.js';
import { Tensor as TensorClass } from '../tensor/tensor.js';
import { floatOf } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { backend } from '../backend/registry.js';
import { defineOp, wrap } from './define.js';
import { castTo, gather, reshape } from './layout.js';
import { matmul } from './linalg.js';
import { windowOf, type Padding } from './conv_geometry.js';
import { isReluOutput, markThroughRelu } from './relu_grad.js';

// NOTE: the vjp is one backend call from the saved input (max: the first maximum of each window takes dy); over a
// fused ReLU's output it also applies the ReLU's gradient, which the producer then skips (see relu_grad.ts).
const pool2dOp = defineOp<{ g: Window2D; kind: PoolKind }>({
  name: 'pool2d',
  forward: (bk, [x], { g, kind }) => bk.pool2d(x, g, kind),
  vjp: (dy, { inputs: [x], attrs: { g, kind }, returned }) => {
    const relu = kind === 'max' && !returned?.[0] && isReluOutput(x);
    const dx = wrap(backend().pool2dGrad(x, castTo(dy, x.dtype), g, kind, relu));
    return [relu ? markThroughRelu(dx, x) : dx];
  },
});

export interface Pool2DOptions {
  poolSize: readonly [number, number];
  strides: readonly [number, number];
  padding: Exclude<Padding, 'causal'>;
}

/** Max or average pooling of channels-last x [n, h, w, c] (TensorFlow's 'same': padding excluded from max and mean). */
export function pool2d(x: Tensor, kind: PoolKind, options: Pool2DOptions): Tensor {
  if (x.rank !== 4) throw new Error(`pool2d: expected input [batch, height, width, channels], received ${formatShape(x.shape)}`);
  const g = windowOf(x.shape, { kernel: options.poolSize, strides: options.strides, dilation: [1, 1], padding: options.padding });
  if (g.outH <= 0 || g.outW <= 0) {
    throw new Error(`pool2d: a ${options.poolSize.join('x')} window does not fit an input of shape ${formatShape(x.shape)} with '${options.padding}' padding`);
  }
  return pool2dOp([castTo(x, floatOf(x.dtype))], { g, kind });
}

/** Nearest-neighbour upsampling of x [n, h, w, c] by whole factors (each pixel repeated, as Keras' UpSampling2D). */
export function upsampleNearest(x: Tensor, size: readonly [number, number]): Tensor {
  const [, h, w] = x.shape;
  const rows = Int32Array.from({ length: h * size[0] }, (_, i) => Math.floor(i / size[0]));
  const cols = Int32Array.from({ length: w * size[1] }, (_, i) => Math.floor(i / size[1]));
  return gather(gather(x, new TensorClass(rows, [rows.length], 'int32'), 1), new TensorClass(cols, [cols.length], 'int32'), 2);
}

/**
 * Bilinear interpolation weights [out, in] with half-pixel centers (TensorFlow's resize, Keras 3 UpSampling2D):
 * src = (i + 0.5) / scale - 0.5, clamped at 0, lerp between floor and min(floor + 1, in - 1).
 */
function bilinearMatrix(length: number, scale: number, dtype: 'float32' | 'float64'): Tensor {
  const out = length * scale;
  const data = dtype === 'float64' ? new Float64Array(out * length) : new Float32Array(out * length);
  for (let i = 0; i < out; i++) {
    const src = Math.max((i + 0.5) / scale - 0.5, 0);
    const lo = Math.min(Math.floor(src), length - 1);
    const hi = Math.min(lo + 1, length - 1);
    const t = src - lo;
    data[i * length + lo] += 1 - t;
    data[i * length + hi] += t;
  }
  return new TensorClass(data, [out, length], dtype);
}

/** Bilinear upsampling of x [n, h, w, c] by whole factors: two products with interpolation matrices (H, then W). */
export function upsampleBilinear(x: Tensor, size: readonly [number, number]): Tensor {
  const t = castTo(x, floatOf(x.dtype));
  const dtype = t.dtype as 'float32' | 'float64';
  const [n, h, w, c] = t.shape;
  const oh = h * size[0];
  const ow = w * size[1];
  const alongH = matmul(bilinearMatrix(h, size[0], dtype), reshape(t, [n, h, w * c]));
  const alongW = matmul(bilinearMatrix(w, size[1], dtype), reshape(alongH, [n * oh, w, c]));
  return reshape(alongW, [n, oh, ow, c]);
}

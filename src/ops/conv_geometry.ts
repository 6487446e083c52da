// Window geometry of convolutions and pooling: output sizes and TensorFlow's padding rule, shared by ops and layers.
import type { Window2D } from '../backend/backend.js';

/** 'valid' (no padding), 'same' (TensorFlow: output ceil(in / stride), the odd pixel padded at the end), 'causal' (1-D). */
export type Padding = 'valid' | 'same' | 'causal';

/** Kernel extent once dilated: (k - 1) * d + 1. */
export function dilatedSize(k: number, dilation: number): number {
  return (k - 1) * dilation + 1;
}

/** Output length and padding before along one axis, TensorFlow's rule (for 'same', padding after = total - before). */
export function axisGeometry(length: number, k: number, stride: number, dilation: number, padding: Padding): { out: number; before: number } {
  const kd = dilatedSize(k, dilation);
  if (padding === 'same') {
    const out = Math.ceil(length / stride);
    const total = Math.max((out - 1) * stride + kd - length, 0);
    return { out, before: Math.floor(total / 2) };
  }
  if (padding === 'causal') return { out: Math.floor((length - 1) / stride) + 1, before: kd - 1 };
  return { out: Math.max(Math.floor((length - kd) / stride) + 1, 0), before: 0 };
}

export interface WindowSpec {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  dilation: readonly [number, number];
  padding: Padding;
}

/** The Window2D of a channels-last input [n, h, w, c] under `spec`. */
export function windowOf(shape: readonly number[], spec: WindowSpec): Window2D {
  const [n, h, w, c] = shape;
  const [kh, kw] = spec.kernel;
  const [strideH, strideW] = spec.strides;
  const [dilationH, dilationW] = spec.dilation;
  const gh = axisGeometry(h, kh, strideH, dilationH, spec.padding);
  const gw = axisGeometry(w, kw, strideW, dilationW, spec.padding);
  return { n, h, w, c, kh, kw, strideH, strideW, dilationH, dilationW, padTop: gh.before, padLeft: gw.before, outH: gh.out, outW: gw.out };
}

/**
 * Keras' deconv_output_length: the output length of a transposed convolution (without output padding:
 * valid in * s + max(kd - s, 0), same in * s; with it: (in - 1) * s + kd - 2 * pad + outputPadding, pad = kd // 2 for same).
 */
export function transposedLength(length: number, k: number, stride: number, dilation: number, padding: 'valid' | 'same', outputPadding: number | null): number {
  const kd = dilatedSize(k, dilation);
  if (outputPadding === null) return padding === 'valid' ? length * stride + Math.max(kd - stride, 0) : length * stride;
  const pad = padding === 'same' ? Math.floor(kd / 2) : 0;
  return (length - 1) * stride + kd - 2 * pad + outputPadding;
}

/**
 * The Window2D of the convolution whose input gradient a transposed convolution computes: input [n, outH, outW, c]
 * (the transposed conv's output), windows at the transposed conv's input positions [inH, inW]. TensorFlow's
 * conv2d_transpose pads as conv2d's backprop: before = max((in - 1) * s + kd - out, 0) // 2 for 'same', 0 for 'valid'.
 */
export function transposedWindow(n: number, inH: number, inW: number, outH: number, outW: number, c: number, spec: WindowSpec & { padding: 'valid' | 'same' }): Window2D {
  const [kh, kw] = spec.kernel;
  const [strideH, strideW] = spec.strides;
  const [dilationH, dilationW] = spec.dilation;
  const before = (i: number, o: number, k: number, s: number, d: number): number =>
    spec.padding === 'same' ? Math.floor(Math.max((i - 1) * s + dilatedSize(k, d) - o, 0) / 2) : 0;
  return {
    n, h: outH, w: outW, c, kh, kw, strideH, strideW, dilationH, dilationW,
    padTop: before(inH, outH, kh, strideH, dilationH), padLeft: before(inW, outW, kw, strideW, dilationW), outH: inH, outW: inW,
  };
}

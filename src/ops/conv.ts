// Convolutions lowered onto im2col / col2im and the (fused) matrix products: conv2d, grouped conv, conv2dTranspose.
import { Tensor } from '../tensor/tensor.js';
import { isRecording } from '../autograd/tape.js';
import { backend } from '../backend/registry.js';
import type { ActivationOp, Window2D } from '../backend/backend.js';
import { formatShape } from '../tensor/shape.js';
import { defineOp, type Op } from './define.js';
import { castTo, concat, reshape, transpose } from './layout.js';
import { add } from './arithmetic.js';
import { dense, matmul } from './linalg.js';
import { applyActivation } from './activation.js';
import { conv2dTrainOp } from './conv_train.js';
import { transposedWindow, windowOf, type WindowSpec } from './conv_geometry.js';
import { markReluOutput } from './relu_grad.js';

// NOTE: im2col and col2im are each other's adjoints, so each one's vjp is the other.
const im2colOp: Op<{ g: Window2D }> = defineOp<{ g: Window2D }>({
  name: 'im2col',
  forward: (bk, [x], { g }) => bk.im2col(x, g),
  vjp: (dy, { inputs: [x], attrs: { g } }) => [col2imOp([castTo(dy, x.dtype)], { g })],
});

const col2imOp: Op<{ g: Window2D }> = defineOp<{ g: Window2D }>({
  name: 'col2im',
  forward: (bk, [cols], { g }) => bk.col2im(cols, g),
  vjp: (dy, { inputs: [cols], attrs: { g } }) => [im2colOp([castTo(dy, cols.dtype)], { g })],
});

/** The windows of x [n, h, w, c] as rows [n * outH * outW, kh * kw * c] (columns ordered ky, kx, c). */
export function im2col(x: Tensor, g: Window2D): Tensor {
  return im2colOp([x], { g });
}

/** Sums rows [n * outH * outW, kh * kw * c] back into [n, h, w, c] (the adjoint of im2col). */
export function col2im(cols: Tensor, g: Window2D): Tensor {
  return col2imOp([cols], { g });
}

export interface Conv2DOptions extends WindowSpec {
  groups?: number;
  /** A fusable activation ('linear' by default), applied in the GEMM epilogue when groups = 1. */
  activation?: ActivationOp;
  alpha?: number;
}

function checkConvShapes(x: Tensor, kernel: Tensor, groups: number): void {
  if (x.rank !== 4) throw new Error(`conv2d: expected input [batch, height, width, channels], received ${formatShape(x.shape)}`);
  const c = x.shape[3];
  const [kh, kw, cg, f] = kernel.shape;
  if (kernel.rank !== 4 || cg * groups !== c || f % groups !== 0) {
    throw new Error(`conv2d: expected a kernel [${kh}, ${kw}, ${c / groups}, filters divisible by ${groups}] for ${c} input channels in ${groups} group(s), received ${formatShape(kernel.shape)}`);
  }
}

/**
 * 2-D convolution (cross-correlation, as Keras) of channels-last x [n, h, w, c] with kernel [kh, kw, c / groups, filters]:
 * [n, outH, outW, filters]. One GEMM of the unfolded windows with the kernel, bias and activation fused (groups = 1);
 * grouped convolutions run one batched GEMM over the groups.
 */
export function conv2d(x: Tensor, kernel: Tensor, bias: Tensor | null, options: Conv2DOptions): Tensor {
  const groups = options.groups ?? 1;
  checkConvShapes(x, kernel, groups);
  const [kh, kw, cg, f] = kernel.shape;
  const g = windowOf(x.shape, { ...options, kernel: [kh, kw] });
  if (g.outH <= 0 || g.outW <= 0) {
    throw new Error(`conv2d: a ${kh}x${kw} window (dilation ${options.dilation.join('x')}) does not fit an input of shape ${formatShape(x.shape)} with '${options.padding}' padding`);
  }
  const activation = options.activation ?? 'linear';
  if (groups === 1 && !isRecording()) {
    const fused = convForwardOp(bias ? [castTo(x, kernel.dtype), kernel, bias] : [castTo(x, kernel.dtype), kernel], { g, activation, alpha: options.alpha });
    if (fused) return fused;
  }
  if (groups === 1 && isRecording() && backend().convForward) {
    const inputs = bias ? [castTo(x, kernel.dtype), kernel, bias] : [castTo(x, kernel.dtype), kernel];
    const y = conv2dTrainOp(inputs, { g, activation, alpha: options.alpha });
    return activation === 'relu' ? markReluOutput(y) : y;
  }
  const perImage = g.outH * g.outW * kh * kw * cg * groups;
  if (groups === 1 && !isRecording() && g.n > 1 && g.n * perImage > CHUNK_FLOATS) {
    return inChunks(castTo(x, kernel.dtype), Math.max(1, Math.floor(CHUNK_FLOATS / perImage)), (xb) =>
      conv2d(xb, kernel, bias, options));
  }
  const cols = im2col(castTo(x, kernel.dtype), g);
  let y: Tensor;
  if (groups === 1) {
    y = dense(cols, reshape(kernel, [kh * kw * cg, f]), bias, activation, options.alpha);
    // NOTE: with no tape, nothing else holds the columns: their buffer serves the next chunk or layer.
    if (!isRecording()) backend().recycle?.([cols.data]);
  } else {
    const m = cols.shape[0];
    const fg = f / groups;
    const a = reshape(transpose(reshape(cols, [m, kh * kw, groups, cg]), [2, 0, 1, 3]), [groups, m, kh * kw * cg]);
    const b = reshape(transpose(reshape(kernel, [kh * kw, cg, groups, fg]), [2, 0, 1, 3]), [groups, kh * kw * cg, fg]);
    const z = reshape(transpose(matmul(a, b), [1, 0, 2]), [m, f]);
    const biased = bias ? add(z, bias) : z;
    y = activation === 'linear' ? biased : applyActivation(activation, biased, options.alpha);
  }
  return reshape(y, [g.n, g.outH, g.outW, f]);
}

interface ConvForwardAttrs { g: Window2D; activation: ActivationOp; alpha?: number }

/** Inference only (no vjp): the backend's fused convolution, or null when it has none for these operands. */
function convForwardOp(inputs: Tensor[], attrs: ConvForwardAttrs): Tensor | null {
  const bk = backend();
  if (!bk.convForward) return null;
  const [x, kernel, bias] = inputs;
  const [kh, kw, cg, f] = kernel.shape;
  const raw = bk.convForward(x, { data: kernel.data, shape: [kh * kw * cg, f], dtype: kernel.dtype }, bias ?? null, attrs.g, attrs.activation, attrs.alpha);
  return raw ? new Tensor(raw.data, raw.shape, raw.dtype) : null;
}

/** Unfolded windows per inference chunk (8 MB of float32): the columns stay in cache and their buffer is reused. */
const CHUNK_FLOATS = 1 << 21;

/**
 * Inference only (nothing records gradients): runs f on views of `per` images at a time and joins the results,
 * handing each chunk's intermediates back to the backend, so a large batch never materializes all its columns.
 */
function inChunks(x: Tensor, per: number, f: (xb: Tensor) => Tensor): Tensor {
  const n = x.shape[0];
  const size = x.size / n;
  const parts: Tensor[] = [];
  for (let b0 = 0; b0 < n; b0 += per) {
    const b1 = Math.min(n, b0 + per);
    parts.push(f(new Tensor(x.data.subarray(b0 * size, b1 * size), [b1 - b0, ...x.shape.slice(1)], x.dtype)));
  }
  const y = concat(parts, 0);
  backend().recycle?.(parts.map((p) => p.data));
  return y;
}

export interface Conv2DTransposeOptions extends WindowSpec {
  padding: 'valid' | 'same';
  /** Output size [height, width] (from Keras' deconv_output_length). */
  outputSize: readonly [number, number];
}

/**
 * Transposed 2-D convolution of x [n, h, w, cin] with a Keras kernel [kh, kw, filters, cin]: the input gradient of
 * conv2d, i.e. col2im(x @ kernel^T), cropped by TensorFlow's padding rule; plus bias. Output [n, outH, outW, filters].
 */
export function conv2dTranspose(x: Tensor, kernel: Tensor, bias: Tensor | null, options: Conv2DTransposeOptions): Tensor {
  if (x.rank !== 4) throw new Error(`conv2dTranspose: expected input [batch, height, width, channels], received ${formatShape(x.shape)}`);
  const [kh, kw, f, cin] = kernel.shape;
  if (kernel.rank !== 4 || cin !== x.shape[3]) {
    throw new Error(`conv2dTranspose: expected a kernel [kh, kw, filters, ${x.shape[3]}], received ${formatShape(kernel.shape)}`);
  }
  const [n, h, w] = x.shape;
  const [outH, outW] = options.outputSize;
  const g = transposedWindow(n, h, w, outH, outW, f, { ...options, kernel: [kh, kw] });
  const rows = matmul(reshape(castTo(x, kernel.dtype), [n * h * w, cin]), reshape(kernel, [kh * kw * f, cin]), { transposeB: true });
  const y = col2im(rows, g);
  return bias ? add(y, bias) : y;
}

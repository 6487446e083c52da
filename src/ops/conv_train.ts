// The recorded (training) convolution on backends with a fused convForward: im2col + one fused GEMM forward, and a
// vjp that takes dx for stride-1 windows as the forward convolution of dz with the flipped kernel, in L2-sized bands
// (no [rows, kh * kw * c] column gradient, no col2im); with the backend's convWeightGrad the forward and the kernel
// gradient run in bands too (the column matrix never exists), else dkernel / dbias (or the fused SGD step) come from
// one denseGrad of the saved columns.
import type { ActivationOp, Backend, RawTensor, Window2D } from '../backend/backend.js';
import { APPLIED } from '../autograd/tape.js';
import { backend } from '../backend/registry.js';
import { defineOp, wrap } from './define.js';
import { isThroughRelu } from './relu_grad.js';

interface ConvTrainAttrs {
  g: Window2D;
  activation: ActivationOp;
  alpha?: number;
  /** The unfolded windows of the input, set by the forward for the vjp's kernel gradient. */
  cols?: RawTensor;
}

function as2d(t: RawTensor, rows: number, cols: number): RawTensor {
  return { data: t.data, shape: [rows, cols], dtype: t.dtype };
}

/** The window of the input gradient as a stride-1 convolution of dz (null when the window is not stride 1). */
export function inputGradWindow(g: Window2D, filters: number): Window2D | null {
  const padTop = (g.kh - 1) * g.dilationH - g.padTop;
  const padLeft = (g.kw - 1) * g.dilationW - g.padLeft;
  if (g.strideH !== 1 || g.strideW !== 1 || padTop < 0 || padLeft < 0) return null;
  return { ...g, h: g.outH, w: g.outW, c: filters, padTop, padLeft, outH: g.h, outW: g.w };
}

/** kernel [kh, kw, c, f] -> [(kh - 1 - ky, kw - 1 - kx, f), c]: the kernel of the input-gradient convolution. */
export function flippedKernel(kernel: RawTensor): RawTensor {
  const [kh, kw, c, f] = kernel.shape;
  const src = kernel.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const s0 = (ky * kw + kx) * c * f;
      const d0 = ((kh - 1 - ky) * kw + (kw - 1 - kx)) * f * c;
      for (let i = 0; i < c; i++) for (let j = 0; j < f; j++) out[d0 + j * c + i] = src[s0 + i * f + j];
    }
  }
  return { data: out, shape: [kh * kw * f, c], dtype: kernel.dtype };
}

/** dx [n, h, w, c] from dz [n, outH, outW, f]: the flipped-kernel convolution, else col2im(dz kernel^T). */
function inputGrad(bk: Backend, dz: RawTensor, kernel: RawTensor, g: Window2D): RawTensor {
  const [kh, kw, c, f] = kernel.shape;
  const gt = inputGradWindow(g, f);
  const viaConv = gt && bk.convForward ? bk.convForward(dz, flippedKernel(kernel), null, gt, 'linear') : null;
  if (viaConv) return viaConv;
  const rows = g.n * g.outH * g.outW;
  const dcols = bk.matmul(as2d(dz, rows, f), as2d(kernel, kh * kw * c, f), { transposeB: true });
  return bk.col2im(dcols, g);
}

export const conv2dTrainOp = defineOp<ConvTrainAttrs>({
  name: 'conv2d',
  forward: (bk, [x, kernel, bias], attrs) => {
    const { g, activation, alpha } = attrs;
    const [kh, kw, c, f] = kernel.shape;
    const k2d = as2d(kernel, kh * kw * c, f);
    // Banded forward when the backend can also take the kernel gradient without the columns; else keep them.
    const banded = bk.convWeightGrad ? bk.convForward?.(x, k2d, bias ?? null, g, activation, alpha) : null;
    if (banded) return banded;
    attrs.cols = bk.im2col(x, g);
    const y = bk.matmul(attrs.cols, k2d, { bias, activation: activation === 'linear' ? undefined : activation, alpha });
    return { data: y.data, shape: [g.n, g.outH, g.outW, f], dtype: y.dtype };
  },
  // NOTE: the fused activations' derivatives follow from y alone (as the dense op's), so dz = act'(y) * dy; a max
  // pool's vjp may have applied relu'(y) already (relu_grad.ts).
  vjp: (dy, { inputs: [x, kernel, bias], output, attrs, needs, sgd }) => {
    const bk = backend();
    const { g, activation, alpha } = attrs;
    const [kh, kw, c, f] = kernel.shape;
    const rows = g.n * g.outH * g.outW;
    const done = activation === 'linear' || (activation === 'relu' && isThroughRelu(dy, output));
    const dz = done ? dy : bk.activationGrad(activation, output, output, dy, { alpha });
    const dx = needs[0] ? wrap(inputGrad(bk, dz, kernel, g)) : null;
    const needsBias = bias !== undefined && needs[2];
    if (!needs[1] && !needsBias) return [dx, null, null];
    if (!attrs.cols) {
      const wg = bk.convWeightGrad!(x, dz, g, f, needsBias);
      if (wg) return [dx, needs[1] ? wrap({ ...wg.dkernel, shape: kernel.shape }) : null, wg.dbias && wrap(wg.dbias)];
      attrs.cols = bk.im2col(x, g);
    }
    const step = sgd && needs[1] && sgd.inputs[1] && (!needsBias || sgd.inputs[2]);
    const k2d = as2d(kernel, kh * kw * c, f);
    const gr = bk.denseGrad(attrs.cols!, k2d, as2d(output, rows, f), as2d(dz, rows, f), {
      activation: 'linear', needs: [false, needs[1], needsBias],
      sgd: step ? { learningRate: sgd.learningRate, bias: needsBias ? bias : null } : undefined,
    });
    if (step) return [dx, APPLIED, needsBias ? APPLIED : null];
    return [dx, gr.dkernel && wrap({ ...gr.dkernel, shape: kernel.shape }), gr.dbias && wrap(gr.dbias)];
  },
});

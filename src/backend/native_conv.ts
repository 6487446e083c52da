// Native conv lowering and pooling (native/conv.cc): im2col, col2im, pool2d and its gradient on float32 data;
// anything else (float64, mismatched shapes) runs on the reference, which also owns the error messages.
import type { ActivationOp, Backend, PoolKind, RawTensor, Window2D } from './backend.js';
import { alloc } from './native_alloc.js';

/** The conv exports of native/addon_conv.cc. */
export interface ConvAddon {
  im2col(x: Float32Array, cols: Float32Array, window: Float64Array): void;
  conv2dForward(x: Float32Array, w: Float32Array, bias: Float32Array | null, y: Float32Array, window: Float64Array, filters: number, act: number, alpha: number): void;
  conv2dWeightGrad(x: Float32Array, dz: Float32Array, dw: Float32Array, db: Float32Array | null, window: Float64Array, filters: number): void;
  col2im(cols: Float32Array, x: Float32Array, window: Float64Array): void;
  pool2d(x: Float32Array, y: Float32Array, window: Float64Array, kind: number): void;
  pool2dGrad(x: Float32Array, dy: Float32Array, dx: Float32Array, window: Float64Array, kind: number, relu: boolean): void;
}

const KIND: Record<PoolKind, number> = { max: 0, avg: 1 };
// Activation codes of native/ops.h (Act); softplus has no fused epilogue, so it takes the im2col + matmul path.
const ACT: Partial<Record<ActivationOp, number>> = { linear: 0, relu: 1, relu6: 2, leakyRelu: 3, elu: 4, selu: 5, sigmoid: 6, tanh: 7 };

function windowArray(g: Window2D): Float64Array {
  return Float64Array.of(g.n, g.h, g.w, g.c, g.kh, g.kw, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.outH, g.outW);
}

function isF32(x: RawTensor): x is RawTensor & { data: Float32Array } {
  return x.dtype === 'float32' && x.data instanceof Float32Array;
}

function fitsInput(x: RawTensor, g: Window2D): boolean {
  const [n, h, w, c] = x.shape;
  return x.shape.length === 4 && n === g.n && h === g.h && w === g.w && c === g.c;
}

export function nativeConvKernels(L: ConvAddon, ref: Backend): Pick<Backend, 'im2col' | 'col2im' | 'pool2d' | 'pool2dGrad' | 'convForward' | 'convWeightGrad'> {
  return {
    convForward(x: RawTensor, kernel: RawTensor, bias: RawTensor | null, g: Window2D, activation: ActivationOp, alpha?: number): RawTensor | null {
      const act = ACT[activation];
      const k = g.kh * g.kw * g.c;
      if (act === undefined || !isF32(x) || !fitsInput(x, g) || !isF32(kernel) || kernel.shape.length !== 2 || kernel.shape[0] !== k) return null;
      const f = kernel.shape[1];
      if (bias && (!isF32(bias) || bias.data.length !== f)) return null;
      const out = alloc(g.n * g.outH * g.outW * f);
      const al = alpha ?? (activation === 'elu' ? 1 : 0.2);
      L.conv2dForward(x.data, kernel.data, bias ? (bias.data as Float32Array) : null, out, windowArray(g), f, act, al);
      return { data: out, shape: [g.n, g.outH, g.outW, f], dtype: 'float32' };
    },
    convWeightGrad(x: RawTensor, dz: RawTensor, g: Window2D, filters: number, needsBias: boolean) {
      if (!isF32(x) || !fitsInput(x, g) || !isF32(dz) || dz.data.length !== g.n * g.outH * g.outW * filters) return null;
      const k = g.kh * g.kw * g.c;
      const dw = alloc(k * filters);
      const db = needsBias ? alloc(filters) : null;
      L.conv2dWeightGrad(x.data, dz.data, dw, db, windowArray(g), filters);
      return {
        dkernel: { data: dw, shape: [k, filters], dtype: 'float32' as const },
        dbias: db && { data: db, shape: [filters], dtype: 'float32' as const },
      };
    },
    im2col(x: RawTensor, g: Window2D): RawTensor {
      if (!isF32(x) || !fitsInput(x, g)) return ref.im2col(x, g);
      const rows = g.n * g.outH * g.outW;
      const k = g.kh * g.kw * g.c;
      const out = alloc(rows * k);
      L.im2col(x.data, out, windowArray(g));
      return { data: out, shape: [rows, k], dtype: 'float32' };
    },
    col2im(cols: RawTensor, g: Window2D): RawTensor {
      const rows = g.n * g.outH * g.outW;
      const k = g.kh * g.kw * g.c;
      if (!isF32(cols) || cols.shape.length !== 2 || cols.shape[0] !== rows || cols.shape[1] !== k) return ref.col2im(cols, g);
      const out = alloc(g.n * g.h * g.w * g.c);
      L.col2im(cols.data, out, windowArray(g));
      return { data: out, shape: [g.n, g.h, g.w, g.c], dtype: 'float32' };
    },
    pool2d(x: RawTensor, g: Window2D, kind: PoolKind): RawTensor {
      if (!isF32(x) || !fitsInput(x, g)) return ref.pool2d(x, g, kind);
      const out = alloc(g.n * g.outH * g.outW * g.c);
      L.pool2d(x.data, out, windowArray(g), KIND[kind]);
      return { data: out, shape: [g.n, g.outH, g.outW, g.c], dtype: 'float32' };
    },
    pool2dGrad(x: RawTensor, dy: RawTensor, g: Window2D, kind: PoolKind, relu = false): RawTensor {
      if (!isF32(x) || !isF32(dy) || !fitsInput(x, g) || dy.data.length !== g.n * g.outH * g.outW * g.c || (relu && kind !== 'max')) {
        return ref.pool2dGrad(x, dy, g, kind, relu);
      }
      const dx = alloc(x.data.length);
      L.pool2dGrad(x.data, dy.data, dx, windowArray(g), KIND[kind], relu);
      return { data: dx, shape: [...x.shape], dtype: 'float32' };
    },
  };
}

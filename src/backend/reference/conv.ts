// Reference convolution and pooling kernels over channels-last windows: im2col, col2im, pool2d and its gradient.
import type { PoolKind, RawTensor, Window2D } from '../backend.js';
import { allocate } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';

function checkInput(x: RawTensor, g: Window2D, what: string): void {
  const [n, h, w, c] = x.shape;
  if (x.shape.length !== 4 || n !== g.n || h !== g.h || w !== g.w || c !== g.c) {
    throw new Error(`${what}: expected input of shape ${formatShape([g.n, g.h, g.w, g.c])}, received ${formatShape(x.shape)}`);
  }
}

/** First and one-past-last kernel index whose input position o * stride - pad + k * dilation lies in [0, size). */
function validTaps(o: number, stride: number, pad: number, dilation: number, k: number, size: number): [number, number] {
  const start = o * stride - pad;
  let lo = 0;
  while (lo < k && start + lo * dilation < 0) lo++;
  let hi = k;
  while (hi > lo && start + (hi - 1) * dilation >= size) hi--;
  return [lo, hi];
}

/**
 * Calls visit(row, tap, offset) for every in-bounds input position of every window: row = the output position
 * (b, oy, ox) flattened, tap = ky * kw + kx, offset = the index of channel 0 of that input pixel in x.
 */
function forEachTap(g: Window2D, visit: (row: number, tap: number, offset: number) => void): void {
  const { n, h, w, c, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = g;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const [ky0, ky1] = validTaps(oy, strideH, padTop, dilationH, kh, h);
      for (let ox = 0; ox < outW; ox++) {
        const [kx0, kx1] = validTaps(ox, strideW, padLeft, dilationW, kw, w);
        const row = (b * outH + oy) * outW + ox;
        for (let ky = ky0; ky < ky1; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          for (let kx = kx0; kx < kx1; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            visit(row, ky * kw + kx, ((b * h + iy) * w + ix) * c);
          }
        }
      }
    }
  }
}

export function im2col(x: RawTensor, g: Window2D): RawTensor {
  checkInput(x, g, 'im2col');
  const { n, h, w, c, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = g;
  const k = kh * kw * c;
  const out = allocate(x.dtype, n * outH * outW * k);
  const src = x.data;
  // Direct loops (no per-tap callback): with dilationW = 1 the taps kx0..kx1 of one kernel row are one contiguous run.
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      const [ky0, ky1] = validTaps(oy, strideH, padTop, dilationH, kh, h);
      for (let ox = 0; ox < outW; ox++) {
        const [kx0, kx1] = validTaps(ox, strideW, padLeft, dilationW, kw, w);
        const row = ((b * outH + oy) * outW + ox) * k;
        for (let ky = ky0; ky < ky1; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          const rowIn = (b * h + iy) * w;
          if (dilationW === 1) {
            const from = (rowIn + ox * strideW - padLeft + kx0) * c;
            const len = (kx1 - kx0) * c;
            const dst = row + (ky * kw + kx0) * c;
            for (let i = 0; i < len; i++) out[dst + i] = src[from + i];
          } else {
            for (let kx = kx0; kx < kx1; kx++) {
              const from = (rowIn + ox * strideW - padLeft + kx * dilationW) * c;
              const dst = row + (ky * kw + kx) * c;
              for (let i = 0; i < c; i++) out[dst + i] = src[from + i];
            }
          }
        }
      }
    }
  }
  return { data: out, shape: [n * outH * outW, k], dtype: x.dtype };
}

export function col2im(cols: RawTensor, g: Window2D): RawTensor {
  const k = g.kh * g.kw * g.c;
  const rows = g.n * g.outH * g.outW;
  if (cols.shape.length !== 2 || cols.shape[0] !== rows || cols.shape[1] !== k) {
    throw new Error(`col2im: expected columns of shape ${formatShape([rows, k])}, received ${formatShape(cols.shape)}`);
  }
  const out = allocate(cols.dtype, g.n * g.h * g.w * g.c);
  const src = cols.data;
  const c = g.c;
  forEachTap(g, (row, tap, off) => {
    const s = row * k + tap * c;
    for (let i = 0; i < c; i++) out[off + i] += src[s + i];
  });
  return { data: out, shape: [g.n, g.h, g.w, g.c], dtype: cols.dtype };
}

/** Number of in-bounds positions of each window (the divisor of average pooling). */
function windowCounts(g: Window2D): Int32Array {
  const count = new Int32Array(g.n * g.outH * g.outW);
  forEachTap(g, (row) => count[row]++);
  return count;
}

export function pool2d(x: RawTensor, g: Window2D, kind: PoolKind): RawTensor {
  checkInput(x, g, 'pool2d');
  const c = g.c;
  const rows = g.n * g.outH * g.outW;
  const acc = new Float64Array(rows * c).fill(kind === 'max' ? -Infinity : 0);
  const src = x.data;
  if (kind === 'avg') {
    forEachTap(g, (row, _tap, off) => {
      const o = row * c;
      for (let i = 0; i < c; i++) acc[o + i] += src[off + i];
    });
    const count = windowCounts(g);
    for (let row = 0; row < rows; row++) for (let i = 0; i < c; i++) acc[row * c + i] /= Math.max(count[row], 1);
  } else {
    forEachTap(g, (row, _tap, off) => {
      const o = row * c;
      for (let i = 0; i < c; i++) {
        const v = src[off + i];
        if (v > acc[o + i] || v !== v) acc[o + i] = v; // NaN propagates (a later number is never > NaN)
      }
    });
  }
  const out = allocate(x.dtype, rows * c);
  out.set(acc);
  return { data: out, shape: [g.n, g.outH, g.outW, c], dtype: x.dtype };
}

export function pool2dGrad(x: RawTensor, dy: RawTensor, g: Window2D, kind: PoolKind, relu = false): RawTensor {
  checkInput(x, g, 'pool2dGrad');
  if (relu && kind !== 'max') throw new Error(`pool2dGrad: the fused ReLU gradient needs max pooling, received '${kind}'`);
  const c = g.c;
  const rows = g.n * g.outH * g.outW;
  if (dy.data.length !== rows * c) throw new Error(`pool2dGrad: expected dy of shape ${formatShape([g.n, g.outH, g.outW, c])}, received ${formatShape(dy.shape)}`);
  const dx = allocate(dy.dtype, x.data.length);
  const src = x.data;
  const d = dy.data;
  if (kind === 'avg') {
    const count = windowCounts(g);
    forEachTap(g, (row, _tap, off) => {
      for (let i = 0; i < c; i++) dx[off + i] += d[row * c + i] / count[row];
    });
  } else {
    // The first position holding the window's maximum receives the gradient (ties: lowest (ky, kx)).
    const best = new Float64Array(rows * c);
    const where = new Int32Array(rows * c).fill(-1);
    forEachTap(g, (row, _tap, off) => {
      for (let i = 0; i < c; i++) {
        const j = row * c + i;
        const v = src[off + i];
        if (where[j] < 0 || v > best[j]) {
          best[j] = v;
          where[j] = off + i;
        }
      }
    });
    for (let j = 0; j < rows * c; j++) if (where[j] >= 0) dx[where[j]] += d[j];
    // The ReLU's gradient as activationGrad takes it (dy * relu'(x)), after the routing: the oracle of the fused pass.
    if (relu) for (let i = 0; i < dx.length; i++) dx[i] *= src[i] > 0 ? 1 : 0;
  }
  return { data: dx, shape: [...x.shape], dtype: dy.dtype };
}

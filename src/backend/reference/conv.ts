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

/** Calls visit(row, k, offset) for every in-bounds input position (offset into x) of every window; k = ky * kw + kx. */
function forEachTap(g: Window2D, visit: (row: number, k: number, offset: number) => void): void {
  const { n, h, w, c, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW } = g;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const row = (b * outH + oy) * outW + ox;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * strideH - padTop + ky * dilationH;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * strideW - padLeft + kx * dilationW;
            if (ix < 0 || ix >= w) continue;
            visit(row, ky * kw + kx, ((b * h + iy) * w + ix) * c);
          }
        }
      }
    }
  }
}

export function im2col(x: RawTensor, g: Window2D): RawTensor {
  checkInput(x, g, 'im2col');
  const k = g.kh * g.kw * g.c;
  const rows = g.n * g.outH * g.outW;
  const out = allocate(x.dtype, rows * k);
  const src = x.data;
  const c = g.c;
  forEachTap(g, (row, tap, off) => {
    const dst = row * k + tap * c;
    for (let i = 0; i < c; i++) out[dst + i] = src[off + i];
  });
  return { data: out, shape: [rows, k], dtype: x.dtype };
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

export function pool2d(x: RawTensor, g: Window2D, kind: PoolKind): RawTensor {
  checkInput(x, g, 'pool2d');
  const c = g.c;
  const rows = g.n * g.outH * g.outW;
  const out = allocate(x.dtype, rows * c);
  const acc = new Float64Array(rows * c).fill(kind === 'max' ? -Infinity : 0);
  const count = new Int32Array(rows);
  const src = x.data;
  forEachTap(g, (row, _tap, off) => {
    count[row]++;
    const o = row * c;
    for (let i = 0; i < c; i++) {
      const v = src[off + i];
      if (kind === 'avg') acc[o + i] += v;
      else if (v > acc[o + i] || v !== v) acc[o + i] = v; // NaN propagates (a later number is never > NaN)
    }
  });
  for (let row = 0; row < rows; row++) {
    for (let i = 0; i < c; i++) out[row * c + i] = kind === 'avg' ? acc[row * c + i] / Math.max(count[row], 1) : acc[row * c + i];
  }
  return { data: out, shape: [g.n, g.outH, g.outW, c], dtype: x.dtype };
}

export function pool2dGrad(x: RawTensor, dy: RawTensor, g: Window2D, kind: PoolKind): RawTensor {
  checkInput(x, g, 'pool2dGrad');
  const c = g.c;
  const rows = g.n * g.outH * g.outW;
  if (dy.data.length !== rows * c) throw new Error(`pool2dGrad: expected dy of shape ${formatShape([g.n, g.outH, g.outW, c])}, received ${formatShape(dy.shape)}`);
  const dx = allocate(dy.dtype, x.data.length);
  const src = x.data;
  const d = dy.data;
  if (kind === 'avg') {
    const count = new Int32Array(rows);
    forEachTap(g, (row) => count[row]++);
    forEachTap(g, (row, _tap, off) => {
      for (let i = 0; i < c; i++) dx[off + i] += d[row * c + i] / count[row];
    });
  } else {
    // The first position holding the window's maximum receives the gradient (ties: lowest (ky, kx)).
    const best = new Float64Array(rows * c).fill(-Infinity);
    const where = new Int32Array(rows * c).fill(-1);
    forEachTap(g, (row, _tap, off) => {
      for (let i = 0; i < c; i++) {
        const v = src[off + i];
        if (where[row * c + i] < 0 || v > best[row * c + i]) {
          best[row * c + i] = v;
          where[row * c + i] = off + i;
        }
      }
    });
    for (let j = 0; j < rows * c; j++) if (where[j] >= 0) dx[where[j]] += d[j];
  }
  return { data: dx, shape: [...x.shape], dtype: dy.dtype };
}

// Reference reductions: sum/max/min/prod over axes, argmax/argmin, stable softmax and log-softmax.
import type { RawTensor, ReduceOp } from '../backend.js';
import { allocate } from '../../tensor/dtype.js';
import { reducedShape, sizeOf, stridesOf } from '../../tensor/shape.js';

/** Splits shape around `axes` into an outer loop (kept dims) and an inner loop (reduced dims) via offsets. */
function offsets(shape: readonly number[], dims: readonly number[]): Int32Array {
  const strides = stridesOf(shape);
  const n = dims.reduce((acc, d) => acc * shape[d], 1);
  const out = new Int32Array(n);
  const idx = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < n; i++) {
    let off = 0;
    for (let k = 0; k < dims.length; k++) off += idx[k] * strides[dims[k]];
    out[i] = off;
    for (let k = dims.length - 1; k >= 0; k--) {
      if (++idx[k] < shape[dims[k]]) break;
      idx[k] = 0;
    }
  }
  return out;
}

export function reduce(op: ReduceOp, x: RawTensor, axes: readonly number[], keepDims: boolean): RawTensor {
  const shape = reducedShape(x.shape, axes, keepDims);
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outer = offsets(x.shape, kept);
  const inner = offsets(x.shape, axes);
  const dtype = op === 'sum' || op === 'prod' ? (x.dtype === 'bool' || x.dtype === 'uint8' ? 'int32' : x.dtype) : x.dtype;
  const out = allocate(dtype, sizeOf(shape));
  const d = x.data;
  for (let o = 0; o < outer.length; o++) {
    const base = outer[o];
    let acc: number;
    if (op === 'sum') {
      acc = 0;
      for (let i = 0; i < inner.length; i++) acc += d[base + inner[i]];
    } else if (op === 'prod') {
      acc = 1;
      for (let i = 0; i < inner.length; i++) acc *= d[base + inner[i]];
    } else if (inner.length === 0) {
      throw new Error(`reduce ${op}: cannot reduce an empty dimension`);
    } else {
      acc = d[base + inner[0]];
      for (let i = 1; i < inner.length; i++) {
        const v = d[base + inner[i]];
        if (Number.isNaN(v)) { acc = v; break; }
        if (op === 'max' ? v > acc : v < acc) acc = v;
      }
    }
    out[o] = acc;
  }
  return { data: out, shape, dtype };
}

export function argReduce(op: 'argmax' | 'argmin', x: RawTensor, axis: number): RawTensor {
  const shape = reducedShape(x.shape, [axis], false);
  const n = x.shape[axis];
  if (n === 0) throw new Error(`${op}: cannot reduce an empty dimension`);
  const stride = stridesOf(x.shape)[axis];
  const outerN = sizeOf(x.shape.slice(0, axis));
  const out = new Int32Array(sizeOf(shape));
  const d = x.data;
  let o = 0;
  for (let a = 0; a < outerN; a++) {
    for (let s = 0; s < stride; s++, o++) {
      const base = a * n * stride + s;
      let best = d[base];
      let bi = 0;
      for (let i = 1; i < n; i++) {
        const v = d[base + i * stride];
        if (op === 'argmax' ? v > best : v < best) { best = v; bi = i; }
      }
      out[o] = bi;
    }
  }
  return { data: out, shape, dtype: 'int32' };
}

/** Calls fn(base, stride, n) for every line of `shape` along `axis`: element i of a line is at base + i * stride. */
function forEachLine(shape: readonly number[], axis: number, fn: (base: number, stride: number, n: number) => void): void {
  const n = shape[axis];
  const stride = stridesOf(shape)[axis];
  const outerN = sizeOf(shape.slice(0, axis));
  for (let a = 0; a < outerN; a++) for (let s = 0; s < stride; s++) fn(a * n * stride + s, stride, n);
}

export function softmax(x: RawTensor, axis: number, log: boolean): RawTensor {
  const out = allocate(x.dtype, x.data.length);
  const d = x.data;
  forEachLine(x.shape, axis, (base, stride, n) => {
    let m = -Infinity;
    for (let i = 0; i < n; i++) m = Math.max(m, d[base + i * stride]);
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp(d[base + i * stride] - m);
    const logSum = Math.log(sum);
    for (let i = 0; i < n; i++) {
      const z = d[base + i * stride] - m;
      out[base + i * stride] = log ? z - logSum : Math.exp(z) / sum;
    }
  });
  return { data: out, shape: x.shape, dtype: x.dtype };
}

/** Softmax's vjp from its output: dx = y * (dy - sum(dy * y)) along axis (the composed ops' rounding). */
export function softmaxGrad(y: RawTensor, dy: RawTensor, axis: number): RawTensor {
  const out = allocate(y.dtype, y.data.length);
  const yd = y.data;
  const gd = dy.data;
  const round = y.dtype === 'float32' ? Math.fround : (v: number): number => v;
  forEachLine(y.shape, axis, (base, stride, n) => {
    let acc = 0;
    for (let i = 0; i < n; i++) acc += round(gd[base + i * stride] * yd[base + i * stride]);
    const dot = round(acc);
    for (let i = 0; i < n; i++) out[base + i * stride] = yd[base + i * stride] * round(gd[base + i * stride] - dot);
  });
  return { data: out, shape: y.shape, dtype: y.dtype };
}

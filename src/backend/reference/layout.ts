// Reference layout kernels: transpose, slice, concat, gather / scatter-add, one-hot, pad.
import type { RawTensor } from '../backend.js';
import { allocate, type DType } from '../../tensor/dtype.js';
import { sizeOf, stridesOf, type Shape } from '../../tensor/shape.js';
import { forEachBroadcast } from './indexing.js';

export function transpose(x: RawTensor, perm: readonly number[]): RawTensor {
  const shape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const permuted = perm.map((p) => inStrides[p]);
  const out = allocate(x.dtype, x.data.length);
  const d = x.data;
  forEachBroadcast(shape, permuted, permuted, (i, ia) => {
    out[i] = d[ia];
  });
  return { data: out, shape, dtype: x.dtype };
}

export function slice(x: RawTensor, begin: readonly number[], size: readonly number[]): RawTensor {
  const strides = stridesOf(x.shape);
  let base = 0;
  for (let i = 0; i < begin.length; i++) base += begin[i] * strides[i];
  const out = allocate(x.dtype, sizeOf(size));
  const d = x.data;
  // The trailing axes taken whole, and the axis before them, are contiguous in x: copy such runs as blocks
  // (a batch of rows is one block copy instead of an element-by-element walk).
  let outer = size.length;
  let run = 1;
  while (outer > 0 && size[outer - 1] === x.shape[outer - 1]) run *= size[--outer];
  if (outer > 0) run *= size[--outer];
  if (run === 0) return { data: out, shape: [...size], dtype: x.dtype };
  const outerShape = size.slice(0, outer);
  const outerStrides = strides.slice(0, outer);
  forEachBroadcast(outerShape, outerStrides, outerStrides, (i, ia) => {
    const from = base + ia;
    (out as Float32Array).set((d as Float32Array).subarray(from, from + run), i * run);
  });
  return { data: out, shape: [...size], dtype: x.dtype };
}

export function concat(xs: readonly RawTensor[], axis: number): RawTensor {
  return concatInto(xs, axis, (n) => allocate(xs[0].dtype, n));
}

/** concat with the output storage from `make(size)` (a kernel backend hands out pooled buffers). */
export function concatInto(xs: readonly RawTensor[], axis: number, make: (n: number) => RawTensor['data']): RawTensor {
  const first = xs[0];
  const shape = [...first.shape];
  shape[axis] = xs.reduce((acc, x) => acc + x.shape[axis], 0);
  const out = make(sizeOf(shape));
  const outer = sizeOf(shape.slice(0, axis));
  const innerOut = sizeOf(shape.slice(axis));
  let offset = 0;
  for (const x of xs) {
    const inner = sizeOf(x.shape.slice(axis));
    for (let o = 0; o < outer; o++) {
      const src = x.data.subarray(o * inner, (o + 1) * inner);
      (out as Float32Array).set(src as Float32Array, o * innerOut + offset);
    }
    offset += inner;
  }
  return { data: out, shape, dtype: first.dtype };
}

export function gather(x: RawTensor, indices: RawTensor, axis: number): RawTensor {
  const n = x.shape[axis];
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const ni = indices.data.length;
  const out = allocate(x.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < ni; j++) {
      let idx = indices.data[j];
      if (idx < 0) idx += n;
      if (!(idx >= 0 && idx < n)) {
        throw new Error(`gather: index ${indices.data[j]} is out of range for axis ${axis} of size ${n}`);
      }
      const src = (o * n + idx) * inner;
      const dst = (o * ni + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] = x.data[src + i];
    }
  }
  return { data: out, shape, dtype: x.dtype };
}

export function scatterAdd(updates: RawTensor, indices: RawTensor, axis: number, shape: Shape): RawTensor {
  const n = shape[axis];
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const ni = indices.data.length;
  const out = allocate(updates.dtype, sizeOf(shape));
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < ni; j++) {
      let idx = indices.data[j];
      if (idx < 0) idx += n;
      const dst = (o * n + idx) * inner;
      const src = (o * ni + j) * inner;
      for (let i = 0; i < inner; i++) out[dst + i] += updates.data[src + i];
    }
  }
  return { data: out, shape: [...shape], dtype: updates.dtype };
}

export function oneHot(indices: RawTensor, depth: number, dtype: DType): RawTensor {
  const out = allocate(dtype, indices.data.length * depth);
  for (let i = 0; i < indices.data.length; i++) {
    const c = indices.data[i];
    if (c >= 0 && c < depth) out[i * depth + c] = 1;
  }
  return { data: out, shape: [...indices.shape, depth], dtype };
}

export function pad(x: RawTensor, paddings: readonly (readonly [number, number])[], value: number): RawTensor {
  const shape = x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const out = allocate(x.dtype, sizeOf(shape));
  if (value !== 0) out.fill(value);
  const outStrides = stridesOf(shape);
  let base = 0;
  for (let i = 0; i < shape.length; i++) base += paddings[i][0] * outStrides[i];
  const inStrides = stridesOf(x.shape);
  forEachBroadcast(x.shape, inStrides, outStrides, (_i, ia, ib) => {
    out[base + ib] = x.data[ia];
  });
  return { data: out, shape, dtype: x.dtype };
}

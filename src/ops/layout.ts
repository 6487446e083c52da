// Layout ops: cast, reshape, transpose, slice, concat, gather, pad, broadcast; and un-broadcasting of gradients.
import { Tensor } from '../tensor/tensor.js';
import { isDType, isFloat, type DType } from '../tensor/dtype.js';
import { broadcastShapes, formatShape, inferReshape, normalizeAxis, shapesEqual, sizeOf, type Shape } from '../tensor/shape.js';
import { defineOp } from './define.js';
import { toTensor, type Arg } from './convert.js';
import { zeros } from '../tensor/creation.js';

const castOp = defineOp<{ dtype: DType }>({
  name: 'cast',
  forward: (bk, [x], { dtype }) => bk.cast(x, dtype),
  vjp: (dy, { inputs: [x] }) => [isFloat(x.dtype) ? castTo(dy, x.dtype) : null],
});

/** Converts to `dtype` (float to int truncates toward zero; bool is x != 0). */
export function cast(x: Arg, dtype: DType): Tensor {
  if (!isDType(dtype)) throw new Error(`cast: unknown dtype '${String(dtype)}' (expected float32, float64, int32, uint8 or bool)`);
  return castTo(toTensor(x), dtype);
}

export function castTo(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype ? x : castOp([x], { dtype });
}

const reshapeOp = defineOp<{ shape: number[] }>({
  name: 'reshape',
  forward: (_bk, [x], { shape }) => ({ data: x.data, shape, dtype: x.dtype }),
  vjp: (dy, { inputs: [x] }) => [reshape(dy, x.shape)],
});

/** Same values, new shape (one -1 is inferred). Shares storage. */
export function reshape(x: Arg, shape: readonly number[]): Tensor {
  const t = toTensor(x);
  const target = inferReshape(t.shape, shape);
  return shapesEqual(target, t.shape) ? t : reshapeOp([t], { shape: target });
}

const transposeOp = defineOp<{ perm: number[] }>({
  name: 'transpose',
  forward: (bk, [x], { perm }) => bk.transpose(x, perm),
  vjp: (dy, { attrs: { perm } }) => {
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => (inv[p] = i));
    return [transpose(dy, inv)];
  },
});

/** Permutes axes (default: reversed). */
export function transpose(x: Arg, perm?: readonly number[]): Tensor {
  const t = toTensor(x);
  const p = perm ? perm.map((a) => normalizeAxis(a, t.rank, 'transpose')) : t.shape.map((_, i) => t.rank - 1 - i);
  if (p.length !== t.rank || new Set(p).size !== p.length) {
    throw new Error(`transpose: permutation ${formatShape(perm ?? [])} does not fit a tensor of shape ${formatShape(t.shape)}`);
  }
  return transposeOp([t], { perm: p });
}

const sliceOp = defineOp<{ begin: number[]; size: number[] }>({
  name: 'slice',
  forward: (bk, [x], { begin, size }) => bk.slice(x, begin, size),
  vjp: (dy, { inputs: [x], attrs: { begin, size } }) => [
    pad(dy, x.shape.map((d, i) => [begin[i], d - begin[i] - size[i]] as [number, number])),
  ],
});

/** Slices `size` elements from `begin` along each axis (size -1: to the end; missing axes: whole). */
export function slice(x: Arg, begin: readonly number[], size?: readonly number[]): Tensor {
  const t = toTensor(x);
  if (begin.length > t.rank) throw new Error(`slice: begin ${formatShape(begin)} has more axes than the tensor's shape ${formatShape(t.shape)}`);
  const b = t.shape.map((d, i) => {
    const v = begin[i] ?? 0;
    return v < 0 ? v + d : v;
  });
  const s = t.shape.map((d, i) => {
    const v = size?.[i] ?? -1;
    return v === -1 ? d - b[i] : v;
  });
  for (let i = 0; i < t.rank; i++) {
    if (b[i] < 0 || s[i] < 0 || b[i] + s[i] > t.shape[i]) {
      throw new Error(
        `slice: out of range on axis ${i}: begin ${begin[i] ?? 0}, size ${size?.[i] ?? -1} for a dimension of ${t.shape[i]} ` +
        `(expected 0 <= begin and begin + size <= ${t.shape[i]}; tensor shape ${formatShape(t.shape)})`,
      );
    }
  }
  return sliceOp([t], { begin: b, size: s });
}

/** x[start:end] along `axis` (numpy semantics for negative and missing bounds, clamped). */
export function sliceAxis(x: Arg, axis: number, start = 0, end?: number): Tensor {
  const t = toTensor(x);
  const ax = normalizeAxis(axis, t.rank, 'sliceAxis');
  const d = t.shape[ax];
  const norm = (v: number) => Math.min(Math.max(v < 0 ? v + d : v, 0), d);
  const s = norm(start);
  const e = Math.max(norm(end ?? d), s);
  const begin = t.shape.map((_, i) => (i === ax ? s : 0));
  const size = t.shape.map((dd, i) => (i === ax ? e - s : dd));
  return sliceOp([t], { begin, size });
}

const concatOp = defineOp<{ axis: number }>({
  name: 'concat',
  forward: (bk, xs, { axis }) => bk.concat(xs, axis),
  vjp: (dy, { inputs, attrs: { axis } }) => {
    let offset = 0;
    return inputs.map((x) => {
      const part = sliceAxis(dy, axis, offset, offset + x.shape[axis]);
      offset += x.shape[axis];
      return isFloat(x.dtype) ? part : null;
    });
  },
});

/** Joins tensors along an existing axis. */
export function concat(xs: readonly Arg[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('concat: expected at least one tensor');
  const ts = xs.map((x) => toTensor(x));
  const ax = normalizeAxis(axis, ts[0].rank, 'concat');
  for (const t of ts) {
    if (t.rank !== ts[0].rank || t.shape.some((d, i) => i !== ax && d !== ts[0].shape[i])) {
      throw new Error(`concat: shapes must match except on axis ${ax}: ${formatShape(ts[0].shape)} vs ${formatShape(t.shape)}`);
    }
    if (t.dtype !== ts[0].dtype) throw new Error(`concat: dtypes differ: ${ts[0].dtype} vs ${t.dtype}`);
  }
  return ts.length === 1 ? ts[0] : concatOp(ts, { axis: ax });
}

/** Joins tensors along a new axis. */
export function stack(xs: readonly Arg[], axis = 0): Tensor {
  const ts = xs.map((x) => toTensor(x));
  if (ts.length === 0) throw new Error('stack: expected at least one tensor');
  const ax = normalizeAxis(axis, ts[0].rank + 1, 'stack');
  return concat(ts.map((t) => expandDims(t, ax)), ax);
}

export function expandDims(x: Arg, axis = 0): Tensor {
  const t = toTensor(x);
  const ax = normalizeAxis(axis, t.rank + 1, 'expandDims');
  const shape = [...t.shape];
  shape.splice(ax, 0, 1);
  return reshape(t, shape);
}

/** Removes size-1 axes (all of them, or those listed). */
export function squeeze(x: Arg, axis?: number | readonly number[]): Tensor {
  const t = toTensor(x);
  const axes = axis === undefined ? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)
    : (typeof axis === 'number' ? [axis] : [...axis]).map((a) => normalizeAxis(a, t.rank, 'squeeze'));
  for (const a of axes) {
    if (t.shape[a] !== 1) throw new Error(`squeeze: axis ${a} has size ${t.shape[a]}, expected 1 (shape ${formatShape(t.shape)})`);
  }
  return reshape(t, t.shape.filter((_, i) => !axes.includes(i)));
}

/** Collapses all axes after the first: [n, ...] -> [n, prod(...)]. */
export function flatten(x: Arg): Tensor {
  const t = toTensor(x);
  return reshape(t, [t.shape[0] ?? 1, -1]);
}

const gatherOp = defineOp<{ axis: number }>({
  name: 'gather',
  forward: (bk, [x, idx], { axis }) => bk.gather(x, idx, axis),
  vjp: (dy, { inputs: [x, idx], attrs: { axis } }) => [isFloat(x.dtype) ? scatterAdd(dy, idx, axis, x.shape) : null, null],
});

const scatterAddOp = defineOp<{ axis: number; shape: number[] }>({
  name: 'scatterAdd',
  forward: (bk, [u, idx], { axis, shape }) => bk.scatterAdd(u, idx, axis, shape),
  vjp: (dy, { inputs: [, idx], attrs: { axis } }) => [gather(dy, idx, axis), null],
});

function scatterAdd(updates: Tensor, indices: Tensor, axis: number, shape: Shape): Tensor {
  return scatterAddOp([updates, indices], { axis, shape: [...shape] });
}

/** Takes the entries at `indices` along `axis` (numpy take). */
export function gather(x: Arg, indices: Arg, axis = 0): Tensor {
  const t = toTensor(x);
  const raw = indices instanceof Tensor ? indices : toTensor(indices, 'int32');
  const ax = normalizeAxis(axis, t.rank, 'gather');
  const n = t.shape[ax];
  // NOTE: float index tensors are accepted when integer-valued (labels often arrive as float32); fractions are rejected.
  for (const i of raw.data) {
    if (!Number.isInteger(i)) throw new Error(`gather: expected integer indices, received ${i} (indices dtype ${raw.dtype})`);
    if (i < -n || i >= n) {
      throw new Error(`gather: index ${i} is out of range for axis ${ax} of size ${n} (expected -${n} <= index < ${n}; shape ${formatShape(t.shape)})`);
    }
  }
  return gatherOp([t, castTo(raw, 'int32')], { axis: ax });
}

/** Rows of `x` where `mask` is true; mask's shape must equal the leading dimensions of x. */
export function booleanMask(x: Arg, mask: Arg): Tensor {
  const t = toTensor(x);
  const m = toTensor(mask);
  const k = m.rank;
  if (k === 0 || !shapesEqual(m.shape, t.shape.slice(0, k))) {
    throw new Error(`booleanMask: mask shape ${formatShape(m.shape)} must equal the leading dimensions of ${formatShape(t.shape)}`);
  }
  const picked: number[] = [];
  for (let i = 0; i < m.size; i++) if (m.data[i] !== 0) picked.push(i);
  const flat = reshape(t, [sizeOf(m.shape), ...t.shape.slice(k)]);
  return gather(flat, toTensor(new Int32Array(picked)), 0);
}

const oneHotOp = defineOp<{ depth: number; dtype: DType }>({
  name: 'oneHot',
  forward: (bk, [idx], { depth, dtype }) => bk.oneHot(idx, depth, dtype),
});

/** One-hot encodes integer labels into a new last axis of size `depth` (out-of-range labels give zeros). */
export function oneHot(indices: Arg, depth: number, dtype: DType = 'float32'): Tensor {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`oneHot: depth must be a positive integer, received ${depth}`);
  return oneHotOp([castTo(toTensor(indices), 'int32')], { depth, dtype });
}

const padOp = defineOp<{ paddings: [number, number][]; value: number }>({
  name: 'pad',
  forward: (bk, [x], { paddings, value }) => bk.pad(x, paddings, value),
  vjp: (dy, { inputs: [x], attrs: { paddings } }) => [slice(dy, paddings.map((p) => p[0]), x.shape)],
});

/** Pads each axis with [before, after] entries of `value`. */
export function pad(x: Arg, paddings: readonly (readonly [number, number])[], value = 0): Tensor {
  const t = toTensor(x);
  if (paddings.length !== t.rank) throw new Error(`pad: expected ${t.rank} [before, after] pairs for shape ${formatShape(t.shape)}, received ${paddings.length}`);
  for (const p of paddings) {
    if (!p.every((v) => Number.isInteger(v) && v >= 0)) {
      throw new Error(`pad: expected non-negative integer paddings, received ${JSON.stringify(paddings)}`);
    }
  }
  return padOp([t], { paddings: paddings.map((p) => [p[0], p[1]]), value });
}

const broadcastToOp = defineOp<{ shape: number[] }>({
  name: 'broadcastTo',
  forward: (bk, [x], { shape }) => bk.binary('add', x, zeros(shape, x.dtype), x.dtype),
  vjp: (dy, { inputs: [x] }) => [unbroadcast(dy, x.shape)],
});

/** Repeats size-1 (or missing leading) dimensions to reach `shape`. */
export function broadcastTo(x: Arg, shape: readonly number[]): Tensor {
  const t = toTensor(x);
  const target = broadcastShapes(t.shape, shape, 'broadcastTo');
  if (!shapesEqual(target, shape)) throw new Error(`broadcastTo: cannot broadcast ${formatShape(t.shape)} to ${formatShape(shape)}`);
  return shapesEqual(t.shape, shape) ? t : broadcastToOp([t], { shape: [...shape] });
}

const sumToOp = defineOp<{ axes: number[]; shape: number[] }>({
  name: 'sumTo',
  forward: (bk, [x], { axes, shape }) => {
    const r = bk.reduce('sum', x, axes, false);
    return { data: r.data, shape, dtype: r.dtype };
  },
  vjp: (dy, { inputs: [x] }) => [broadcastTo(dy, x.shape)],
});

/** Sums a gradient down to `shape` (the inverse of broadcasting); the core of every binary vjp. */
export function unbroadcast(dy: Tensor, shape: Shape): Tensor {
  if (shapesEqual(dy.shape, shape)) return dy;
  const lead = dy.rank - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < dy.rank; i++) {
    if (i < lead || (shape[i - lead] === 1 && dy.shape[i] !== 1)) axes.push(i);
  }
  if (axes.length === 0) return reshape(dy, shape);
  return sumToOp([dy], { axes, shape: [...shape] });
}

// Creating tensors: from JS data, filled, ranges and seeded random draws.
import { Tensor } from './tensor.js';
import { allocate, convertArray, isDType, type DType, type TypedArray } from './dtype.js';
import { formatShape, shapesEqual, sizeOf, type Shape } from './shape.js';
import { rngFor } from '../random/rng.js';

export type NestedArray = number | boolean | NestedArray[];
export type TensorLike = Tensor | TypedArray | NestedArray;

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let cur: NestedArray = data;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0] as NestedArray;
    if (cur === undefined) break;
  }
  return shape;
}

function flatten(data: NestedArray, shape: readonly number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (Array.isArray(data)) throw new Error(`tensor: ragged nested array (expected a scalar at depth ${dim})`);
    if (typeof data !== 'number' && typeof data !== 'boolean') {
      throw new Error(`tensor: expected numbers or booleans, received ${typeof data}`);
    }
    out.push(typeof data === 'boolean' ? (data ? 1 : 0) : data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[dim]) {
    throw new Error(`tensor: ragged nested array: expected length ${shape[dim]} at depth ${dim}, received ${Array.isArray(data) ? data.length : 'a scalar'}`);
  }
  for (const d of data) flatten(d, shape, dim + 1, out);
}

function firstLeaf(data: NestedArray): NestedArray {
  let cur = data;
  while (Array.isArray(cur) && cur.length > 0) cur = cur[0];
  return cur;
}

/**
 * Creates a tensor (float32 unless `dtype` says otherwise or the input is an int/uint8 typed array).
 * @example tensor([[1, 2], [3, 4]]).shape // [2, 2]
 */
export function tensor(data: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  if (dtype !== undefined && !isDType(dtype)) throw new Error(`tensor: unknown dtype '${String(dtype)}'`);
  if (data instanceof Tensor) {
    if (dtype && dtype !== data.dtype) return new Tensor(convertArray(data.data, dtype), shape ?? data.shape, dtype);
    return shape && !shapesEqual(shape, data.shape) ? new Tensor(data.data, shape, data.dtype) : data;
  }
  let values: TypedArray;
  let inferred: number[];
  let dt: DType;
  if (ArrayBuffer.isView(data)) {
    const typed = data as TypedArray;
    dt = dtype ?? (typed instanceof Int32Array ? 'int32' : typed instanceof Uint8Array ? 'uint8' : 'float32');
    values = convertArray(typed, dt);
    inferred = [typed.length];
  } else {
    inferred = inferShape(data);
    const flat: number[] = [];
    flatten(data, inferred, 0, flat);
    dt = dtype ?? (typeof firstLeaf(data) === 'boolean' ? 'bool' : 'float32');
    values = convertArray(flat, dt);
  }
  const finalShape = shape ? [...shape] : inferred;
  if (sizeOf(finalShape) !== values.length) {
    throw new Error(`tensor: ${values.length} values cannot fill shape ${formatShape(finalShape)} (${sizeOf(finalShape)} expected)`);
  }
  return new Tensor(values, finalShape, dt);
}

export function scalar(value: number | boolean, dtype: DType = typeof value === 'boolean' ? 'bool' : 'float32'): Tensor {
  return tensor(value, [], dtype);
}

function checkShape(shape: Shape, what: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${what}: expected a shape of non-negative integers, received ${JSON.stringify(shape)}`);
  }
}

export function fill(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  checkShape(shape, 'fill');
  const data = allocate(dtype, sizeOf(shape));
  if (value !== 0) data.fill(value);
  return new Tensor(data, shape, dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return fill(shape, 1, dtype);
}

export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return ones(x.shape, x.dtype);
}

/** Values start, start+step, ... below stop (numpy arange). */
export function range(start: number, stop?: number, step = 1, dtype: DType = 'float32'): Tensor {
  if (stop === undefined) {
    stop = start;
    start = 0;
  }
  if (step === 0) throw new Error('range: step must not be 0');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return new Tensor(data, [n], dtype);
}

export function eye(n: number, dtype: DType = 'float32'): Tensor {
  const data = allocate(dtype, n * n);
  for (let i = 0; i < n; i++) data[i * n + i] = 1;
  return new Tensor(data, [n, n], dtype);
}

export interface RandomOptions {
  seed?: number;
  dtype?: DType;
}

export function randomUniform(shape: Shape, options: RandomOptions & { minval?: number; maxval?: number } = {}): Tensor {
  checkShape(shape, 'randomUniform');
  const { minval = 0, maxval = 1, dtype = 'float32' } = options;
  const g = rngFor(options.seed);
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = minval + (maxval - minval) * g.uniform();
  return new Tensor(data, shape, dtype);
}

export function randomNormal(shape: Shape, options: RandomOptions & { mean?: number; stddev?: number } = {}): Tensor {
  checkShape(shape, 'randomNormal');
  const { mean = 0, stddev = 1, dtype = 'float32' } = options;
  const g = rngFor(options.seed);
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = mean + stddev * g.normal();
  return new Tensor(data, shape, dtype);
}

/** Normal draws re-drawn beyond two standard deviations (TensorFlow/Keras semantics). */
export function truncatedNormal(shape: Shape, options: RandomOptions & { mean?: number; stddev?: number } = {}): Tensor {
  checkShape(shape, 'truncatedNormal');
  const { mean = 0, stddev = 1, dtype = 'float32' } = options;
  const g = rngFor(options.seed);
  const data = allocate(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = mean + stddev * g.truncatedNormal();
  return new Tensor(data, shape, dtype);
}

/** A permutation of 0..n-1 (int32) from the seeded generator (Fisher-Yates). */
export function randomPermutation(n: number, seed?: number): Tensor {
  const g = rngFor(seed);
  const data = new Int32Array(n);
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.int(i + 1);
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  }
  return new Tensor(data, [n], 'int32');
}

// Data types: names, typed-array storage and promotion rules.

export type DType = 'float32' | 'float64' | 'int32' | 'uint8' | 'bool';
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'uint8', 'bool'];

const RANK: Record<DType, number> = { bool: 0, uint8: 1, int32: 2, float32: 3, float64: 4 };

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (DTYPES as readonly string[]).includes(x);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** Allocates zeroed storage for `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(size);
    case 'float64': return new Float64Array(size);
    case 'int32': return new Int32Array(size);
    case 'uint8':
    case 'bool': return new Uint8Array(size);
  }
}

/** The dtype that holds both operands of a binary op (numpy-like, bool < uint8 < int32 < float32 < float64). */
export function promote(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The float dtype an op such as exp or div produces from `dtype`. */
export function floatOf(dtype: DType): DType {
  return dtype === 'float64' ? 'float64' : 'float32';
}

export function dtypeOfArray(data: TypedArray): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'uint8';
}

/** Converts `data` into a new array of `dtype` (bool maps non-zero to 1, ints truncate toward zero). */
export function convertArray(data: ArrayLike<number>, dtype: DType): TypedArray {
  const out = allocate(dtype, data.length);
  if (dtype === 'bool') {
    for (let i = 0; i < data.length; i++) out[i] = data[i] !== 0 ? 1 : 0;
  } else if (dtype === 'int32' || dtype === 'uint8') {
    for (let i = 0; i < data.length; i++) out[i] = Math.trunc(data[i]);
  } else {
    (out as Float32Array).set(data);
  }
  return out;
}

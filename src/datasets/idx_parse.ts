// IDX parsing (the MNIST file format) from bytes, with gzip detection: browser-safe (fflate's gunzip).
import { gunzipSync } from 'fflate';
import { Tensor } from '../tensor/tensor.js';
import type { DType, TypedArray } from '../tensor/dtype.js';

/** The element types an IDX file can declare (third byte of the magic number). */
export type IdxType = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

const IDX_TYPES: Record<number, { type: IdxType; bytes: number; dtype: DType }> = {
  0x08: { type: 'uint8', bytes: 1, dtype: 'uint8' },
  0x09: { type: 'int8', bytes: 1, dtype: 'int32' },
  0x0b: { type: 'int16', bytes: 2, dtype: 'int32' },
  0x0c: { type: 'int32', bytes: 4, dtype: 'int32' },
  0x0d: { type: 'float32', bytes: 4, dtype: 'float32' },
  0x0e: { type: 'float64', bytes: 8, dtype: 'float64' },
};

/** A decoded IDX file: the declared element type, the dims and the values in a layerwise dtype. */
export interface IdxArray {
  /** The element type declared in the file. */
  idxType: IdxType;
  /** The tensor dtype the values were decoded into (int8/int16 widen to int32). */
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(2, '0')}`;
}

/**
 * Parses an (uncompressed) IDX buffer, validating the magic number, the dtype code and that the
 * payload holds exactly prod(dims) elements. `name` only serves the error messages.
 * @example parseIdx(bytes).shape // [10000, 28, 28]
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxArray {
  if (bytes.length < 4) {
    throw new Error(`parseIdx: ${name} is truncated: expected at least a 4-byte magic number, received ${bytes.length} bytes`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const gz = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' (it looks gzip-compressed; use readIdx or gunzip it first)' : '';
    throw new Error(`parseIdx: ${name} is not an IDX file: expected the magic number to start with 0x00 0x00, received ${hex(bytes[0])} ${hex(bytes[1])}${gz}`);
  }
  const info = IDX_TYPES[bytes[2]];
  if (!info) {
    throw new Error(`parseIdx: ${name} has unknown dtype code ${hex(bytes[2])}: expected one of 0x08 (uint8), 0x09 (int8), 0x0b (int16), 0x0c (int32), 0x0d (float32), 0x0e (float64)`);
  }
  const ndim = bytes[3];
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new Error(`parseIdx: ${name} is truncated: its header declares ${ndim} dimensions (${headerBytes} header bytes), but the file has ${bytes.length} bytes`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * info.bytes;
  if (bytes.length !== expected) {
    const what = bytes.length < expected ? 'is truncated' : 'has trailing bytes';
    throw new Error(`parseIdx: ${name} ${what}: dims [${shape.join(', ')}] of ${info.type} need ${expected} bytes (header ${headerBytes} + data ${count * info.bytes}), received ${bytes.length}`);
  }
  return { idxType: info.type, dtype: info.dtype, shape, data: decode(view, headerBytes, count, info.type) };
}

function decode(view: DataView, offset: number, count: number, type: IdxType): TypedArray {
  // Multi-byte IDX values are big-endian: read each one through the DataView.
  const read = <T extends Int32Array | Float32Array | Float64Array>(out: T, at: (i: number) => number): T => {
    for (let i = 0; i < count; i++) out[i] = at(i);
    return out;
  };
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int8':
      return read(new Int32Array(count), (i) => view.getInt8(offset + i));
    case 'int16':
      return read(new Int32Array(count), (i) => view.getInt16(offset + 2 * i, false));
    case 'int32':
      return read(new Int32Array(count), (i) => view.getInt32(offset + 4 * i, false));
    case 'float32':
      return read(new Float32Array(count), (i) => view.getFloat32(offset + 4 * i, false));
    case 'float64':
      return read(new Float64Array(count), (i) => view.getFloat64(offset + 8 * i, false));
  }
}

/** Gunzips `bytes` when they start with the gzip magic, with an error naming `name` if they are corrupt. */
export function maybeGunzip(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`${name}: corrupt or truncated gzip data (${(e as Error).message})`);
  }
}

/** Converts a parsed IDX array into a Tensor of its decoded dtype. */
export function idxToTensor(arr: IdxArray): Tensor {
  return new Tensor(arr.data, arr.shape, arr.dtype);
}


// Plain data exchanged with the HDF5 worker: a read snapshot of a file, and the operations that write one.
import type { LoadBudget } from './budget.js';

export type H5DType = 'float32' | 'float64' | 'int64' | 'uint64' | 'int32' | 'uint32' | 'int16' | 'uint16' | 'int8' | 'uint8';

export type H5AttrValue =
  | { kind: 'string'; shape: number[]; value: string[]; vlen: boolean; cset: number }
  | { kind: 'number'; shape: number[]; value: number[]; dtype: H5DType }
  | { kind: 'other'; shape: number[] }
  | { kind: 'error'; message: string };

export type H5Data = Float32Array | Float64Array | BigInt64Array | BigUint64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;

export interface H5Dataset {
  kind: 'dataset';
  shape: number[];
  dtype: H5DType | 'unsupported';
  /** Null when the dataset could not be read safely; `error` says why. */
  data: H5Data | null;
  attrs: Record<string, H5AttrValue>;
  error?: string;
}

export interface H5Group {
  kind: 'group';
  attrs: Record<string, H5AttrValue>;
  children: Map<string, H5Node>;
}

export type H5Node = H5Group | H5Dataset;

export type H5WriteOp =
  | { op: 'group'; path: string }
  | { op: 'dataset'; path: string; shape: number[]; dtype: 'float32' | 'float64' | 'int64' | 'int32' | 'uint8'; data: H5Data }
  /** 'utf8'/'ascii': variable-length strings (scalar for a string, 1-D for an array); 'float64': 1-D numbers. */
  | { op: 'attr'; path: string; name: string; type: 'utf8' | 'ascii' | 'float64'; value: string | string[] | Float64Array };

/** A read carries its budget: the worker checks the file's structure and stops when time or bytes run out. */
export type H5RequestBody = { op: 'read'; bytes: Uint8Array; budget: LoadBudget } | { op: 'write'; ops: H5WriteOp[] };

export type H5Request = H5RequestBody & { id: number };

export type H5Response = { id: number; ok: true; root?: H5Group; bytes?: Uint8Array } | { id: number; ok: false; error: string };

// Tensor: an immutable handle on row-major storage with a shape and a dtype. Ops add methods (ops/methods.ts).
import type { DType, TypedArray } from './dtype.js';
import { sizeOf, type Shape } from './shape.js';

let nextId = 1;

export class Tensor {
  /** Unique per tensor; the tape keys gradients by it. */
  readonly id: number;
  readonly shape: number[];
  readonly dtype: DType;
  /**
   * The storage. Internal: ops and backends read it; user code should call dataSync().
   * @internal
   */
  readonly data: TypedArray;

  constructor(data: TypedArray, shape: Shape, dtype: DType) {
    if (data.length !== sizeOf(shape)) {
      throw new Error(`Tensor: ${data.length} values do not fill shape [${shape.join(', ')}] (${sizeOf(shape)} expected)`);
    }
    this.id = nextId++;
    this.data = data;
    this.shape = [...shape];
    this.dtype = dtype;
  }

  get rank(): number {
    return this.shape.length;
  }

  get size(): number {
    return this.data.length;
  }

  /** A copy of the values as a typed array (Float32Array for float32, Uint8Array for uint8 and bool...). */
  dataSync(): TypedArray {
    return this.data.slice();
  }

  /** The values as nested JS arrays (a number for a scalar; booleans for bool). */
  array(): any {
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    if (this.shape.length === 0) return conv(this.data[0]);
    const build = (dim: number, offset: number): any[] => {
      const n = this.shape[dim];
      const stride = sizeOf(this.shape.slice(dim + 1));
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        out[i] = dim === this.shape.length - 1 ? conv(this.data[offset + i]) : build(dim + 1, offset + i * stride);
      }
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) throw new Error(`item: expected a tensor with one element, received shape [${this.shape.join(', ')}]`);
    return this.data[0];
  }

  toString(): string {
    const body = this.size > 1000 ? `<${this.size} values>` : JSON.stringify(this.array());
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, ${body})`;
  }
}

// Deterministic initializers: Zeros, Ones, Constant and Identity.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { fill, tensor } from '../tensor/creation.js';
import { Initializer, checkShape, type InitializerConfig } from './initializer.js';

/** All zeros (the default bias initializer). */
export class Zeros extends Initializer {
  static override readonly className: string = 'Zeros';
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'Zeros');
    return fill([...shape], 0, dtype);
  }
}

/** All ones. */
export class Ones extends Initializer {
  static override readonly className: string = 'Ones';
  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'Ones');
    return fill([...shape], 1, dtype);
  }
}

/**
 * Every element set to one scalar `value` (default 0).
 * @example new Constant({ value: 0.1 }).apply([3]) // [0.1, 0.1, 0.1]
 */
export class Constant extends Initializer {
  static override readonly className: string = 'Constant';
  readonly value: number;

  constructor(options: { value?: number } | number = {}) {
    super();
    this.value = typeof options === 'number' ? options : options.value ?? 0;
    if (typeof this.value !== 'number') {
      throw new Error(`Constant: expected a scalar number value, received ${JSON.stringify(this.value)}`);
    }
  }

  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'Constant');
    return fill([...shape], this.value, dtype);
  }

  override getConfig(): InitializerConfig {
    return { value: this.value };
  }
}

/** gain * the identity matrix (2D shapes only; rectangular shapes get ones on the main diagonal). */
export class Identity extends Initializer {
  static override readonly className: string = 'Identity';
  readonly gain: number;

  constructor(options: { gain?: number } = {}) {
    super();
    this.gain = options.gain ?? 1;
  }

  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'Identity');
    if (shape.length !== 2) {
      throw new Error(`Identity: the identity initializer needs a 2D shape, received ${JSON.stringify(shape)} of rank ${shape.length}`);
    }
    const [rows, cols] = shape;
    const values = Array.from({ length: rows * cols }, (_, k) => (Math.floor(k / cols) === k % cols ? this.gain : 0));
    return tensor(values, [rows, cols], dtype);
  }

  override getConfig(): InitializerConfig {
    return { gain: this.gain };
  }
}

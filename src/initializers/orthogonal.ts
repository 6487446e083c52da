// The Orthogonal initializer (Keras 3): Q of the QR decomposition of a normal matrix, times a gain.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { randomNormal, tensor } from '../tensor/creation.js';
import { RandomInitializer, checkShape, type InitializerConfig, type SeedOptions } from './initializer.js';
import { orthonormalQ } from './qr.js';

/**
 * An orthogonal matrix (Saxe et al., 2014): the shape is flattened to (prod(shape[:-1]), shape[-1]);
 * tall results have orthonormal columns, wide ones orthonormal rows; multiplied by `gain` (default 1).
 * @example new Orthogonal({ seed: 3 }).apply([4, 4]) // W with W^T W = I
 */
export class Orthogonal extends RandomInitializer {
  static override readonly className: string = 'OrthogonalInitializer';
  readonly gain: number;

  constructor(options: { gain?: number } & SeedOptions = {}) {
    super(options);
    this.gain = options.gain ?? 1;
  }

  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'Orthogonal');
    if (shape.length < 2) {
      throw new Error(`Orthogonal: the tensor to initialize must be at least two-dimensional, received shape ${JSON.stringify(shape)} of rank ${shape.length}`);
    }
    let rows = 1;
    for (const d of shape.slice(0, -1)) rows *= d;
    const cols = shape[shape.length - 1];
    const tall = Math.max(rows, cols);
    const narrow = Math.min(rows, cols);
    const a = randomNormal([tall, narrow], { seed: this.callSeed(), dtype: 'float64' }).dataSync();
    const q = orthonormalQ(a, tall, narrow);
    const out = new Array<number>(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        // NOTE: a wide matrix is the transpose of the tall Q (orthonormal rows instead of columns).
        out[i * cols + j] = this.gain * (rows >= cols ? q[i * cols + j] : q[j * rows + i]);
      }
    }
    return tensor(out, [...shape], dtype);
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), gain: this.gain };
  }
}

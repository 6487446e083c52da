// The Initializer base class (Keras 3 contract), seeding for random initializers and Keras' fan rules.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { globalRng } from '../random/rng.js';

/** A Keras-style config object (snake_case keys). */
export type InitializerConfig = Record<string, any>;

/**
 * Base class of every initializer: `apply(shape, dtype)` draws a tensor; `getConfig()` returns the
 * Keras config (snake_case keys) and the static `fromConfig` rebuilds an equal initializer.
 * @example new HeNormal({ seed: 1 }).apply([784, 300]).shape // [784, 300]
 */
export abstract class Initializer {
  /** Keras class name used in serialized configs. */
  static readonly className: string = 'Initializer';

  /** Draws a tensor of `shape` (float32 unless `dtype` says otherwise). */
  abstract apply(shape: readonly number[], dtype?: DType): Tensor;

  /** The Keras config (snake_case keys). */
  getConfig(): InitializerConfig {
    return {};
  }

  /** The Keras class name of this instance. */
  get className(): string {
    return (this.constructor as typeof Initializer).className;
  }

  /** Rebuilds an initializer from its Keras config. */
  static fromConfig<T extends Initializer>(this: new (options?: any) => T, config: InitializerConfig = {}): T {
    return new this(config);
  }
}

/** Options shared by random initializers. */
export interface SeedOptions {
  /** An integer seed: with it, every call returns the same values. */
  seed?: number | null;
}

/**
 * Base of random initializers, with Keras 3 seeding: an initializer seeded with an integer returns the
 * same values at every call; an unseeded one draws its own seed from the global generator on its first
 * call (so `setRandomSeed` makes it reproducible) and then, like Keras 3, also repeats its values.
 */
export abstract class RandomInitializer extends Initializer {
  /** The seed given by the user (null when unseeded); this is what getConfig serializes. */
  readonly seed: number | null;
  private drawnSeed: number | null = null;

  constructor(options: SeedOptions = {}) {
    super();
    const seed = options.seed ?? null;
    if (seed !== null && !Number.isInteger(seed)) {
      throw new Error(`${new.target.className}: expected an integer seed, received ${String(seed)}`);
    }
    this.seed = seed;
  }

  /** The seed for this call's draw (the user's, or one drawn once from the global generator). */
  protected callSeed(): number {
    if (this.seed !== null) return this.seed;
    if (this.drawnSeed === null) this.drawnSeed = globalRng().nextUint32();
    return this.drawnSeed;
  }

  override getConfig(): InitializerConfig {
    return { seed: this.seed };
  }
}

/**
 * Keras' compute_fans: rank 0 -> (1, 1); rank 1 -> (d, d); rank 2 -> (d0, d1); rank > 2 (convolution
 * kernels) -> receptive field = prod(shape[:-2]), fan_in = shape[-2]*rf, fan_out = shape[-1]*rf.
 */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  let rf = 1;
  for (const d of shape.slice(0, -2)) rf *= d;
  return [shape[shape.length - 2] * rf, shape[shape.length - 1] * rf];
}

/** Throws a clear error unless `shape` is a list of non-negative integers. */
export function checkShape(shape: readonly number[], who: string): void {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${who}: expected a shape of non-negative integers, received ${JSON.stringify(shape)}`);
  }
}

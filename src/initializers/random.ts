// Random initializers: RandomNormal/Uniform, TruncatedNormal, VarianceScaling and its Glorot/He/LeCun presets.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { randomNormal, randomUniform, truncatedNormal } from '../tensor/creation.js';
import { RandomInitializer, checkShape, computeFans, type InitializerConfig, type SeedOptions } from './initializer.js';

/** Options of the normal initializers. */
interface NormalOptions extends SeedOptions {
  mean?: number;
  stddev?: number;
}

/** Shared config of RandomNormal and TruncatedNormal: a mean and a standard deviation. */
abstract class NormalInitializer extends RandomInitializer {
  readonly mean: number;
  readonly stddev: number;

  constructor(options: NormalOptions = {}) {
    super(options);
    this.mean = options.mean ?? 0;
    this.stddev = options.stddev ?? 0.05;
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), mean: this.mean, stddev: this.stddev };
  }
}

/** N(mean, stddev) draws (Keras defaults mean 0, stddev 0.05). */
export class RandomNormal extends NormalInitializer {
  static override readonly className: string = 'RandomNormal';

  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'RandomNormal');
    return randomNormal([...shape], { mean: this.mean, stddev: this.stddev, seed: this.callSeed(), dtype });
  }
}

/** N(mean, stddev) draws re-drawn beyond two standard deviations (Keras defaults mean 0, stddev 0.05). */
export class TruncatedNormal extends NormalInitializer {
  static override readonly className: string = 'TruncatedNormal';

  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'TruncatedNormal');
    return truncatedNormal([...shape], { mean: this.mean, stddev: this.stddev, seed: this.callSeed(), dtype });
  }
}

/** U(minval, maxval) draws (Keras defaults -0.05, 0.05). */
export class RandomUniform extends RandomInitializer {
  static override readonly className: string = 'RandomUniform';
  readonly minval: number;
  readonly maxval: number;

  constructor(options: { minval?: number; maxval?: number } & SeedOptions = {}) {
    super(options);
    this.minval = options.minval ?? -0.05;
    this.maxval = options.maxval ?? 0.05;
    if (!(this.minval <= this.maxval)) {
      throw new Error(`RandomUniform: expected minval <= maxval, received minval=${this.minval}, maxval=${this.maxval}`);
    }
  }

  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, 'RandomUniform');
    return randomUniform([...shape], { minval: this.minval, maxval: this.maxval, seed: this.callSeed(), dtype });
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), minval: this.minval, maxval: this.maxval };
  }
}

export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg';
export type VarianceDistribution = 'truncated_normal' | 'untruncated_normal' | 'uniform';

export interface VarianceScalingOptions extends SeedOptions {
  /** Positive scaling factor (default 1). */
  scale?: number;
  /** 'fan_in' (default), 'fan_out' or 'fan_avg' ('fanIn' etc. accepted). */
  mode?: FanMode | 'fanIn' | 'fanOut' | 'fanAvg';
  /** 'truncated_normal' (default; 'normal' means this), 'untruncated_normal' or 'uniform'. */
  distribution?: VarianceDistribution | 'normal' | 'truncatedNormal' | 'untruncatedNormal';
}

// NOTE: the standard deviation of a standard normal truncated to [-2, 2]; dividing by it makes the
// truncated draws have exactly the requested variance (Keras does this; TensorFlow.js does not).
const TRUNCATION_STD = 0.87962566103423978;

const MODES: Record<string, FanMode> = { fan_in: 'fan_in', fanIn: 'fan_in', fan_out: 'fan_out', fanOut: 'fan_out', fan_avg: 'fan_avg', fanAvg: 'fan_avg' };
const DISTRIBUTIONS: Record<string, VarianceDistribution> = {
  normal: 'truncated_normal', truncated_normal: 'truncated_normal', truncatedNormal: 'truncated_normal',
  untruncated_normal: 'untruncated_normal', untruncatedNormal: 'untruncated_normal', uniform: 'uniform',
};

function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * Keras' VarianceScaling: with n = fan_in, fan_out or (fan_in + fan_out)/2 by mode and s = scale / max(1, n),
 * truncated_normal draws N(0, sqrt(s)/0.8796...) truncated at 2 std, untruncated_normal N(0, sqrt(s)),
 * uniform U(-sqrt(3 s), sqrt(3 s)).
 * @example new VarianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'uniform' }).apply([100, 10])
 */
export class VarianceScaling extends RandomInitializer {
  static override readonly className: string = 'VarianceScaling';
  readonly scale: number;
  readonly mode: FanMode;
  readonly distribution: VarianceDistribution;

  constructor(options: VarianceScalingOptions = {}) {
    super(options);
    const who = (this.constructor as typeof VarianceScaling).className;
    this.scale = options.scale ?? 1;
    if (!(this.scale > 0)) throw new Error(`${who}: expected a positive scale, received ${this.scale}`);
    const mode = own(MODES, options.mode ?? 'fan_in');
    if (!mode) throw new Error(`${who}: expected mode 'fan_in', 'fan_out' or 'fan_avg', received '${String(options.mode)}'`);
    this.mode = mode;
    const raw = String(options.distribution ?? 'truncated_normal');
    const dist = own(DISTRIBUTIONS, raw) ?? own(DISTRIBUTIONS, raw.toLowerCase());
    if (!dist) {
      throw new Error(`${who}: expected distribution 'truncated_normal', 'untruncated_normal' or 'uniform', received '${String(options.distribution)}'`);
    }
    this.distribution = dist;
  }

  /** The variance target s = scale / max(1, n) for a shape. */
  scaledVariance(shape: readonly number[]): number {
    const [fanIn, fanOut] = computeFans(shape);
    const n = this.mode === 'fan_in' ? fanIn : this.mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2;
    return this.scale / Math.max(1, n);
  }

  apply(shape: readonly number[], dtype: DType = 'float32'): Tensor {
    checkShape(shape, this.className);
    const s = this.scaledVariance(shape);
    const seed = this.callSeed();
    const dims = [...shape];
    if (this.distribution === 'truncated_normal') {
      return truncatedNormal(dims, { mean: 0, stddev: Math.sqrt(s) / TRUNCATION_STD, seed, dtype });
    }
    if (this.distribution === 'untruncated_normal') return randomNormal(dims, { mean: 0, stddev: Math.sqrt(s), seed, dtype });
    const limit = Math.sqrt(3 * s);
    return randomUniform(dims, { minval: -limit, maxval: limit, seed, dtype });
  }

  override getConfig(): InitializerConfig {
    return { ...super.getConfig(), scale: this.scale, mode: this.mode, distribution: this.distribution };
  }
}

/**
 * Base of the fixed Keras presets (Glorot, He, LeCun): a VarianceScaling whose scale, mode and
 * distribution are set by the subclass, so its config is only the seed.
 */
abstract class VarianceScalingPreset extends VarianceScaling {
  constructor(options: SeedOptions, preset: { scale: number; mode: FanMode; distribution: VarianceDistribution }) {
    super({ ...preset, seed: options.seed });
  }

  override getConfig(): InitializerConfig {
    return { seed: this.seed };
  }
}

/** Glorot (Xavier) uniform: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)). Dense's default kernel. */
export class GlorotUniform extends VarianceScalingPreset {
  static override readonly className: string = 'GlorotUniform';
  constructor(options: SeedOptions = {}) {
    super(options, { scale: 1, mode: 'fan_avg', distribution: 'uniform' });
  }
}

/** Glorot (Xavier) normal: truncated normal with std sqrt(2 / (fan_in + fan_out)). */
export class GlorotNormal extends VarianceScalingPreset {
  static override readonly className: string = 'GlorotNormal';
  constructor(options: SeedOptions = {}) {
    super(options, { scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' });
  }
}

/** He normal: truncated normal with std sqrt(2 / fan_in). */
export class HeNormal extends VarianceScalingPreset {
  static override readonly className: string = 'HeNormal';
  constructor(options: SeedOptions = {}) {
    super(options, { scale: 2, mode: 'fan_in', distribution: 'truncated_normal' });
  }
}

/** He uniform: U(-limit, limit), limit = sqrt(6 / fan_in). */
export class HeUniform extends VarianceScalingPreset {
  static override readonly className: string = 'HeUniform';
  constructor(options: SeedOptions = {}) {
    super(options, { scale: 2, mode: 'fan_in', distribution: 'uniform' });
  }
}

/** LeCun normal: truncated normal with std sqrt(1 / fan_in) (pair it with SELU). */
export class LecunNormal extends VarianceScalingPreset {
  static override readonly className: string = 'LecunNormal';
  constructor(options: SeedOptions = {}) {
    super(options, { scale: 1, mode: 'fan_in', distribution: 'truncated_normal' });
  }
}

/** LeCun uniform: U(-limit, limit), limit = sqrt(3 / fan_in). */
export class LecunUniform extends VarianceScalingPreset {
  static override readonly className: string = 'LecunUniform';
  constructor(options: SeedOptions = {}) {
    super(options, { scale: 1, mode: 'fan_in', distribution: 'uniform' });
  }
}

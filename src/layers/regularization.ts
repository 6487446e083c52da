// Noise layers active only in training: Dropout, AlphaDropout, GaussianNoise, GaussianDropout (Keras 3 formulas).
import type { Tensor } from '../tensor/tensor.js';
import { randomNormal, randomUniform } from '../tensor/creation.js';
import { add, greaterEqual, mul, sub, where } from '../ops/arithmetic.js';
import { castTo } from '../ops/layout.js';
import { zerosLike } from '../tensor/creation.js';
import { Layer, layerError, type CallOptions, type LayerArgs, type LayerInput } from './layer.js';
import { SeedStream, baseArgsFromConfig, singleInput } from './utils.js';

// SELU's fixed point constants (AlphaDropout keeps a SELU network self-normalizing).
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

export interface DropoutArgs extends LayerArgs {
  /** Fraction of the inputs to drop, in [0, 1]. */
  rate: number;
  /** Shape of the binary mask (null entries take the input's size), e.g. [null, 1, 64] to share across timesteps. */
  noiseShape?: (number | null)[] | null;
  seed?: number | null;
}

function checkRate(layer: Layer, rate: number, inclusiveOne: boolean): void {
  if (typeof rate !== 'number' || !(rate >= 0) || (inclusiveOne ? rate > 1 : rate >= 1)) {
    throw layerError(layer, `expected rate in [0, 1${inclusiveOne ? ']' : ')'}, received ${String(rate)}`);
  }
}

/** Keras' concrete noise shape: null entries take the input's size. */
function concreteNoiseShape(layer: Layer, x: Tensor, noiseShape: (number | null)[] | null): number[] {
  if (!noiseShape) return x.shape;
  if (noiseShape.length !== x.rank) {
    throw layerError(layer, `noise_shape [${noiseShape.join(', ')}] has rank ${noiseShape.length}, the input has shape [${x.shape.join(', ')}]`);
  }
  return noiseShape.map((d, i) => d ?? x.shape[i]);
}

/**
 * Inverted dropout: in training, zeroes a fraction `rate` of the inputs and scales the rest by 1/(1-rate).
 * @example new layers.Dropout({ rate: 0.2 })
 */
export class Dropout extends Layer {
  static override readonly className: string = 'Dropout';
  readonly rate: number;
  readonly noiseShape: (number | null)[] | null;
  readonly seed: number | null;
  protected readonly seeds: SeedStream;

  constructor(args: DropoutArgs | number) {
    const a = typeof args === 'number' ? { rate: args } : args;
    super(a);
    checkRate(this, a.rate, true);
    this.rate = a.rate;
    this.noiseShape = a.noiseShape ? [...a.noiseShape] : null;
    this.seed = a.seed ?? null;
    this.seeds = new SeedStream(this.seed);
  }

  call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = singleInput(this, inputs);
    if (!training || this.rate === 0) return x;
    if (this.rate === 1) return zerosLike(x);
    const keep = 1 - this.rate;
    const u = randomUniform(concreteNoiseShape(this, x, this.noiseShape), { seed: this.seeds.next(), dtype: x.dtype });
    return where(greaterEqual(u, this.rate), mul(x, 1 / keep), 0);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed, noise_shape: this.noiseShape };
  }

  static fromConfig(config: Record<string, any>): Dropout {
    return new this({ ...baseArgsFromConfig(config), rate: config.rate, noiseShape: config.noise_shape ?? null, seed: config.seed ?? null });
  }
}

/**
 * Dropout that keeps SELU activations at mean 0 and variance 1: dropped units are set to -alpha*scale,
 * then an affine map a*x + b restores the moments (Keras formulas).
 */
export class AlphaDropout extends Dropout {
  static override readonly className: string = 'AlphaDropout';

  constructor(args: DropoutArgs | number) {
    super(args);
    checkRate(this, this.rate, false);
  }

  override call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = singleInput(this, inputs);
    if (!training || this.rate === 0) return x;
    const alphaP = -SELU_ALPHA * SELU_SCALE;
    const u = randomUniform(concreteNoiseShape(this, x, this.noiseShape), { seed: this.seeds.next(), dtype: x.dtype });
    const kept = castTo(greaterEqual(u, this.rate), x.dtype);
    const a = ((1 - this.rate) * (1 + this.rate * alphaP * alphaP)) ** -0.5;
    const b = -a * alphaP * this.rate;
    // x * kept + alphaP * (1 - kept), then a * . + b
    const dropped = add(mul(x, kept), mul(sub(1, kept), alphaP));
    return add(mul(dropped, a), b);
  }
}

export interface GaussianNoiseArgs extends LayerArgs {
  /** Standard deviation of the additive zero-centred noise. */
  stddev: number;
  seed?: number | null;
}

/** Adds N(0, stddev^2) noise in training (a regularizer); identity in inference. */
export class GaussianNoise extends Layer {
  static override readonly className = 'GaussianNoise';
  readonly stddev: number;
  readonly seed: number | null;
  private readonly seeds: SeedStream;

  constructor(args: GaussianNoiseArgs | number) {
    const a = typeof args === 'number' ? { stddev: args } : args;
    super(a);
    if (typeof a.stddev !== 'number' || !(a.stddev >= 0)) throw layerError(this, `expected stddev >= 0, received ${String(a.stddev)}`);
    this.stddev = a.stddev;
    this.seed = a.seed ?? null;
    this.seeds = new SeedStream(this.seed);
  }

  call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = singleInput(this, inputs);
    if (!training || this.stddev === 0) return x;
    return add(x, randomNormal(x.shape, { stddev: this.stddev, seed: this.seeds.next(), dtype: x.dtype }));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }

  static fromConfig(config: Record<string, any>): GaussianNoise {
    return new GaussianNoise({ ...baseArgsFromConfig(config), stddev: config.stddev, seed: config.seed ?? null });
  }
}

export interface GaussianDropoutArgs extends LayerArgs {
  rate: number;
  seed?: number | null;
}

/** Multiplies by N(1, rate/(1-rate)) noise in training; identity in inference. */
export class GaussianDropout extends Layer {
  static override readonly className = 'GaussianDropout';
  readonly rate: number;
  readonly seed: number | null;
  private readonly seeds: SeedStream;

  constructor(args: GaussianDropoutArgs | number) {
    const a = typeof args === 'number' ? { rate: args } : args;
    super(a);
    checkRate(this, a.rate, false);
    this.rate = a.rate;
    this.seed = a.seed ?? null;
    this.seeds = new SeedStream(this.seed);
  }

  call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = singleInput(this, inputs);
    if (!training || this.rate === 0) return x;
    const stddev = Math.sqrt(this.rate / (1 - this.rate));
    return mul(x, randomNormal(x.shape, { mean: 1, stddev, seed: this.seeds.next(), dtype: x.dtype }));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }

  static fromConfig(config: Record<string, any>): GaussianDropout {
    return new GaussianDropout({ ...baseArgsFromConfig(config), rate: config.rate, seed: config.seed ?? null });
  }
}

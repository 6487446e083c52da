// Activation layers: LeakyReLU, PReLU (learned slopes), RReLU (random slopes), ELU, ReLU, Softmax.
import type { Tensor } from '../tensor/tensor.js';
import { randomUniform } from '../tensor/creation.js';
import { clip, greater, greaterEqual, mul, sub, where } from '../ops/arithmetic.js';
import { castTo } from '../ops/layout.js';
import { elu, leakyRelu, relu } from '../ops/activation.js';
import { softmax } from '../ops/nn.js';
import { logSumExp } from '../ops/reduce.js';
import { exp } from '../ops/unary.js';
import type { Variable } from '../autograd/variable.js';
import { Layer, layerError, type CallOptions, type ConstraintLike, type InitializerLike, type LayerArgs, type LayerInput, type RegularizerLike } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { SeedStream, baseArgsFromConfig, layerAxis, shapeString, singleInput, singleShape, toLayerDtype } from './utils.js';
import {
  getConstraint, getInitializer, getRegularizer, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintId, type InitializerId, type RegularizerId,
} from './resolve.js';

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0 (Keras default 0.3). */
  negativeSlope?: number;
  /** Keras 2 name of negativeSlope. */
  alpha?: number;
}

/**
 * x if x >= 0 else negativeSlope * x.
 * @example new layers.LeakyReLU({ negativeSlope: 0.2 })
 */
export class LeakyReLU extends Layer {
  static override readonly className = 'LeakyReLU';
  readonly negativeSlope: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args);
    const slope = args.negativeSlope ?? args.alpha ?? 0.3;
    if (typeof slope !== 'number' || !Number.isFinite(slope) || slope < 0) {
      throw layerError(this, `expected negativeSlope >= 0, received ${String(slope)}`);
    }
    this.negativeSlope = slope;
  }

  call(inputs: LayerInput): Tensor {
    return leakyRelu(singleInput(this, inputs), this.negativeSlope);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }

  static fromConfig(config: Record<string, any>): LeakyReLU {
    return new LeakyReLU({ ...baseArgsFromConfig(config), negativeSlope: config.negative_slope ?? config.alpha });
  }
}

export interface PReLUArgs extends LayerArgs {
  alphaInitializer?: InitializerId;
  alphaRegularizer?: RegularizerId;
  alphaConstraint?: ConstraintId;
  /** Axes (1-based, batch = 0) along which the slopes are shared, e.g. [1, 2] for images. */
  sharedAxes?: number[] | number | null;
}

/**
 * Parametric ReLU: relu(x) - alpha * relu(-x), with one learned slope per input unit (Keras).
 * @example new layers.PReLU({ sharedAxes: [1, 2] })
 */
export class PReLU extends Layer {
  static override readonly className = 'PReLU';
  readonly alphaInitializer: InitializerLike;
  readonly alphaRegularizer: RegularizerLike | null;
  readonly alphaConstraint: ConstraintLike | null;
  readonly sharedAxes: number[] | null;
  alpha: Variable | null = null;

  constructor(args: PReLUArgs = {}) {
    super(args);
    this.alphaInitializer = getInitializer(args.alphaInitializer ?? 'zeros');
    this.alphaRegularizer = getRegularizer(args.alphaRegularizer);
    this.alphaConstraint = getConstraint(args.alphaConstraint);
    const shared = args.sharedAxes;
    this.sharedAxes = shared === undefined || shared === null ? null : Array.isArray(shared) ? [...shared] : [shared];
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(this, inputShape);
    if (shape.length < 2) throw layerError(this, `expected inputs of rank >= 2 (batch first), received shape ${shapeString(shape)}`);
    const paramShape = shape.slice(1);
    for (const a of this.sharedAxes ?? []) {
      if (!Number.isInteger(a) || a < 1 || a >= shape.length) {
        throw layerError(this, `shared axis ${a} is out of range for inputs of shape ${shapeString(shape)} (expected 1..${shape.length - 1})`);
      }
      paramShape[a - 1] = 1;
    }
    if (paramShape.some((d) => d === null)) {
      throw layerError(this, `every non-shared dimension must be known to build the slopes, received shape ${shapeString(shape)}`);
    }
    this.alpha = this.addWeight({
      name: 'alpha', shape: paramShape as number[], initializer: this.alphaInitializer,
      regularizer: this.alphaRegularizer, constraint: this.alphaConstraint,
    });
    super.build(inputShape);
  }

  call(inputs: LayerInput): Tensor {
    const x = toLayerDtype(singleInput(this, inputs), this.dtype);
    return sub(relu(x), mul(this.alpha!.value, relu(mul(x, -1))));
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      alpha_initializer: serializeInitializer(this.alphaInitializer),
      alpha_regularizer: serializeRegularizer(this.alphaRegularizer),
      alpha_constraint: serializeConstraint(this.alphaConstraint),
      shared_axes: this.sharedAxes,
    };
  }

  static fromConfig(config: Record<string, any>): PReLU {
    return new PReLU({
      ...baseArgsFromConfig(config),
      alphaInitializer: config.alpha_initializer ?? undefined,
      alphaRegularizer: config.alpha_regularizer ?? null,
      alphaConstraint: config.alpha_constraint ?? null,
      sharedAxes: config.shared_axes ?? null,
    });
  }
}

export interface RReLUArgs extends LayerArgs {
  /** Lower bound of the random slope (default 1/8). */
  lower?: number;
  /** Upper bound of the random slope (default 1/3). */
  upper?: number;
  seed?: number | null;
}

/**
 * Randomized leaky ReLU (PyTorch semantics): in training each negative element gets a slope drawn from
 * U(lower, upper); in inference the slope is (lower + upper) / 2.
 * @example new layers.RReLU({ lower: 1 / 8, upper: 1 / 3 })
 */
export class RReLU extends Layer {
  static override readonly className = 'RReLU';
  readonly lower: number;
  readonly upper: number;
  readonly seed: number | null;
  private readonly seeds: SeedStream;

  constructor(args: RReLUArgs = {}) {
    super(args);
    this.lower = args.lower ?? 1 / 8;
    this.upper = args.upper ?? 1 / 3;
    if (!(this.lower >= 0) || !(this.upper >= this.lower)) {
      throw layerError(this, `expected 0 <= lower <= upper, received lower ${this.lower} and upper ${this.upper}`);
    }
    this.seed = args.seed ?? null;
    this.seeds = new SeedStream(this.seed);
  }

  call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = singleInput(this, inputs);
    if (!training) return leakyRelu(x, (this.lower + this.upper) / 2);
    const slopes = randomUniform(x.shape, { minval: this.lower, maxval: this.upper, seed: this.seeds.next(), dtype: x.dtype });
    return where(greaterEqual(x, 0), x, mul(x, slopes));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), lower: this.lower, upper: this.upper, seed: this.seed };
  }

  static fromConfig(config: Record<string, any>): RReLU {
    return new RReLU({ ...baseArgsFromConfig(config), lower: config.lower, upper: config.upper, seed: config.seed ?? null });
  }
}

/** x if x > 0 else alpha * (exp(x) - 1). */
export class ELU extends Layer {
  static override readonly className = 'ELU';
  readonly alpha: number;

  constructor(args: LayerArgs & { alpha?: number } = {}) {
    super(args);
    this.alpha = args.alpha ?? 1;
  }

  call(inputs: LayerInput): Tensor {
    return elu(singleInput(this, inputs), this.alpha);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), alpha: this.alpha };
  }

  static fromConfig(config: Record<string, any>): ELU {
    return new ELU({ ...baseArgsFromConfig(config), alpha: config.alpha });
  }
}

export interface ReLUArgs extends LayerArgs {
  /** Upper saturation (null: none). */
  maxValue?: number | null;
  /** Slope below the threshold. */
  negativeSlope?: number;
  /** Values at or below it are zero (or follow negativeSlope). */
  threshold?: number;
}

/** Keras' relu(x, negative_slope, max_value, threshold). */
export class ReLU extends Layer {
  static override readonly className = 'ReLU';
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args);
    this.maxValue = args.maxValue ?? null;
    this.negativeSlope = args.negativeSlope ?? 0;
    this.threshold = args.threshold ?? 0;
    if (this.maxValue !== null && !(this.maxValue >= 0)) throw layerError(this, `expected maxValue >= 0, received ${this.maxValue}`);
    if (!(this.negativeSlope >= 0)) throw layerError(this, `expected negativeSlope >= 0, received ${this.negativeSlope}`);
    if (!(this.threshold >= 0)) throw layerError(this, `expected threshold >= 0, received ${this.threshold}`);
  }

  call(inputs: LayerInput): Tensor {
    const x = singleInput(this, inputs);
    const { maxValue, negativeSlope: slope, threshold } = this;
    if (maxValue === null && threshold === 0) return slope === 0 ? relu(x) : leakyRelu(x, slope);
    // NOTE: Keras' static_call: x*(x > threshold), clipped to [0, maxValue], minus slope*relu(threshold - x).
    let y = threshold !== 0 ? mul(x, castTo(greater(x, threshold), x.dtype)) : relu(x);
    if (maxValue !== null) y = clip(y, 0, maxValue);
    if (slope !== 0) y = sub(y, mul(relu(sub(threshold, x)), slope));
    return y;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), max_value: this.maxValue, negative_slope: this.negativeSlope, threshold: this.threshold };
  }

  static fromConfig(config: Record<string, any>): ReLU {
    return new ReLU({ ...baseArgsFromConfig(config), maxValue: config.max_value ?? null, negativeSlope: config.negative_slope, threshold: config.threshold });
  }
}

/** Softmax along `axis` (default -1; a list of axes normalizes over all of them). */
export class Softmax extends Layer {
  static override readonly className = 'Softmax';
  readonly axis: number | number[];

  constructor(args: LayerArgs & { axis?: number | number[] } = {}) {
    super(args);
    this.axis = args.axis ?? -1;
  }

  call(inputs: LayerInput): Tensor {
    const x = singleInput(this, inputs);
    if (typeof this.axis === 'number') return softmax(x, layerAxis(this, this.axis, x.rank));
    const axes = this.axis.map((a) => layerAxis(this, a, x.rank));
    return exp(sub(x, logSumExp(x, axes, true)));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }

  static fromConfig(config: Record<string, any>): Softmax {
    return new Softmax({ ...baseArgsFromConfig(config), axis: config.axis });
  }
}

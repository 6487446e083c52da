// Normalization layers: BatchNormalization (Keras 3 moving statistics and frozen semantics) and LayerNormalization.
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/arithmetic.js';
import { reshape } from '../ops/layout.js';
import { moments } from '../ops/reduce.js';
import { assignMovingAverages, batchNormTraining, scaleShift } from '../ops/batchnorm.js';
import { rsqrt } from '../ops/unary.js';
import type { Variable } from '../autograd/variable.js';
import { Layer, layerError, type CallOptions, type ConstraintLike, type InitializerLike, type LayerArgs, type LayerInput, type RegularizerLike } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { baseArgsFromConfig, layerAxis, shapeString, singleInput, singleShape, toLayerDtype } from './utils.js';
import {
  getConstraint, getInitializer, getRegularizer, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ConstraintId, type InitializerId, type RegularizerId,
} from './resolve.js';

interface AffineArgs {
  center?: boolean;
  scale?: boolean;
  betaInitializer?: InitializerId;
  gammaInitializer?: InitializerId;
  betaRegularizer?: RegularizerId;
  gammaRegularizer?: RegularizerId;
  betaConstraint?: ConstraintId;
  gammaConstraint?: ConstraintId;
}

/** gamma/beta settings shared by both normalization layers. */
class Affine {
  readonly center: boolean;
  readonly scale: boolean;
  readonly betaInitializer: InitializerLike;
  readonly gammaInitializer: InitializerLike;
  readonly betaRegularizer: RegularizerLike | null;
  readonly gammaRegularizer: RegularizerLike | null;
  readonly betaConstraint: ConstraintLike | null;
  readonly gammaConstraint: ConstraintLike | null;

  constructor(args: AffineArgs) {
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = getInitializer(args.betaInitializer ?? 'zeros');
    this.gammaInitializer = getInitializer(args.gammaInitializer ?? 'ones');
    this.betaRegularizer = getRegularizer(args.betaRegularizer);
    this.gammaRegularizer = getRegularizer(args.gammaRegularizer);
    this.betaConstraint = getConstraint(args.betaConstraint);
    this.gammaConstraint = getConstraint(args.gammaConstraint);
  }

  /** Creates gamma then beta (Keras order). */
  build(layer: Layer, shape: number[]): { gamma: Variable | null; beta: Variable | null } {
    const gamma = this.scale
      ? layer.addWeight({ name: 'gamma', shape, initializer: this.gammaInitializer, regularizer: this.gammaRegularizer, constraint: this.gammaConstraint })
      : null;
    const beta = this.center
      ? layer.addWeight({ name: 'beta', shape, initializer: this.betaInitializer, regularizer: this.betaRegularizer, constraint: this.betaConstraint })
      : null;
    return { gamma, beta };
  }

  config(): Record<string, unknown> {
    return {
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeInitializer(this.betaInitializer),
      gamma_initializer: serializeInitializer(this.gammaInitializer),
      beta_regularizer: serializeRegularizer(this.betaRegularizer),
      gamma_regularizer: serializeRegularizer(this.gammaRegularizer),
      beta_constraint: serializeConstraint(this.betaConstraint),
      gamma_constraint: serializeConstraint(this.gammaConstraint),
    };
  }

  static argsFromConfig(c: Record<string, any>): AffineArgs {
    return {
      center: c.center ?? true,
      scale: c.scale ?? true,
      betaInitializer: c.beta_initializer ?? undefined,
      gammaInitializer: c.gamma_initializer ?? undefined,
      betaRegularizer: c.beta_regularizer ?? null,
      gammaRegularizer: c.gamma_regularizer ?? null,
      betaConstraint: c.beta_constraint ?? null,
      gammaConstraint: c.gamma_constraint ?? null,
    };
  }
}

/** y = x * (gamma * rsqrt(var + eps)) + (beta - mean * gamma * rsqrt(var + eps)), Keras' batch_normalization. */
function normalize(x: Tensor, m: Tensor, v: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number): Tensor {
  let inv = rsqrt(add(v, epsilon));
  if (gamma) inv = mul(inv, gamma);
  let res = mul(mul(m, inv), -1);
  if (beta) res = add(res, beta);
  // One pass over x (native) when the statistics share x's float dtype; the mixed-dtype path promotes as Keras does.
  const sameDtype = (t: Tensor): boolean => t.dtype === x.dtype && (x.dtype === 'float32' || x.dtype === 'float64');
  return sameDtype(inv) && sameDtype(res) ? scaleShift(x, inv, res) : add(mul(x, inv), res);
}

/** Shape of the parameters broadcast against an input of `rank` normalized along `axes`. */
function broadcastShape(inputShape: readonly number[], paramAxes: readonly number[]): number[] {
  return inputShape.map((d, i) => (paramAxes.includes(i) ? d : 1));
}

function sortedAxes(layer: Layer, axis: number | number[], rank: number): number[] {
  const list = (typeof axis === 'number' ? [axis] : axis).map((a) => layerAxis(layer, a, rank));
  return [...new Set(list)].sort((a, b) => a - b);
}

function paramShape(layer: Layer, shape: SymbolicShape, axes: number[]): number[] {
  const dims = axes.map((a) => shape[a]);
  if (dims.some((d) => d === null)) {
    throw layerError(layer, `the normalized axes [${axes.join(', ')}] must have known sizes, received input shape ${shapeString(shape)}`);
  }
  return dims as number[];
}

export interface BatchNormalizationArgs extends LayerArgs, AffineArgs {
  /** The features axis (default -1); statistics are taken over all the others. */
  axis?: number | number[];
  /** Moving-average momentum (Keras: moving = moving*momentum + batch*(1-momentum)). */
  momentum?: number;
  epsilon?: number;
  movingMeanInitializer?: InitializerId;
  movingVarianceInitializer?: InitializerId;
}

/**
 * Batch normalization (Keras 3): batch statistics and moving-average updates only when
 * training && trainable; moving statistics otherwise (including a frozen layer during fit).
 * @example new layers.BatchNormalization({ momentum: 0.99, epsilon: 1e-3 })
 */
export class BatchNormalization extends Layer {
  static override readonly className = 'BatchNormalization';
  readonly axis: number | number[];
  readonly momentum: number;
  readonly epsilon: number;
  readonly movingMeanInitializer: InitializerLike;
  readonly movingVarianceInitializer: InitializerLike;
  private readonly affine: Affine;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean: Variable | null = null;
  movingVariance: Variable | null = null;
  private axes: number[] = [];

  constructor(args: BatchNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    if (!(this.epsilon > 0)) throw layerError(this, `expected epsilon > 0, received ${this.epsilon}`);
    this.affine = new Affine(args);
    this.movingMeanInitializer = getInitializer(args.movingMeanInitializer ?? 'zeros');
    this.movingVarianceInitializer = getInitializer(args.movingVarianceInitializer ?? 'ones');
  }

  get center(): boolean {
    return this.affine.center;
  }

  get scale(): boolean {
    return this.affine.scale;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(this, inputShape);
    if (!this.built || !this.movingMean) return;
    const axes = sortedAxes(this, this.axis, shape.length);
    const dims = axes.map((a) => shape[a]);
    if (dims.some((d, i) => d !== null && d !== this.movingMean!.shape[i])) {
      throw layerError(this, `expected input with axis ${String(this.axis)} of size ${this.movingMean.shape.join(', ')}, received shape ${shapeString(shape)}`);
    }
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(this, inputShape);
    this.axes = sortedAxes(this, this.axis, shape.length);
    const pShape = paramShape(this, shape, this.axes);
    ({ gamma: this.gamma, beta: this.beta } = this.affine.build(this, pShape));
    this.movingMean = this.addWeight({ name: 'moving_mean', shape: pShape, initializer: this.movingMeanInitializer, trainable: false });
    this.movingVariance = this.addWeight({ name: 'moving_variance', shape: pShape, initializer: this.movingVarianceInitializer, trainable: false });
    super.build(inputShape);
  }

  call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = toLayerDtype(singleInput(this, inputs), this.dtype);
    const axes = this.axes.length ? this.axes : sortedAxes(this, this.axis, x.rank);
    const bShape = broadcastShape(x.shape, axes);
    const reduceAxes = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    const b = (t: Tensor) => reshape(t, bShape);
    const gamma = this.gamma ? b(this.gamma.value) : null;
    const beta = this.beta ? b(this.beta.value) : null;
    if (training && this.trainable) {
      if (x.dtype === 'float32' && reduceAxes.length > 0 && (!gamma || gamma.dtype === 'float32') && (!beta || beta.dtype === 'float32')) {
        const fused = batchNormTraining(x, gamma, beta, reduceAxes, this.epsilon);
        this.updateMovingStatistics(reshape(fused.mean, this.movingMean!.shape), reshape(fused.variance, this.movingVariance!.shape));
        return fused.y;
      }
      const { mean: m, variance: v } = moments(x, reduceAxes, true);
      this.updateMovingStatistics(reshape(m, this.movingMean!.shape), reshape(v, this.movingVariance!.shape));
      return normalize(x, m, v, gamma, beta, this.epsilon);
    }
    return normalize(x, b(this.movingMean!.value), b(this.movingVariance!.value), gamma, beta, this.epsilon);
  }

  private updateMovingStatistics(batchMean: Tensor, batchVariance: Tensor): void {
    assignMovingAverages([this.movingMean!, this.movingVariance!], [batchMean, batchVariance], this.momentum);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      ...this.affine.config(),
      moving_mean_initializer: serializeInitializer(this.movingMeanInitializer),
      moving_variance_initializer: serializeInitializer(this.movingVarianceInitializer),
      synchronized: false,
    };
  }

  static fromConfig(config: Record<string, any>): BatchNormalization {
    const axis = Array.isArray(config.axis) && config.axis.length === 1 ? config.axis[0] : config.axis;
    return new BatchNormalization({
      ...baseArgsFromConfig(config),
      ...Affine.argsFromConfig(config),
      axis: axis ?? -1,
      momentum: config.momentum,
      epsilon: config.epsilon,
      movingMeanInitializer: config.moving_mean_initializer ?? undefined,
      movingVarianceInitializer: config.moving_variance_initializer ?? undefined,
    });
  }
}

export interface LayerNormalizationArgs extends LayerArgs, AffineArgs {
  /** Axis or axes normalized within each sample (default -1). */
  axis?: number | number[];
  epsilon?: number;
  /** Keras 3's rms_scaling; only false is supported. */
  rmsScaling?: boolean;
}

/**
 * Normalizes each sample over `axis` with its own (biased) mean and variance, then gamma/beta.
 * @example new layers.LayerNormalization({ epsilon: 1e-3 })
 */
export class LayerNormalization extends Layer {
  static override readonly className = 'LayerNormalization';
  readonly axis: number | number[];
  readonly epsilon: number;
  readonly rmsScaling: boolean;
  private readonly affine: Affine;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  private axes: number[] = [];

  constructor(args: LayerNormalizationArgs = {}) {
    super(args);
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-3;
    this.rmsScaling = args.rmsScaling ?? false;
    if (this.rmsScaling) throw layerError(this, 'rmsScaling: true is not supported (use the default mean/variance normalization)');
    this.affine = new Affine(args);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(this, inputShape);
    this.axes = sortedAxes(this, this.axis, shape.length);
    ({ gamma: this.gamma, beta: this.beta } = this.affine.build(this, paramShape(this, shape, this.axes)));
    super.build(inputShape);
  }

  call(inputs: LayerInput): Tensor {
    const x = toLayerDtype(singleInput(this, inputs), this.dtype);
    const axes = this.axes.length ? this.axes : sortedAxes(this, this.axis, x.rank);
    const bShape = broadcastShape(x.shape, axes);
    const gamma = this.gamma ? reshape(this.gamma.value, bShape) : null;
    const beta = this.beta ? reshape(this.beta.value, bShape) : null;
    const { mean: m, variance: v } = moments(x, axes, true);
    return normalize(x, m, v, gamma, beta, this.epsilon);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis, epsilon: this.epsilon, rms_scaling: this.rmsScaling, ...this.affine.config() };
  }

  static fromConfig(config: Record<string, any>): LayerNormalization {
    return new LayerNormalization({
      ...baseArgsFromConfig(config),
      ...Affine.argsFromConfig(config),
      axis: config.axis ?? -1,
      epsilon: config.epsilon,
      rmsScaling: config.rms_scaling ?? false,
    });
  }
}

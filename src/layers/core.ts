// Core layers: Dense (fused matmul + bias + activation), Activation, Flatten, Reshape.
import type { Tensor } from '../tensor/tensor.js';
import { reshape, transpose } from '../ops/layout.js';
import { dense } from '../ops/linalg.js';
import type { Variable } from '../autograd/variable.js';
import { Layer, layerError, type ConstraintLike, type InitializerLike, type LayerArgs, type LayerInput, type RegularizerLike } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { baseArgsFromConfig, shapeString, singleInput, singleShape, toLayerDtype } from './utils.js';
import { normalizeDataFormat, type DataFormat } from './conv_utils.js';
import {
  fusedActivation, getActivation, getConstraint, getInitializer, getRegularizer,
  serializeConstraint, serializeInitializer, serializeRegularizer,
  type ActivationId, type ConstraintId, type InitializerId, type RegularizerId, type ResolvedActivation,
} from './resolve.js';

export interface DenseArgs extends LayerArgs {
  /** Activation name ('relu', 'heNormal'-style camelCase also accepted) or function; default linear. */
  activation?: ActivationId;
  useBias?: boolean;
  kernelInitializer?: InitializerId;
  biasInitializer?: InitializerId;
  kernelRegularizer?: RegularizerId;
  biasRegularizer?: RegularizerId;
  /** Penalty on the layer's output, added to the loss (see activityLosses). */
  activityRegularizer?: RegularizerId;
  kernelConstraint?: ConstraintId;
  biasConstraint?: ConstraintId;
}

/**
 * Fully connected layer: activation(x @ kernel + bias), kernel [inputDim, units].
 * @example new layers.Dense(300, { activation: 'relu', kernelInitializer: 'he_normal' })
 */
export class Dense extends Layer {
  static override readonly className = 'Dense';
  readonly units: number;
  readonly activation: ResolvedActivation;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerLike;
  readonly biasInitializer: InitializerLike;
  readonly kernelRegularizer: RegularizerLike | null;
  readonly biasRegularizer: RegularizerLike | null;
  readonly activityRegularizer: RegularizerLike | null;
  readonly kernelConstraint: ConstraintLike | null;
  readonly biasConstraint: ConstraintLike | null;
  kernel: Variable | null = null;
  bias: Variable | null = null;
  /** Activity penalties of the latest call (Keras adds them to the loss). */
  activityLosses: Tensor[] = [];

  constructor(units: number, args: DenseArgs = {}) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) throw layerError(this, `expected units to be a positive integer, received ${String(units)}`);
    this.units = units;
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer(args.kernelInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer(args.kernelRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    this.kernelConstraint = getConstraint(args.kernelConstraint);
    this.biasConstraint = getConstraint(args.biasConstraint);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(this, inputShape);
    if (shape.length < 2) throw layerError(this, `expected input of rank >= 2 (batch first), received shape ${shapeString(shape)}`);
    const last = shape[shape.length - 1];
    if (this.kernel && last !== this.kernel.shape[0]) {
      throw layerError(this, `expected input with last dimension ${this.kernel.shape[0]}, received shape ${shapeString(shape)}`);
    }
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = singleShape(this, inputShape);
    const inputDim = shape[shape.length - 1];
    if (inputDim === null || inputDim === undefined) {
      throw layerError(this, `the last dimension of the input must be known, received shape ${shapeString(shape)}`);
    }
    this.kernel = this.addWeight({
      name: 'kernel', shape: [inputDim, this.units], initializer: this.kernelInitializer,
      regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: 'bias', shape: [this.units], initializer: this.biasInitializer,
        regularizer: this.biasRegularizer, constraint: this.biasConstraint,
      });
    }
    super.build(inputShape);
  }

  call(inputs: LayerInput): Tensor {
    const x = toLayerDtype(singleInput(this, inputs), this.dtype);
    const flat = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
    const kernel = this.kernel!.value;
    const bias = this.bias ? this.bias.value : null;
    const fused = fusedActivation(this.activation);
    let y = fused ? dense(flat, kernel, bias, fused.op, fused.alpha) : this.activation.fn(dense(flat, kernel, bias, 'linear'));
    if (x.rank !== 2) y = reshape(y, [...x.shape.slice(0, -1), this.units]);
    if (this.activityRegularizer) this.activityLosses = [this.activityRegularizer.apply(y)];
    return y;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(this, inputShape);
    return [...shape.slice(0, -1), this.units];
  }

  /** Weight penalties plus the activity penalty of the latest call. */
  override regularizationLosses(): Tensor[] {
    return [...super.regularizationLosses(), ...this.activityLosses];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      units: this.units,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      kernel_constraint: serializeConstraint(this.kernelConstraint),
      bias_constraint: serializeConstraint(this.biasConstraint),
      // Keras 3 writes activity_regularizer only when one is set.
      ...(this.activityRegularizer ? { activity_regularizer: serializeRegularizer(this.activityRegularizer) } : {}),
    };
  }

  static fromConfig(config: Record<string, any>): Dense {
    return new Dense(config.units, {
      ...baseArgsFromConfig(config),
      activation: config.activation ?? 'linear',
      useBias: config.use_bias ?? true,
      kernelInitializer: config.kernel_initializer ?? undefined,
      biasInitializer: config.bias_initializer ?? undefined,
      kernelRegularizer: config.kernel_regularizer ?? null,
      biasRegularizer: config.bias_regularizer ?? null,
      activityRegularizer: config.activity_regularizer ?? null,
      kernelConstraint: config.kernel_constraint ?? null,
      biasConstraint: config.bias_constraint ?? null,
    });
  }
}

/**
 * Applies an activation function.
 * @example new layers.Activation('elu')
 */
export class Activation extends Layer {
  static override readonly className = 'Activation';
  readonly activation: ResolvedActivation;

  constructor(activation: ActivationId | (LayerArgs & { activation: ActivationId }), args: LayerArgs = {}) {
    const isArgs = (a: unknown): a is LayerArgs & { activation: ActivationId } => typeof a === 'object' && a !== null && 'activation' in a;
    const opts = isArgs(activation) ? activation : { ...args, activation };
    super(opts);
    this.activation = getActivation(opts.activation);
  }

  call(inputs: LayerInput): Tensor {
    return this.activation.fn(singleInput(this, inputs));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), activation: this.activation.name };
  }

  static fromConfig(config: Record<string, any>): Activation {
    return new Activation({ ...baseArgsFromConfig(config), activation: config.activation });
  }
}

/**
 * Flattens each sample, keeping the batch dimension: [batch, ...dims] -> [batch, prod(dims)].
 * @example new layers.Flatten({ inputShape: [28, 28] })
 */
export class Flatten extends Layer {
  static override readonly className = 'Flatten';
  readonly dataFormat: DataFormat;

  constructor(args: LayerArgs & { dataFormat?: DataFormat } = {}) {
    super(args);
    this.dataFormat = normalizeDataFormat(this, args.dataFormat);
  }

  call(inputs: LayerInput): Tensor {
    let x = singleInput(this, inputs);
    if (x.rank === 0) throw layerError(this, 'expected an input with a batch dimension, received a scalar');
    // NOTE: Keras moves channels_first features to channels-last order before flattening, so a Dense after it
    // sees the same feature order in either format.
    if (this.dataFormat === 'channels_first' && x.rank > 2) {
      x = transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
    }
    return reshape(x, [x.shape[0], x.shape.slice(1).reduce((a, b) => a * b, 1)]);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(this, inputShape);
    const rest = shape.slice(1);
    return [shape[0] ?? null, rest.some((d) => d === null) ? null : (rest as number[]).reduce((a, b) => a * b, 1)];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, any>): Flatten {
    return new Flatten({ ...baseArgsFromConfig(config), dataFormat: config.data_format ?? 'channels_last' });
  }
}

/**
 * Reshapes each sample to `targetShape` (batch dimension kept; one -1 is inferred).
 * @example new layers.Reshape([28, 28])
 */
export class Reshape extends Layer {
  static override readonly className = 'Reshape';
  readonly targetShape: number[];

  constructor(targetShape: number[] | (LayerArgs & { targetShape: number[] }), args: LayerArgs = {}) {
    const opts = Array.isArray(targetShape) ? { ...args, targetShape } : targetShape;
    super(opts);
    if (!Array.isArray(opts.targetShape)) throw layerError(this, `expected targetShape to be an array, received ${String(opts.targetShape)}`);
    this.targetShape = [...opts.targetShape];
    if (this.targetShape.filter((d) => d === -1).length > 1 || this.targetShape.some((d) => !Number.isInteger(d) || (d < 1 && d !== -1))) {
      throw layerError(this, `invalid targetShape ${shapeString(this.targetShape)} (positive integers and at most one -1)`);
    }
  }

  call(inputs: LayerInput): Tensor {
    const x = singleInput(this, inputs);
    const out = this.resolve(x.shape.slice(1) as number[]);
    return reshape(x, [x.shape[0], ...out]);
  }

  /** Resolves the -1 against a known sample shape, with an error naming the layer. */
  private resolve(sample: number[]): number[] {
    const size = sample.reduce((a, b) => a * b, 1);
    const known = this.targetShape.reduce((a, d) => (d === -1 ? a : a * d), 1);
    const out = this.targetShape.map((d) => (d === -1 ? size / known : d));
    if (out.reduce((a, b) => a * b, 1) !== size || out.some((d) => !Number.isInteger(d))) {
      throw layerError(this, `cannot reshape samples of shape ${shapeString(sample)} (${size} values) into ${shapeString(this.targetShape)}`);
    }
    return out;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = singleShape(this, inputShape);
    const sample = shape.slice(1);
    if (sample.some((d) => d === null)) return [shape[0] ?? null, ...this.targetShape.map((d) => (d === -1 ? null : d))];
    return [shape[0] ?? null, ...this.resolve(sample as number[])];
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), target_shape: [...this.targetShape] };
  }

  static fromConfig(config: Record<string, any>): Reshape {
    return new Reshape({ ...baseArgsFromConfig(config), targetShape: config.target_shape });
  }
}

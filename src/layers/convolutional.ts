// Convolution layers (Keras 3): Conv1D and Conv2D on one base; kernels [...kernelSize, channels / groups, filters].
import type { Tensor } from '../tensor/tensor.js';
import { conv2d } from '../ops/conv.js';
import type { Padding } from '../ops/conv_geometry.js';
import type { Variable } from '../autograd/variable.js';
import { Layer, layerError, type ConstraintLike, type InitializerLike, type LayerArgs, type LayerInput, type RegularizerLike } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { baseArgsFromConfig, shapeString, singleInput, toLayerDtype } from './utils.js';
import {
  getActivation, getConstraint, getInitializer, getRegularizer, serializeConstraint, serializeInitializer, serializeRegularizer,
  type ActivationId, type ConstraintId, type InitializerId, type RegularizerId, type ResolvedActivation,
} from './resolve.js';
import {
  channelsOf, fromNHWC, normalizeDataFormat, normalizePadding, normalizeTuple, outputLength, spatialShape, splitSpatial, toNHWC, type DataFormat,
} from './conv_utils.js';

export interface ConvArgs extends LayerArgs {
  strides?: number | number[];
  /** 'valid' (default), 'same' (TensorFlow's rule: the odd pixel padded at the bottom/right), 'causal' (Conv1D). */
  padding?: Padding;
  dataFormat?: DataFormat;
  dilationRate?: number | number[];
  groups?: number;
  activation?: ActivationId;
  useBias?: boolean;
  kernelInitializer?: InitializerId;
  biasInitializer?: InitializerId;
  kernelRegularizer?: RegularizerId;
  biasRegularizer?: RegularizerId;
  activityRegularizer?: RegularizerId;
  kernelConstraint?: ConstraintId;
  biasConstraint?: ConstraintId;
}

/** Constructor forms: (filters, kernelSize, args) as Keras, or one options object with filters and kernelSize. */
export type ConvCtorArgs = [filters: number, kernelSize: number | number[], args?: ConvArgs] | [ConvArgs & { filters: number; kernelSize: number | number[] }];

export function convCtorArgs(a: unknown[]): { filters: number; kernelSize: number | number[]; args: ConvArgs } {
  if (typeof a[0] === 'object' && a[0] !== null) {
    const o = a[0] as ConvArgs & { filters: number; kernelSize: number | number[] };
    return { filters: o.filters, kernelSize: o.kernelSize, args: o };
  }
  return { filters: a[0] as number, kernelSize: a[1] as number | number[], args: (a[2] as ConvArgs | undefined) ?? {} };
}

/** The shared body of Conv1D and Conv2D (Keras BaseConv): config, weights, output shapes, the call through conv2d. */
export class BaseConv extends Layer {
  readonly rank: 1 | 2;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly groups: number;
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
  activityLosses: Tensor[] = [];

  constructor(rank: 1 | 2, filters: number, kernelSize: number | number[], args: ConvArgs) {
    super(args);
    this.rank = rank;
    if (!Number.isInteger(filters) || filters <= 0) throw layerError(this, `expected filters to be a positive integer, received ${String(filters)}`);
    this.filters = filters;
    this.kernelSize = normalizeTuple(this, kernelSize, rank, 'kernelSize');
    this.strides = normalizeTuple(this, args.strides ?? 1, rank, 'strides');
    this.padding = normalizePadding(this, args.padding ?? 'valid', rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same']);
    this.dataFormat = normalizeDataFormat(this, args.dataFormat);
    this.dilationRate = normalizeTuple(this, args.dilationRate ?? 1, rank, 'dilationRate');
    this.groups = args.groups ?? 1;
    if (!Number.isInteger(this.groups) || this.groups <= 0 || filters % this.groups !== 0) {
      throw layerError(this, `expected groups to be a positive integer dividing filters (${filters}), received ${String(args.groups)}`);
    }
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw layerError(this, `strides > 1 cannot be combined with dilationRate > 1, received strides [${this.strides.join(', ')}] and dilationRate [${this.dilationRate.join(', ')}]`);
    }
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

  /** Channels of a checked input shape (must be known and divisible by groups). */
  protected inputChannels(inputShape: SymbolicShape | SymbolicShape[]): number {
    const shape = spatialShape(this, inputShape, this.rank, this.dataFormat);
    const c = channelsOf(shape, this.dataFormat);
    if (c === null || c === undefined) throw layerError(this, `the channel dimension of the input must be known, received shape ${shapeString(shape)}`);
    if (c % this.groups !== 0) throw layerError(this, `expected input channels divisible by groups (${this.groups}), received shape ${shapeString(shape)}`);
    return c;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = spatialShape(this, inputShape, this.rank, this.dataFormat);
    const c = channelsOf(shape, this.dataFormat);
    if (this.kernel && c !== this.kernel.shape[this.rank] * this.groups) {
      const where = this.dataFormat === 'channels_last' ? 'last' : 'second';
      throw layerError(this, `expected input with ${this.kernel.shape[this.rank] * this.groups} channels (${where} dimension), received shape ${shapeString(shape)}`);
    }
    const out = this.computeOutputShape(shape);
    if (splitSpatial(out, this.dataFormat).spatial.some((d) => d !== null && d <= 0)) {
      throw layerError(this, `a kernel of size [${this.kernelSize.join(', ')}] (dilation [${this.dilationRate.join(', ')}]) does not fit input of shape ${shapeString(shape)} with '${this.padding}' padding`);
    }
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const c = this.inputChannels(inputShape);
    this.kernel = this.addWeight({
      name: 'kernel', shape: [...this.kernelSize, c / this.groups, this.filters], initializer: this.kernelInitializer,
      regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight({ name: 'bias', shape: [this.filters], initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    super.build(inputShape);
  }

  /** The 2-D window parameters (1-D layers run as height 1). */
  protected window2d(): { kernel: [number, number]; strides: [number, number]; dilation: [number, number] } {
    const two = (v: number[]): [number, number] => (this.rank === 1 ? [1, v[0]] : [v[0], v[1]]);
    return { kernel: two(this.kernelSize), strides: two(this.strides), dilation: two(this.dilationRate) };
  }

  call(inputs: LayerInput): Tensor {
    const x = toNHWC(toLayerDtype(singleInput(this, inputs), this.dtype), this.rank, this.dataFormat);
    const kernel = this.rank === 1 ? this.kernel!.value.reshape([1, ...this.kernel!.shape]) : this.kernel!.value;
    const fused = this.activation.fused;
    const y = conv2d(x, kernel, this.bias ? this.bias.value : null, {
      ...this.window2d(), padding: this.padding, groups: this.groups, activation: fused?.op ?? 'linear', alpha: fused?.alpha,
    });
    const out = fromNHWC(fused ? y : this.activation.fn(y), this.rank, this.dataFormat);
    if (this.activityRegularizer) this.activityLosses = [this.activityRegularizer.apply(out)];
    return out;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = spatialShape(this, inputShape, this.rank, this.dataFormat);
    const { spatial, make } = splitSpatial(shape, this.dataFormat);
    return make(spatial.map((d, i) => outputLength(d, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding)), this.filters);
  }

  override regularizationLosses(): Tensor[] {
    return [...super.regularizationLosses(), ...this.activityLosses];
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      groups: this.groups,
      activation: this.activation.name,
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(this.kernelInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      kernel_regularizer: serializeRegularizer(this.kernelRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: serializeRegularizer(this.activityRegularizer),
      kernel_constraint: serializeConstraint(this.kernelConstraint),
      bias_constraint: serializeConstraint(this.biasConstraint),
    };
  }

  /** Constructor arguments from a Keras config (Keras 2 files have no groups). */
  static convArgsFromConfig(config: Record<string, any>): ConvArgs {
    return {
      ...baseArgsFromConfig(config),
      strides: config.strides ?? 1,
      padding: config.padding ?? 'valid',
      dataFormat: config.data_format ?? 'channels_last',
      dilationRate: config.dilation_rate ?? 1,
      groups: config.groups ?? 1,
      activation: config.activation ?? 'linear',
      useBias: config.use_bias ?? true,
      kernelInitializer: config.kernel_initializer ?? undefined,
      biasInitializer: config.bias_initializer ?? undefined,
      kernelRegularizer: config.kernel_regularizer ?? null,
      biasRegularizer: config.bias_regularizer ?? null,
      activityRegularizer: config.activity_regularizer ?? null,
      kernelConstraint: config.kernel_constraint ?? null,
      biasConstraint: config.bias_constraint ?? null,
    };
  }
}

/**
 * 2-D convolution over channels-last images [batch, height, width, channels]; kernel [kh, kw, channels / groups, filters].
 * @example new layers.Conv2D(32, 3, { padding: 'same', activation: 'relu' })
 */
export class Conv2D extends BaseConv {
  static override readonly className: string = 'Conv2D';
  constructor(...a: ConvCtorArgs) {
    const { filters, kernelSize, args } = convCtorArgs(a);
    super(2, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, any>): Conv2D {
    return new Conv2D(config.filters, config.kernel_size, BaseConv.convArgsFromConfig(config));
  }
}

/**
 * 1-D convolution over sequences [batch, steps, channels]; kernel [k, channels / groups, filters]; padding may be 'causal'.
 * @example new layers.Conv1D(32, 3, { activation: 'relu' })
 */
export class Conv1D extends BaseConv {
  static override readonly className: string = 'Conv1D';
  constructor(...a: ConvCtorArgs) {
    const { filters, kernelSize, args } = convCtorArgs(a);
    super(1, filters, kernelSize, args);
  }

  static fromConfig(config: Record<string, any>): Conv1D {
    return new Conv1D(config.filters, config.kernel_size, BaseConv.convArgsFromConfig(config));
  }
}

// DepthwiseConv2D and SeparableConv2D (Keras 3): a grouped convolution with one group per input channel (+ 1x1).
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

export interface DepthwiseConv2DArgs extends LayerArgs {
  strides?: number | number[];
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat;
  dilationRate?: number | number[];
  /** Output channels per input channel (default 1). */
  depthMultiplier?: number;
  activation?: ActivationId;
  useBias?: boolean;
  depthwiseInitializer?: InitializerId;
  biasInitializer?: InitializerId;
  depthwiseRegularizer?: RegularizerId;
  biasRegularizer?: RegularizerId;
  activityRegularizer?: RegularizerId;
  depthwiseConstraint?: ConstraintId;
  biasConstraint?: ConstraintId;
}

export interface SeparableConv2DArgs extends DepthwiseConv2DArgs {
  pointwiseInitializer?: InitializerId;
  pointwiseRegularizer?: RegularizerId;
  pointwiseConstraint?: ConstraintId;
}

/** What DepthwiseConv2D and SeparableConv2D share: the depthwise window, its kernel, bias and activation. */
abstract class DepthwiseBase extends Layer {
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: Padding;
  readonly dataFormat: DataFormat;
  readonly dilationRate: number[];
  readonly depthMultiplier: number;
  readonly activation: ResolvedActivation;
  readonly useBias: boolean;
  readonly depthwiseInitializer: InitializerLike;
  readonly biasInitializer: InitializerLike;
  readonly depthwiseRegularizer: RegularizerLike | null;
  readonly biasRegularizer: RegularizerLike | null;
  readonly activityRegularizer: RegularizerLike | null;
  readonly depthwiseConstraint: ConstraintLike | null;
  readonly biasConstraint: ConstraintLike | null;
  depthwiseKernel: Variable | null = null;
  bias: Variable | null = null;
  activityLosses: Tensor[] = [];

  constructor(kernelSize: number | number[], args: DepthwiseConv2DArgs) {
    super(args);
    this.kernelSize = normalizeTuple(this, kernelSize, 2, 'kernelSize');
    this.strides = normalizeTuple(this, args.strides ?? 1, 2, 'strides');
    this.padding = normalizePadding(this, args.padding ?? 'valid', ['valid', 'same']);
    this.dataFormat = normalizeDataFormat(this, args.dataFormat);
    this.dilationRate = normalizeTuple(this, args.dilationRate ?? 1, 2, 'dilationRate');
    this.depthMultiplier = args.depthMultiplier ?? 1;
    if (!Number.isInteger(this.depthMultiplier) || this.depthMultiplier <= 0) {
      throw layerError(this, `expected depthMultiplier to be a positive integer, received ${String(args.depthMultiplier)}`);
    }
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw layerError(this, `strides > 1 cannot be combined with dilationRate > 1, received strides [${this.strides.join(', ')}] and dilationRate [${this.dilationRate.join(', ')}]`);
    }
    this.activation = getActivation(args.activation);
    this.useBias = args.useBias ?? true;
    this.depthwiseInitializer = getInitializer(args.depthwiseInitializer ?? 'glorot_uniform');
    this.biasInitializer = getInitializer(args.biasInitializer ?? 'zeros');
    this.depthwiseRegularizer = getRegularizer(args.depthwiseRegularizer);
    this.biasRegularizer = getRegularizer(args.biasRegularizer);
    this.activityRegularizer = getRegularizer(args.activityRegularizer);
    this.depthwiseConstraint = getConstraint(args.depthwiseConstraint);
    this.biasConstraint = getConstraint(args.biasConstraint);
  }

  protected channels(inputShape: SymbolicShape | SymbolicShape[]): number {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const c = channelsOf(shape, this.dataFormat);
    if (c === null || c === undefined) throw layerError(this, `the channel dimension of the input must be known, received shape ${shapeString(shape)}`);
    return c;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const c = channelsOf(shape, this.dataFormat);
    if (this.depthwiseKernel && c !== this.depthwiseKernel.shape[2]) {
      throw layerError(this, `expected input with ${this.depthwiseKernel.shape[2]} channels, received shape ${shapeString(shape)}`);
    }
    const { spatial } = splitSpatial(shape, this.dataFormat);
    if (spatial.some((d, i) => d !== null && outputLength(d, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding)! <= 0)) {
      throw layerError(this, `a kernel of size [${this.kernelSize.join(', ')}] does not fit input of shape ${shapeString(shape)} with '${this.padding}' padding`);
    }
  }

  protected buildDepthwise(c: number): void {
    this.depthwiseKernel = this.addWeight({
      name: 'depthwise_kernel', shape: [...this.kernelSize, c, this.depthMultiplier], initializer: this.depthwiseInitializer,
      regularizer: this.depthwiseRegularizer, constraint: this.depthwiseConstraint,
    });
  }

  protected buildBias(units: number): void {
    if (this.useBias) {
      this.bias = this.addWeight({ name: 'bias', shape: [units], initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
  }

  /** The depthwise convolution of a channels-last x: a grouped conv2d with kernel [kh, kw, 1, c * depthMultiplier]. */
  protected depthwise(x: Tensor, bias: Tensor | null): Tensor {
    const [kh, kw, c, dm] = this.depthwiseKernel!.shape;
    const kernel = this.depthwiseKernel!.value.reshape([kh, kw, 1, c * dm]);
    return conv2d(x, kernel, bias, {
      kernel: [kh, kw], strides: [this.strides[0], this.strides[1]], dilation: [this.dilationRate[0], this.dilationRate[1]],
      padding: this.padding, groups: c,
    });
  }

  protected finish(y: Tensor): Tensor {
    const out = fromNHWC(this.activation.fn(y), 2, this.dataFormat);
    if (this.activityRegularizer) this.activityLosses = [this.activityRegularizer.apply(out)];
    return out;
  }

  protected outShape(inputShape: SymbolicShape | SymbolicShape[], channels: number | null): SymbolicShape {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const { spatial, make } = splitSpatial(shape, this.dataFormat);
    return make(spatial.map((d, i) => outputLength(d, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding)), channels);
  }

  override regularizationLosses(): Tensor[] {
    return [...super.regularizationLosses(), ...this.activityLosses];
  }

  protected depthwiseConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      data_format: this.dataFormat,
      dilation_rate: [...this.dilationRate],
      depth_multiplier: this.depthMultiplier,
      activation: this.activation.name,
      use_bias: this.useBias,
      depthwise_initializer: serializeInitializer(this.depthwiseInitializer),
      bias_initializer: serializeInitializer(this.biasInitializer),
      depthwise_regularizer: serializeRegularizer(this.depthwiseRegularizer),
      bias_regularizer: serializeRegularizer(this.biasRegularizer),
      activity_regularizer: serializeRegularizer(this.activityRegularizer),
      depthwise_constraint: serializeConstraint(this.depthwiseConstraint),
      bias_constraint: serializeConstraint(this.biasConstraint),
    };
  }

  static depthwiseArgsFromConfig(c: Record<string, any>): DepthwiseConv2DArgs {
    return {
      ...baseArgsFromConfig(c),
      strides: c.strides ?? 1,
      padding: c.padding ?? 'valid',
      dataFormat: c.data_format ?? 'channels_last',
      dilationRate: c.dilation_rate ?? 1,
      depthMultiplier: c.depth_multiplier ?? 1,
      activation: c.activation ?? 'linear',
      useBias: c.use_bias ?? true,
      depthwiseInitializer: c.depthwise_initializer ?? undefined,
      biasInitializer: c.bias_initializer ?? undefined,
      depthwiseRegularizer: c.depthwise_regularizer ?? null,
      biasRegularizer: c.bias_regularizer ?? null,
      activityRegularizer: c.activity_regularizer ?? null,
      depthwiseConstraint: c.depthwise_constraint ?? null,
      biasConstraint: c.bias_constraint ?? null,
    };
  }
}

/**
 * Depthwise 2-D convolution: each input channel convolved with its own depthMultiplier filters; kernel
 * [kh, kw, channels, depthMultiplier], output channel c * depthMultiplier + m.
 * @example new layers.DepthwiseConv2D(3, { padding: 'same', depthMultiplier: 2 })
 */
export class DepthwiseConv2D extends DepthwiseBase {
  static override readonly className: string = 'DepthwiseConv2D';

  constructor(kernelSize: number | number[] | (DepthwiseConv2DArgs & { kernelSize: number | number[] }), args: DepthwiseConv2DArgs = {}) {
    const opts = typeof kernelSize === 'object' && !Array.isArray(kernelSize) ? kernelSize : { ...args, kernelSize };
    super(opts.kernelSize, opts);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const c = this.channels(inputShape);
    this.buildDepthwise(c);
    this.buildBias(c * this.depthMultiplier);
    super.build(inputShape);
  }

  call(inputs: LayerInput): Tensor {
    const x = toNHWC(toLayerDtype(singleInput(this, inputs), this.dtype), 2, this.dataFormat);
    return this.finish(this.depthwise(x, this.bias ? this.bias.value : null));
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const c = channelsOf(spatialShape(this, inputShape, 2, this.dataFormat), this.dataFormat);
    return this.outShape(inputShape, c === null ? null : c * this.depthMultiplier);
  }

  override getConfig(): Record<string, unknown> {
    return this.depthwiseConfig();
  }

  static fromConfig(config: Record<string, any>): DepthwiseConv2D {
    return new DepthwiseConv2D(config.kernel_size, DepthwiseBase.depthwiseArgsFromConfig(config));
  }
}

/**
 * Depthwise then pointwise (1x1) convolution: kernels depthwise [kh, kw, channels, depthMultiplier] and pointwise
 * [1, 1, channels * depthMultiplier, filters], then bias and activation.
 * @example new layers.SeparableConv2D(64, 3, { padding: 'same', activation: 'relu' })
 */
export class SeparableConv2D extends DepthwiseBase {
  static override readonly className: string = 'SeparableConv2D';
  readonly filters: number;
  readonly pointwiseInitializer: InitializerLike;
  readonly pointwiseRegularizer: RegularizerLike | null;
  readonly pointwiseConstraint: ConstraintLike | null;
  pointwiseKernel: Variable | null = null;

  constructor(filters: number | (SeparableConv2DArgs & { filters: number; kernelSize: number | number[] }), kernelSize?: number | number[], args: SeparableConv2DArgs = {}) {
    const opts = typeof filters === 'object' ? filters : { ...args, filters, kernelSize: kernelSize! };
    super(opts.kernelSize, opts);
    if (!Number.isInteger(opts.filters) || opts.filters <= 0) throw layerError(this, `expected filters to be a positive integer, received ${String(opts.filters)}`);
    this.filters = opts.filters;
    this.pointwiseInitializer = getInitializer(opts.pointwiseInitializer ?? 'glorot_uniform');
    this.pointwiseRegularizer = getRegularizer(opts.pointwiseRegularizer);
    this.pointwiseConstraint = getConstraint(opts.pointwiseConstraint);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const c = this.channels(inputShape);
    this.buildDepthwise(c);
    this.pointwiseKernel = this.addWeight({
      name: 'pointwise_kernel', shape: [1, 1, c * this.depthMultiplier, this.filters], initializer: this.pointwiseInitializer,
      regularizer: this.pointwiseRegularizer, constraint: this.pointwiseConstraint,
    });
    this.buildBias(this.filters);
    super.build(inputShape);
  }

  call(inputs: LayerInput): Tensor {
    const x = toNHWC(toLayerDtype(singleInput(this, inputs), this.dtype), 2, this.dataFormat);
    const d = this.depthwise(x, null);
    const fused = this.activation.fused;
    const y = conv2d(d, this.pointwiseKernel!.value, this.bias ? this.bias.value : null, {
      kernel: [1, 1], strides: [1, 1], dilation: [1, 1], padding: 'valid', activation: fused?.op ?? 'linear', alpha: fused?.alpha,
    });
    return fused ? this.finishFused(y) : this.finish(y);
  }

  private finishFused(y: Tensor): Tensor {
    const out = fromNHWC(y, 2, this.dataFormat);
    if (this.activityRegularizer) this.activityLosses = [this.activityRegularizer.apply(out)];
    return out;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return this.outShape(inputShape, this.filters);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.depthwiseConfig(),
      filters: this.filters,
      pointwise_initializer: serializeInitializer(this.pointwiseInitializer),
      pointwise_regularizer: serializeRegularizer(this.pointwiseRegularizer),
      pointwise_constraint: serializeConstraint(this.pointwiseConstraint),
    };
  }

  static fromConfig(config: Record<string, any>): SeparableConv2D {
    return new SeparableConv2D(config.filters, config.kernel_size, {
      ...DepthwiseBase.depthwiseArgsFromConfig(config),
      pointwiseInitializer: config.pointwise_initializer ?? undefined,
      pointwiseRegularizer: config.pointwise_regularizer ?? null,
      pointwiseConstraint: config.pointwise_constraint ?? null,
    });
  }
}

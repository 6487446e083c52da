// Conv2DTranspose (Keras 3): the input gradient of Conv2D as a layer; kernel [kh, kw, filters, channels].
import type { Tensor } from '../tensor/tensor.js';
import { conv2dTranspose } from '../ops/conv.js';
import { transposedLength } from '../ops/conv_geometry.js';
import { layerError } from './layer.js';
import type { LayerInput } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { shapeString, singleInput, toLayerDtype } from './utils.js';
import { BaseConv, convCtorArgs, type ConvArgs, type ConvCtorArgs } from './convolutional.js';
import { channelsOf, fromNHWC, normalizeTuple, spatialShape, splitSpatial, toNHWC } from './conv_utils.js';

export interface Conv2DTransposeArgs extends ConvArgs {
  /** Extra rows/columns at the end of the output (each < its stride); null: Keras' default output size. */
  outputPadding?: number | number[] | null;
}

/**
 * Transposed 2-D convolution ("deconvolution"): output height in * stride ('same') or in * stride + max(k - stride, 0)
 * ('valid'); the crop of 'same' follows TensorFlow (the odd pixel comes off the bottom/right).
 * @example new layers.Conv2DTranspose(64, 5, { strides: 2, padding: 'same', activation: 'selu' })
 */
export class Conv2DTranspose extends BaseConv {
  static override readonly className: string = 'Conv2DTranspose';
  readonly outputPadding: number[] | null;

  constructor(...a: [filters: number, kernelSize: number | number[], args?: Conv2DTransposeArgs] | [Conv2DTransposeArgs & { filters: number; kernelSize: number | number[] }]) {
    const { filters, kernelSize, args } = convCtorArgs(a as ConvCtorArgs);
    super(2, filters, kernelSize, args);
    if (this.groups !== 1) throw layerError(this, `groups is not supported by transposed convolutions, received ${this.groups}`);
    const op = (args as Conv2DTransposeArgs).outputPadding;
    this.outputPadding = op === undefined || op === null ? null : normalizeTuple(this, op, 2, 'outputPadding', true);
    if (this.outputPadding && this.outputPadding.some((p, i) => p >= this.strides[i])) {
      throw layerError(this, `expected outputPadding smaller than strides [${this.strides.join(', ')}], received [${this.outputPadding.join(', ')}]`);
    }
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const c = channelsOf(shape, this.dataFormat);
    if (this.kernel && c !== this.kernel.shape[3]) {
      throw layerError(this, `expected input with ${this.kernel.shape[3]} channels, received shape ${shapeString(shape)}`);
    }
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const c = this.inputChannels(inputShape);
    this.kernel = this.addWeight({
      name: 'kernel', shape: [...this.kernelSize, this.filters, c], initializer: this.kernelInitializer,
      regularizer: this.kernelRegularizer, constraint: this.kernelConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight({ name: 'bias', shape: [this.filters], initializer: this.biasInitializer, regularizer: this.biasRegularizer, constraint: this.biasConstraint });
    }
    this.built = true;
  }

  private outLength(length: number | null, i: number): number | null {
    if (length === null) return null;
    return transposedLength(length, this.kernelSize[i], this.strides[i], this.dilationRate[i], this.padding as 'valid' | 'same', this.outputPadding ? this.outputPadding[i] : null);
  }

  override call(inputs: LayerInput): Tensor {
    const x = toNHWC(toLayerDtype(singleInput(this, inputs), this.dtype), 2, this.dataFormat);
    const outputSize: [number, number] = [this.outLength(x.shape[1], 0)!, this.outLength(x.shape[2], 1)!];
    const y = conv2dTranspose(x, this.kernel!.value, this.bias ? this.bias.value : null, {
      ...this.window2d(), padding: this.padding as 'valid' | 'same', outputSize,
    });
    const out = fromNHWC(this.activation.fn(y), 2, this.dataFormat);
    if (this.activityRegularizer) this.activityLosses = [this.activityRegularizer.apply(out)];
    return out;
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const { spatial, make } = splitSpatial(shape, this.dataFormat);
    return make(spatial.map((d, i) => this.outLength(d, i)), this.filters);
  }

  override getConfig(): Record<string, unknown> {
    const { groups: _groups, ...config } = super.getConfig();
    return { ...config, output_padding: this.outputPadding ? [...this.outputPadding] : null };
  }

  static fromConfig(config: Record<string, any>): Conv2DTranspose {
    return new Conv2DTranspose(config.filters, config.kernel_size, { ...BaseConv.convArgsFromConfig(config), outputPadding: config.output_padding ?? null });
  }
}

// SpatialDropout2D (Keras 3): Dropout of whole feature maps (one mask value per sample and channel).
import type { Tensor } from '../tensor/tensor.js';
import { randomUniform, zerosLike } from '../tensor/creation.js';
import { greaterEqual, mul, where } from '../ops/arithmetic.js';
import { Dropout, type DropoutArgs } from './regularization.js';
import type { CallOptions, LayerInput } from './layer.js';
import { baseArgsFromConfig, singleInput } from './utils.js';
import { normalizeDataFormat, spatialShape, type DataFormat } from './conv_utils.js';
import type { SymbolicShape } from './symbolic.js';

export interface SpatialDropout2DArgs extends Omit<DropoutArgs, 'noiseShape'> {
  dataFormat?: DataFormat;
}

/**
 * In training, zeroes whole channels of [batch, h, w, c] with probability `rate` and scales the rest by 1/(1-rate).
 * @example new layers.SpatialDropout2D({ rate: 0.2 })
 */
export class SpatialDropout2D extends Dropout {
  static override readonly className: string = 'SpatialDropout2D';
  readonly dataFormat: DataFormat;

  constructor(args: SpatialDropout2DArgs | number) {
    const a = typeof args === 'number' ? { rate: args } : args;
    super({ ...a, noiseShape: null });
    this.dataFormat = normalizeDataFormat(this, a.dataFormat);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    spatialShape(this, inputShape, 2, this.dataFormat);
  }

  override call(inputs: LayerInput, options: CallOptions): Tensor {
    const x = singleInput(this, inputs);
    if (!options.training || this.rate === 0) return x;
    if (this.rate === 1) return zerosLike(x);
    const [n, a, , c] = x.shape;
    const shape = this.dataFormat === 'channels_last' ? [n, 1, 1, c] : [n, a, 1, 1];
    const u = randomUniform(shape, { seed: this.seeds.next(), dtype: x.dtype });
    return where(greaterEqual(u, this.rate), mul(x, 1 / (1 - this.rate)), 0);
  }

  override getConfig(): Record<string, unknown> {
    const { noise_shape: _n, ...rest } = super.getConfig();
    return { ...rest, data_format: this.dataFormat };
  }

  static override fromConfig(config: Record<string, any>): SpatialDropout2D {
    return new SpatialDropout2D({ ...baseArgsFromConfig(config), rate: config.rate, seed: config.seed ?? null, dataFormat: config.data_format ?? 'channels_last' });
  }
}

// Rescaling (Keras 3 preprocessing layer): y = x * scale + offset, inputs cast to the layer's float dtype.
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/arithmetic.js';
import { Layer, layerError, type LayerArgs, type LayerInput } from './layer.js';
import { baseArgsFromConfig, singleInput, toLayerDtype } from './utils.js';

export interface RescalingArgs extends LayerArgs {
  scale: number;
  offset?: number;
}

/**
 * Multiplies by `scale` and adds `offset`, e.g. pixels in [0, 255] to [0, 1].
 * @example new layers.Rescaling(1 / 255)
 */
export class Rescaling extends Layer {
  static override readonly className: string = 'Rescaling';
  readonly scale: number;
  readonly offset: number;

  constructor(scale: number | RescalingArgs, args: Omit<RescalingArgs, 'scale'> = {}) {
    const opts = typeof scale === 'number' ? { ...args, scale } : scale;
    super(opts);
    if (typeof opts.scale !== 'number' || !Number.isFinite(opts.scale)) throw layerError(this, `expected a finite number scale, received ${JSON.stringify(opts.scale)}`);
    const offset = opts.offset ?? 0;
    if (typeof offset !== 'number' || !Number.isFinite(offset)) throw layerError(this, `expected a finite number offset, received ${JSON.stringify(offset)}`);
    this.scale = opts.scale;
    this.offset = offset;
  }

  call(inputs: LayerInput): Tensor {
    const x = toLayerDtype(singleInput(this, inputs), this.dtype);
    const y = mul(x, this.scale);
    return this.offset === 0 ? y : add(y, this.offset);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale, offset: this.offset };
  }

  static fromConfig(config: Record<string, any>): Rescaling {
    return new Rescaling({ ...baseArgsFromConfig(config), scale: config.scale, offset: config.offset ?? 0 });
  }
}

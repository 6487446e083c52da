// Rescaling (Keras 3 preprocessing layer): y = x * scale + offset, inputs cast to the layer's float dtype.
import type { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/arithmetic.js';
import { tensor } from '../tensor/creation.js';
import { Layer, layerError, type LayerArgs, type LayerInput } from './layer.js';
import { baseArgsFromConfig, singleInput, toLayerDtype } from './utils.js';

/** A number, or one number per channel (last axis), as Keras 3 allows. */
export type RescaleValue = number | number[];

export interface RescalingArgs extends LayerArgs {
  scale: RescaleValue;
  offset?: RescaleValue;
}

function checkValue(v: unknown): v is RescaleValue {
  const finite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  return finite(v) || (Array.isArray(v) && v.length > 0 && v.every(finite));
}

/**
 * Multiplies by `scale` and adds `offset`, e.g. pixels in [0, 255] to [0, 1].
 * @example new layers.Rescaling(1 / 255)
 */
export class Rescaling extends Layer {
  static override readonly className: string = 'Rescaling';
  readonly scale: RescaleValue;
  readonly offset: RescaleValue;

  constructor(scale: RescaleValue | RescalingArgs, args: Omit<RescalingArgs, 'scale'> = {}) {
    const opts = typeof scale === 'number' || Array.isArray(scale) ? { ...args, scale } : scale;
    super(opts);
    const offset = opts.offset ?? 0;
    for (const [name, v] of [['scale', opts.scale], ['offset', offset]] as const) {
      if (!checkValue(v)) throw layerError(this, `expected ${name} to be a finite number or a list of them (one per channel), received ${JSON.stringify(v)}`);
    }
    this.scale = Array.isArray(opts.scale) ? [...opts.scale] : opts.scale;
    this.offset = Array.isArray(offset) ? [...offset] : offset;
  }

  private operand(v: RescaleValue): number | Tensor {
    return typeof v === 'number' ? v : tensor(v, [v.length], this.dtype);
  }

  call(inputs: LayerInput): Tensor {
    const x = toLayerDtype(singleInput(this, inputs), this.dtype);
    for (const v of [this.scale, this.offset]) {
      if (Array.isArray(v) && v.length !== 1 && v.length !== x.shape[x.rank - 1]) {
        throw layerError(this, `expected input with ${v.length} channels (last dimension) for per-channel scale/offset, received shape [${x.shape.join(', ')}]`);
      }
    }
    const y = mul(x, this.operand(this.scale));
    return this.offset === 0 ? y : add(y, this.operand(this.offset));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: Array.isArray(this.scale) ? [...this.scale] : this.scale, offset: Array.isArray(this.offset) ? [...this.offset] : this.offset };
  }

  static fromConfig(config: Record<string, any>): Rescaling {
    return new Rescaling({ ...baseArgsFromConfig(config), scale: config.scale, offset: config.offset ?? 0 });
  }
}

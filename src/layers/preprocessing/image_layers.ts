// Resizing, CenterCrop and RandomCrop (Keras 3, TensorFlow-backend formulas; channels-last images).
import type { Tensor } from '../../tensor/tensor.js';
import { Generator } from '../../random/rng.js';
import { castTo } from '../../ops/layout.js';
import { Layer, layerError, type CallOptions, type LayerArgs, type LayerInput } from '../layer.js';
import type { SymbolicShape } from '../symbolic.js';
import { SeedStream, baseArgsFromConfig, singleInput, singleShape } from '../utils.js';
import { cropImage, imageDims, resizeCroppedToAspect, resizeImage, resizePaddedToAspect, type Interpolation } from './image_ops.js';

/** Float32 images, checked channels-last rank 3 or 4. */
export function imagesOf(layer: Layer, inputs: LayerInput): Tensor {
  const x = singleInput(layer, inputs);
  if (x.rank !== 3 && x.rank !== 4) throw layerError(layer, `expected images of shape [batch, height, width, channels] or [height, width, channels], received shape [${x.shape.join(', ')}]`);
  return x.dtype === 'float32' ? x : castTo(x, 'float32');
}

export function checkInterpolation(layer: Layer, v: string | undefined): Interpolation {
  const i = v ?? 'bilinear';
  if (i !== 'bilinear' && i !== 'nearest') throw layerError(layer, `interpolation must be 'bilinear' or 'nearest' (others are not implemented), received '${i}'`);
  return i;
}

export function checkDataFormat(layer: Layer, v: string | undefined | null): void {
  if (v && v !== 'channels_last') throw layerError(layer, `only data_format 'channels_last' is supported, received '${v}'`);
}

/** Output shape with the image's height and width replaced. */
function withSize(layer: Layer, inputShape: SymbolicShape | SymbolicShape[], height: number, width: number): SymbolicShape {
  const s = singleShape(layer, inputShape);
  return s.length === 4 ? [s[0], height, width, s[3]] : [height, width, s[2]];
}

function positive(layer: Layer, v: number, what: string): number {
  if (!Number.isInteger(v) || v < 1) throw layerError(layer, `${what} must be a positive integer, received ${v}`);
  return v;
}

export interface ResizingArgs extends LayerArgs {
  height: number;
  width: number;
  interpolation?: Interpolation;
  cropToAspectRatio?: boolean;
  padToAspectRatio?: boolean;
  fillMode?: 'constant';
  fillValue?: number;
  dataFormat?: string;
}

/** Resizes images to height x width (tf.image.resize: half-pixel centers, no antialiasing). */
export class Resizing extends Layer {
  static override readonly className = 'Resizing';
  readonly height: number;
  readonly width: number;
  readonly interpolation: Interpolation;
  readonly cropToAspectRatio: boolean;
  readonly padToAspectRatio: boolean;
  readonly fillValue: number;

  constructor(args: ResizingArgs) {
    super(args);
    this.height = positive(this, args.height, 'height');
    this.width = positive(this, args.width, 'width');
    this.interpolation = checkInterpolation(this, args.interpolation);
    this.cropToAspectRatio = args.cropToAspectRatio ?? false;
    this.padToAspectRatio = args.padToAspectRatio ?? false;
    if (this.cropToAspectRatio && this.padToAspectRatio) throw layerError(this, 'cropToAspectRatio and padToAspectRatio are exclusive');
    this.fillValue = args.fillValue ?? 0;
    checkDataFormat(this, args.dataFormat);
  }

  call(inputs: LayerInput, _options: CallOptions): Tensor {
    const x = imagesOf(this, inputs);
    if (this.cropToAspectRatio) return resizeCroppedToAspect(x, this.height, this.width, this.interpolation);
    if (this.padToAspectRatio) return resizePaddedToAspect(x, this.height, this.width, this.interpolation, this.fillValue);
    return resizeImage(x, this.height, this.width, this.interpolation);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return withSize(this, inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), height: this.height, width: this.width, interpolation: this.interpolation,
      crop_to_aspect_ratio: this.cropToAspectRatio, pad_to_aspect_ratio: this.padToAspectRatio,
      fill_mode: 'constant', fill_value: this.fillValue, data_format: 'channels_last',
    };
  }

  static fromConfig(c: Record<string, any>): Resizing {
    return new Resizing({
      ...baseArgsFromConfig(c), height: c.height, width: c.width, interpolation: c.interpolation,
      cropToAspectRatio: c.crop_to_aspect_ratio ?? false, padToAspectRatio: c.pad_to_aspect_ratio ?? false,
      fillValue: c.fill_value ?? 0, dataFormat: c.data_format ?? undefined,
    });
  }
}

export interface CropArgs extends LayerArgs {
  height: number;
  width: number;
  seed?: number | null;
  dataFormat?: string;
}

/** The central height x width window; smaller images are resized (cropped to the aspect ratio first), as Keras. */
export class CenterCrop extends Layer {
  static override readonly className: string = 'CenterCrop';
  readonly height: number;
  readonly width: number;

  constructor(args: CropArgs) {
    super(args);
    this.height = positive(this, args.height, 'height');
    this.width = positive(this, args.width, 'width');
    checkDataFormat(this, args.dataFormat);
  }

  call(inputs: LayerInput, _options: CallOptions): Tensor {
    const x = imagesOf(this, inputs);
    const { h, w } = imageDims(x, this.name);
    if (h >= this.height && w >= this.width) return cropImage(x, Math.trunc((h - this.height) / 2), Math.trunc((w - this.width) / 2), this.height, this.width);
    return resizeCroppedToAspect(x, this.height, this.width, 'bilinear');
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    return withSize(this, inputShape, this.height, this.width);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height: this.height, width: this.width, data_format: 'channels_last' };
  }

  static fromConfig(c: Record<string, any>): CenterCrop {
    return new this({ ...baseArgsFromConfig(c), height: c.height, width: c.width, seed: c.seed ?? null, dataFormat: c.data_format ?? undefined });
  }
}

/**
 * In training, a random height x width window (one offset per batch, as Keras 3) of images larger than it;
 * otherwise the centred window with the target's aspect ratio, resized.
 */
export class RandomCrop extends CenterCrop {
  static override readonly className = 'RandomCrop';
  readonly seed: number | null;
  private readonly seeds: SeedStream;

  constructor(args: CropArgs) {
    super(args);
    this.seed = args.seed ?? null;
    this.seeds = new SeedStream(this.seed);
  }

  override call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = imagesOf(this, inputs);
    const { h, w } = imageDims(x, this.name);
    if (training && h > this.height && w > this.width) {
      const g = new Generator(this.seeds.next());
      const top = Math.floor(g.uniform() * (h - this.height + 1));
      const left = Math.floor(g.uniform() * (w - this.width + 1));
      return cropImage(x, top, left, this.height, this.width);
    }
    return resizeCroppedToAspect(x, this.height, this.width, 'bilinear');
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed };
  }
}

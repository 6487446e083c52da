// Spatial reshaping layers (Keras 3): ZeroPadding2D, Cropping2D, UpSampling2D (nearest, bilinear).
import type { Tensor } from '../tensor/tensor.js';
import { pad, slice } from '../ops/layout.js';
import { upsampleBilinear, upsampleNearest } from '../ops/pool.js';
import { Layer, layerError, type LayerArgs, type LayerInput } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { baseArgsFromConfig, shapeString, singleInput } from './utils.js';
import { fromNHWC, normalizeDataFormat, normalizeTuple, spatialShape, splitSpatial, toNHWC, type DataFormat } from './conv_utils.js';

type Pairs = [[number, number], [number, number]];

/** Keras' padding/cropping argument: n (all sides), [h, w] (symmetric) or [[top, bottom], [left, right]]. */
function normalizePairs(layer: Layer, value: unknown, name: string): Pairs {
  if (Array.isArray(value) && value.length === 2 && value.every(Array.isArray)) {
    const [h, w] = value as unknown[];
    return [normalizeTuple(layer, h, 2, name, true) as [number, number], normalizeTuple(layer, w, 2, name, true) as [number, number]];
  }
  const [h, w] = normalizeTuple(layer, value, 2, name, true);
  return [[h, h], [w, w]];
}

export interface ZeroPadding2DArgs extends LayerArgs {
  /** n, [h, w] or [[top, bottom], [left, right]] (default 1). */
  padding?: number | number[] | number[][];
  dataFormat?: DataFormat;
}

/**
 * Adds rows and columns of zeros around each image.
 * @example new layers.ZeroPadding2D({ padding: [[1, 0], [1, 0]] })
 */
export class ZeroPadding2D extends Layer {
  static override readonly className: string = 'ZeroPadding2D';
  readonly padding: Pairs;
  readonly dataFormat: DataFormat;

  constructor(args: ZeroPadding2DArgs = {}) {
    super(args);
    this.padding = normalizePairs(this, args.padding ?? 1, 'padding');
    this.dataFormat = normalizeDataFormat(this, args.dataFormat);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    spatialShape(this, inputShape, 2, this.dataFormat);
  }

  call(inputs: LayerInput): Tensor {
    const x = toNHWC(singleInput(this, inputs), 2, this.dataFormat);
    return fromNHWC(pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]), 2, this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const { spatial, make } = splitSpatial(shape, this.dataFormat);
    const c = this.dataFormat === 'channels_last' ? shape[3] : shape[1];
    return make(spatial.map((d, i) => (d === null ? null : d + this.padding[i][0] + this.padding[i][1])), c);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), padding: this.padding.map((p) => [...p]), data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, any>): ZeroPadding2D {
    return new ZeroPadding2D({ ...baseArgsFromConfig(config), padding: config.padding ?? 1, dataFormat: config.data_format ?? 'channels_last' });
  }
}

export interface Cropping2DArgs extends LayerArgs {
  /** n, [h, w] or [[top, bottom], [left, right]] (default 0). */
  cropping?: number | number[] | number[][];
  dataFormat?: DataFormat;
}

/**
 * Removes rows and columns at the edges of each image.
 * @example new layers.Cropping2D({ cropping: [[2, 2], [4, 4]] })
 */
export class Cropping2D extends Layer {
  static override readonly className: string = 'Cropping2D';
  readonly cropping: Pairs;
  readonly dataFormat: DataFormat;

  constructor(args: Cropping2DArgs = {}) {
    super(args);
    this.cropping = normalizePairs(this, args.cropping ?? 0, 'cropping');
    this.dataFormat = normalizeDataFormat(this, args.dataFormat);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const { spatial } = splitSpatial(shape, this.dataFormat);
    if (spatial.some((d, i) => d !== null && d - this.cropping[i][0] - this.cropping[i][1] <= 0)) {
      throw layerError(this, `cropping [${this.cropping.map((p) => `[${p.join(', ')}]`).join(', ')}] leaves nothing of input shape ${shapeString(shape)}`);
    }
  }

  call(inputs: LayerInput): Tensor {
    const x = toNHWC(singleInput(this, inputs), 2, this.dataFormat);
    const [[t, b], [l, r]] = this.cropping;
    const [n, h, w, c] = x.shape;
    return fromNHWC(slice(x, [0, t, l, 0], [n, h - t - b, w - l - r, c]), 2, this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const { spatial, make } = splitSpatial(shape, this.dataFormat);
    const c = this.dataFormat === 'channels_last' ? shape[3] : shape[1];
    return make(spatial.map((d, i) => (d === null ? null : d - this.cropping[i][0] - this.cropping[i][1])), c);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cropping: this.cropping.map((p) => [...p]), data_format: this.dataFormat };
  }

  static fromConfig(config: Record<string, any>): Cropping2D {
    return new Cropping2D({ ...baseArgsFromConfig(config), cropping: config.cropping ?? 0, dataFormat: config.data_format ?? 'channels_last' });
  }
}

export interface UpSampling2DArgs extends LayerArgs {
  /** Whole upsampling factors n or [h, w] (default 2). */
  size?: number | number[];
  dataFormat?: DataFormat;
  /** 'nearest' (repeat each pixel, default) or 'bilinear' (half-pixel centers, as tf.image.resize). */
  interpolation?: 'nearest' | 'bilinear';
}

/**
 * Repeats (nearest) or interpolates (bilinear) rows and columns by whole factors.
 * @example new layers.UpSampling2D({ size: 2, interpolation: 'bilinear' })
 */
export class UpSampling2D extends Layer {
  static override readonly className: string = 'UpSampling2D';
  readonly size: number[];
  readonly dataFormat: DataFormat;
  readonly interpolation: 'nearest' | 'bilinear';

  constructor(args: UpSampling2DArgs = {}) {
    super(args);
    this.size = normalizeTuple(this, args.size ?? 2, 2, 'size');
    this.dataFormat = normalizeDataFormat(this, args.dataFormat);
    const interp = args.interpolation ?? 'nearest';
    if (interp !== 'nearest' && interp !== 'bilinear') throw layerError(this, `expected interpolation 'nearest' or 'bilinear', received ${JSON.stringify(interp)}`);
    this.interpolation = interp;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    spatialShape(this, inputShape, 2, this.dataFormat);
  }

  call(inputs: LayerInput): Tensor {
    const x = toNHWC(singleInput(this, inputs), 2, this.dataFormat);
    const size: [number, number] = [this.size[0], this.size[1]];
    return fromNHWC(this.interpolation === 'nearest' ? upsampleNearest(x, size) : upsampleBilinear(x, size), 2, this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = spatialShape(this, inputShape, 2, this.dataFormat);
    const { spatial, make } = splitSpatial(shape, this.dataFormat);
    const c = this.dataFormat === 'channels_last' ? shape[3] : shape[1];
    return make(spatial.map((d, i) => (d === null ? null : d * this.size[i])), c);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), size: [...this.size], data_format: this.dataFormat, interpolation: this.interpolation };
  }

  static fromConfig(config: Record<string, any>): UpSampling2D {
    return new UpSampling2D({
      ...baseArgsFromConfig(config), size: config.size ?? 2, dataFormat: config.data_format ?? 'channels_last', interpolation: config.interpolation ?? 'nearest',
    });
  }
}

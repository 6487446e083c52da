// Pooling layers (Keras 3): MaxPooling1D/2D, AveragePooling1D/2D and the global poolings over the spatial axes.
import type { Tensor } from '../tensor/tensor.js';
import type { PoolKind } from '../backend/backend.js';
import { pool2d } from '../ops/pool.js';
import { max, mean } from '../ops/reduce.js';
import { Layer, layerError, type LayerArgs, type LayerInput } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { baseArgsFromConfig, shapeString, singleInput } from './utils.js';
import {
  fromNHWC, normalizeDataFormat, normalizePadding, normalizeTuple, outputLength, spatialShape, splitSpatial, toNHWC, type DataFormat,
} from './conv_utils.js';

export interface PoolingArgs extends LayerArgs {
  /** Window size (default 2). */
  poolSize?: number | number[];
  /** Default: poolSize. */
  strides?: number | number[] | null;
  padding?: 'valid' | 'same';
  dataFormat?: DataFormat;
}

/** Max or average pooling over 1 or 2 spatial axes (Keras BasePooling). */
abstract class Pooling extends Layer {
  abstract readonly kind: PoolKind;
  readonly rank: 1 | 2;
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';
  readonly dataFormat: DataFormat;

  constructor(rank: 1 | 2, arg: number | number[] | PoolingArgs | undefined) {
    const args: PoolingArgs = typeof arg === 'number' || Array.isArray(arg) ? { poolSize: arg } : arg ?? {};
    super(args);
    this.rank = rank;
    this.poolSize = normalizeTuple(this, args.poolSize ?? 2, rank, 'poolSize');
    this.strides = normalizeTuple(this, args.strides ?? this.poolSize, rank, 'strides');
    this.padding = normalizePadding(this, args.padding ?? 'valid', ['valid', 'same']) as 'valid' | 'same';
    this.dataFormat = normalizeDataFormat(this, args.dataFormat);
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = spatialShape(this, inputShape, this.rank, this.dataFormat);
    const out = splitSpatial(this.computeOutputShape(shape), this.dataFormat).spatial;
    if (out.some((d) => d !== null && d <= 0)) {
      throw layerError(this, `a pool of size [${this.poolSize.join(', ')}] does not fit input of shape ${shapeString(shape)} with '${this.padding}' padding`);
    }
  }

  call(inputs: LayerInput): Tensor {
    const x = toNHWC(singleInput(this, inputs), this.rank, this.dataFormat);
    const two = (v: number[]): [number, number] => (this.rank === 1 ? [1, v[0]] : [v[0], v[1]]);
    return fromNHWC(pool2d(x, this.kind, { poolSize: two(this.poolSize), strides: two(this.strides), padding: this.padding }), this.rank, this.dataFormat);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = spatialShape(this, inputShape, this.rank, this.dataFormat);
    const { spatial, make } = splitSpatial(shape, this.dataFormat);
    const channels = this.dataFormat === 'channels_last' ? shape[shape.length - 1] : shape[1];
    return make(spatial.map((d, i) => outputLength(d, this.poolSize[i], this.strides[i], 1, this.padding)), channels);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), pool_size: [...this.poolSize], padding: this.padding, strides: [...this.strides], data_format: this.dataFormat };
  }

  static poolingArgsFromConfig(c: Record<string, any>): PoolingArgs {
    return { ...baseArgsFromConfig(c), poolSize: c.pool_size ?? 2, strides: c.strides ?? null, padding: c.padding ?? 'valid', dataFormat: c.data_format ?? 'channels_last' };
  }
}

/**
 * Max over each window of [batch, height, width, channels]; 'same' leaves padded positions out (TensorFlow).
 * @example new layers.MaxPooling2D({ poolSize: 2 })
 */
export class MaxPooling2D extends Pooling {
  static override readonly className: string = 'MaxPooling2D';
  readonly kind = 'max' as const;
  constructor(args?: number | number[] | PoolingArgs) {
    super(2, args);
  }
  static fromConfig(config: Record<string, any>): MaxPooling2D {
    return new MaxPooling2D(Pooling.poolingArgsFromConfig(config));
  }
}

/**
 * Mean over each window of [batch, height, width, channels]; with 'same', padded positions are not counted (TensorFlow).
 * @example new layers.AveragePooling2D({ poolSize: 2 })
 */
export class AveragePooling2D extends Pooling {
  static override readonly className: string = 'AveragePooling2D';
  readonly kind = 'avg' as const;
  constructor(args?: number | number[] | PoolingArgs) {
    super(2, args);
  }
  static fromConfig(config: Record<string, any>): AveragePooling2D {
    return new AveragePooling2D(Pooling.poolingArgsFromConfig(config));
  }
}

/**
 * Max over windows of steps of [batch, steps, channels].
 * @example new layers.MaxPooling1D({ poolSize: 2 })
 */
export class MaxPooling1D extends Pooling {
  static override readonly className: string = 'MaxPooling1D';
  readonly kind = 'max' as const;
  constructor(args?: number | number[] | PoolingArgs) {
    super(1, args);
  }
  static fromConfig(config: Record<string, any>): MaxPooling1D {
    return new MaxPooling1D(Pooling.poolingArgsFromConfig(config));
  }
}

/**
 * Mean over windows of steps of [batch, steps, channels].
 * @example new layers.AveragePooling1D({ poolSize: 2 })
 */
export class AveragePooling1D extends Pooling {
  static override readonly className: string = 'AveragePooling1D';
  readonly kind = 'avg' as const;
  constructor(args?: number | number[] | PoolingArgs) {
    super(1, args);
  }
  static fromConfig(config: Record<string, any>): AveragePooling1D {
    return new AveragePooling1D(Pooling.poolingArgsFromConfig(config));
  }
}

export interface GlobalPoolingArgs extends LayerArgs {
  dataFormat?: DataFormat;
  /** Keep the spatial axes as size 1 (default false). */
  keepdims?: boolean;
}

/** Mean or max over every spatial axis (Keras BaseGlobalPooling). */
abstract class GlobalPooling extends Layer {
  abstract readonly kind: PoolKind;
  readonly rank: 1 | 2;
  readonly dataFormat: DataFormat;
  readonly keepdims: boolean;

  constructor(rank: 1 | 2, args: GlobalPoolingArgs = {}) {
    super(args);
    this.rank = rank;
    this.dataFormat = normalizeDataFormat(this, args.dataFormat);
    this.keepdims = args.keepdims ?? false;
  }

  private axes(): number[] {
    const first = this.dataFormat === 'channels_last' ? 1 : 2;
    return this.rank === 1 ? [first] : [first, first + 1];
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    spatialShape(this, inputShape, this.rank, this.dataFormat);
  }

  call(inputs: LayerInput): Tensor {
    const x = singleInput(this, inputs);
    return this.kind === 'avg' ? mean(x, this.axes(), this.keepdims) : max(x, this.axes(), this.keepdims);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape {
    const shape = spatialShape(this, inputShape, this.rank, this.dataFormat);
    const axes = this.axes();
    return this.keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), data_format: this.dataFormat, keepdims: this.keepdims };
  }

  static globalArgsFromConfig(c: Record<string, any>): GlobalPoolingArgs {
    return { ...baseArgsFromConfig(c), dataFormat: c.data_format ?? 'channels_last', keepdims: c.keepdims ?? false };
  }
}

/**
 * Mean over height and width: [batch, h, w, c] -> [batch, c].
 * @example new layers.GlobalAveragePooling2D()
 */
export class GlobalAveragePooling2D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling2D';
  readonly kind = 'avg' as const;
  constructor(args?: GlobalPoolingArgs) {
    super(2, args);
  }
  static fromConfig(config: Record<string, any>): GlobalAveragePooling2D {
    return new GlobalAveragePooling2D(GlobalPooling.globalArgsFromConfig(config));
  }
}

/**
 * Max over height and width: [batch, h, w, c] -> [batch, c].
 * @example new layers.GlobalMaxPooling2D()
 */
export class GlobalMaxPooling2D extends GlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling2D';
  readonly kind = 'max' as const;
  constructor(args?: GlobalPoolingArgs) {
    super(2, args);
  }
  static fromConfig(config: Record<string, any>): GlobalMaxPooling2D {
    return new GlobalMaxPooling2D(GlobalPooling.globalArgsFromConfig(config));
  }
}

/**
 * Mean over steps: [batch, steps, c] -> [batch, c].
 * @example new layers.GlobalAveragePooling1D()
 */
export class GlobalAveragePooling1D extends GlobalPooling {
  static override readonly className: string = 'GlobalAveragePooling1D';
  readonly kind = 'avg' as const;
  constructor(args?: GlobalPoolingArgs) {
    super(1, args);
  }
  static fromConfig(config: Record<string, any>): GlobalAveragePooling1D {
    return new GlobalAveragePooling1D(GlobalPooling.globalArgsFromConfig(config));
  }
}

/**
 * Max over steps: [batch, steps, c] -> [batch, c].
 * @example new layers.GlobalMaxPooling1D()
 */
export class GlobalMaxPooling1D extends GlobalPooling {
  static override readonly className: string = 'GlobalMaxPooling1D';
  readonly kind = 'max' as const;
  constructor(args?: GlobalPoolingArgs) {
    super(1, args);
  }
  static fromConfig(config: Record<string, any>): GlobalMaxPooling1D {
    return new GlobalMaxPooling1D(GlobalPooling.globalArgsFromConfig(config));
  }
}

// Helpers shared by the convolution, pooling and reshaping layers: tuple arguments, data formats, output lengths.
import type { Tensor } from '../tensor/tensor.js';
import { reshape, transpose } from '../ops/layout.js';
import { axisGeometry, type Padding } from '../ops/conv_geometry.js';
import { layerError, type Layer } from './layer.js';
import type { SymbolicShape } from './symbolic.js';
import { shapeString, singleShape } from './utils.js';

export type DataFormat = 'channels_last' | 'channels_first';

/** Keras' normalize_tuple: an integer or a list of `n` positive integers (`allowZero` for paddings and croppings). */
export function normalizeTuple(layer: Layer, value: unknown, n: number, name: string, allowZero = false): number[] {
  const list = typeof value === 'number' ? Array<number>(n).fill(value) : Array.isArray(value) ? [...value] : null;
  const ok = (d: unknown): boolean => typeof d === 'number' && Number.isInteger(d) && (allowZero ? d >= 0 : d > 0);
  if (!list || list.length !== n || !list.every(ok)) {
    throw layerError(layer, `expected ${name} to be ${allowZero ? 'a non-negative' : 'a positive'} integer or a list of ${n} of them, received ${JSON.stringify(value)}`);
  }
  return list as number[];
}

export function normalizePadding(layer: Layer, value: unknown, allowed: readonly Padding[]): Padding {
  const p = typeof value === 'string' ? value.toLowerCase() : value;
  if (!allowed.includes(p as Padding)) throw layerError(layer, `expected padding ${allowed.map((a) => `'${a}'`).join(' or ')}, received ${JSON.stringify(value)}`);
  return p as Padding;
}

export function normalizeDataFormat(layer: Layer, value: unknown): DataFormat {
  if (value === undefined || value === null) return 'channels_last';
  if (value !== 'channels_last' && value !== 'channels_first') {
    throw layerError(layer, `expected dataFormat 'channels_last' or 'channels_first', received ${JSON.stringify(value)}`);
  }
  return value;
}

/** Checks the rank of a spatial layer's input: [batch, ...spatial (rank), channels] in either data format. */
export function spatialShape(layer: Layer, inputShape: SymbolicShape | SymbolicShape[], rank: number, format: DataFormat): SymbolicShape {
  const shape = singleShape(layer, inputShape);
  if (shape.length !== rank + 2) {
    const dims = rank === 1 ? 'steps' : 'height, width';
    const layout = format === 'channels_last' ? `[batch, ${dims}, channels]` : `[batch, channels, ${dims}]`;
    throw layerError(layer, `expected input of rank ${rank + 2} ${layout}, received shape ${shapeString(shape)}`);
  }
  return shape;
}

/** The channel count of a spatial input shape. */
export function channelsOf(shape: SymbolicShape, format: DataFormat): number | null {
  return format === 'channels_last' ? shape[shape.length - 1] : shape[1];
}

/** [batch, ...spatial, channels] from either format, lifted to 4-D ([n, 1, steps, c]) for 1-D layers. */
export function toNHWC(x: Tensor, rank: number, format: DataFormat): Tensor {
  const last = format === 'channels_last' ? x : transpose(x, rank === 1 ? [0, 2, 1] : [0, 2, 3, 1]);
  return rank === 1 ? reshape(last, [last.shape[0], 1, last.shape[1], last.shape[2]]) : last;
}

/** The inverse of toNHWC. */
export function fromNHWC(y: Tensor, rank: number, format: DataFormat): Tensor {
  const r = rank === 1 ? reshape(y, [y.shape[0], y.shape[2], y.shape[3]]) : y;
  if (format === 'channels_last') return r;
  return transpose(r, rank === 1 ? [0, 2, 1] : [0, 3, 1, 2]);
}

/** Spatial dims of a shape in either format, and a builder of the output shape from new spatial dims and channels. */
export function splitSpatial(shape: SymbolicShape, format: DataFormat): { spatial: (number | null)[]; make: (spatial: (number | null)[], channels: number | null) => SymbolicShape } {
  const spatial = format === 'channels_last' ? shape.slice(1, -1) : shape.slice(2);
  return {
    spatial,
    make: (s, c) => (format === 'channels_last' ? [shape[0], ...s, c] : [shape[0], c, ...s]),
  };
}

/** Output length of one spatial axis (null stays null). */
export function outputLength(length: number | null, k: number, stride: number, dilation: number, padding: Padding): number | null {
  return length === null ? null : axisGeometry(length, k, stride, dilation, padding).out;
}

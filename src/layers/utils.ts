// Small helpers shared by the built-in layers: single-input checks, axes, seeded noise, config readers.
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { isFloat } from '../tensor/dtype.js';
import { Generator, globalRng } from '../random/rng.js';
import { castTo } from '../ops/layout.js';
import type { SymbolicShape } from './symbolic.js';
import { layerError, type Layer, type LayerArgs, type LayerInput } from './layer.js';

/** The one tensor a single-input layer accepts (errors naming the layer otherwise). */
export function singleInput(layer: Layer, inputs: LayerInput): Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1) throw layerError(layer, `expected a single input tensor, received a list of ${inputs.length}`);
    return inputs[0];
  }
  return inputs;
}

/** The shape of the one input of a single-input layer. */
export function singleShape(layer: Layer, shape: SymbolicShape | SymbolicShape[]): SymbolicShape {
  if (shape.length > 0 && Array.isArray(shape[0])) {
    const list = shape as SymbolicShape[];
    if (list.length !== 1) throw layerError(layer, `expected a single input, received ${list.length} inputs`);
    return list[0];
  }
  return shape as SymbolicShape;
}

/** Keras autocast: float inputs (and integer ones, for convenience) are cast to the layer's dtype. */
export function toLayerDtype(x: Tensor, dtype: DType): Tensor {
  return x.dtype === dtype || (!isFloat(x.dtype) && !isFloat(dtype)) ? x : castTo(x, dtype);
}

/** Normalizes a possibly negative axis for an input of `rank`, with an error naming the layer. */
export function layerAxis(layer: Layer, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw layerError(layer, `axis ${axis} is out of range for inputs of rank ${rank} (expected -${rank} <= axis < ${rank})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** Formats a symbolic shape like Keras: (None, 784). */
export function shapeString(shape: SymbolicShape): string {
  return `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
}

/**
 * A stream of seeds for a layer's random draws: a private generator when the layer has a seed
 * (Keras SeedGenerator: each call differs, the sequence is reproducible), else the global generator
 * at call time (so setRandomSeed makes it reproducible).
 */
export class SeedStream {
  private readonly own: Generator | null;
  constructor(readonly seed: number | null | undefined) {
    this.own = seed === undefined || seed === null ? null : new Generator(seed);
  }

  /** A fresh 32-bit seed for one draw. */
  next(): number {
    return (this.own ?? globalRng()).nextUint32();
  }

  /** The private generator's state (null without a seed): BackupAndRestore saves it to resume exactly. */
  getState(): { s: number[]; spare: number | null } | null {
    return this.own ? this.own.getState() : null;
  }

  setState(state: { s: number[]; spare: number | null } | null): void {
    if (this.own && state) this.own.setState(state);
  }
}

/** Layer arguments shared by every layer, read from a Keras config (name, trainable, dtype, shapes). */
export function baseArgsFromConfig(config: Record<string, any>): LayerArgs {
  const args: LayerArgs = {
    ...(config.name !== undefined ? { name: config.name as string } : {}),
    ...(typeof config.trainable === 'boolean' ? { trainable: config.trainable } : {}),
  };
  const dtype = dtypeFromConfig(config.dtype);
  if (dtype) args.dtype = dtype;
  const shape = config.batch_input_shape ?? config.batch_shape;
  if (Array.isArray(shape)) args.batchInputShape = shape;
  else if (Array.isArray(config.input_shape)) args.inputShape = config.input_shape;
  return args;
}

/** Keras 3 writes dtype as a string or a DTypePolicy dict ({class_name: 'DTypePolicy', config: {name}}). */
function dtypeFromConfig(dtype: unknown): DType | undefined {
  const name = typeof dtype === 'string'
    ? dtype
    : dtype && typeof dtype === 'object' ? ((dtype as any).config?.name as string | undefined) : undefined;
  if (name === 'float32' || name === 'float64') return name;
  return undefined;
}

/** Reads an optional number or null from a config. */
export function optNumber(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

// Random augmentation layers (Keras 3, TensorFlow-backend formulas), active only in training, seeded:
// RandomFlip, RandomRotation, RandomTranslation, RandomZoom, RandomContrast.
import type { Tensor } from '../../tensor/tensor.js';
import { Generator } from '../../random/rng.js';
import { Layer, layerError, type CallOptions, type LayerArgs, type LayerInput } from '../layer.js';
import { SeedStream, baseArgsFromConfig } from '../utils.js';
import { adjustContrast, affineTransform, flipImages, imageDims, type FillMode, type Interpolation } from './image_ops.js';
import { checkDataFormat, checkInterpolation, imagesOf } from './image_layers.js';

type Factor = number | [number, number];

/** Keras' factor: f means [-f, f]; a pair is [lower, upper]. */
function range(layer: Layer, f: Factor, what: string): [number, number] {
  const [lo, hi] = typeof f === 'number' ? [-Math.abs(f), Math.abs(f)] : f;
  if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) throw layerError(layer, `${what} must be a number or a [lower, upper] pair with lower <= upper, received ${JSON.stringify(f)}`);
  return [lo, hi];
}

const FILL_MODES: FillMode[] = ['reflect', 'wrap', 'constant', 'nearest'];

interface RandomArgs extends LayerArgs {
  seed?: number | null;
  dataFormat?: string;
}

/** Base of the random layers: the seed stream and a per-call generator. */
abstract class RandomLayer extends Layer {
  readonly seed: number | null;
  private readonly seeds: SeedStream;

  constructor(args: RandomArgs) {
    super(args);
    this.seed = args.seed ?? null;
    this.seeds = new SeedStream(this.seed);
    checkDataFormat(this, args.dataFormat);
  }

  /** A generator for one call (seeded layers draw a reproducible sequence; others follow setRandomSeed). */
  protected generator(): Generator {
    return new Generator(this.seeds.next());
  }

  /** Uniform draws in [lo, hi), one per image. */
  protected uniforms(g: Generator, n: number, lo: number, hi: number): number[] {
    return Array.from({ length: n }, () => lo + (hi - lo) * g.uniform());
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), seed: this.seed, data_format: 'channels_last' };
  }
}

interface AffineArgs extends RandomArgs {
  fillMode?: FillMode;
  interpolation?: Interpolation;
  fillValue?: number;
}

/** Base of rotation / translation / zoom: one projective transform per image, sampled as ImageProjectiveTransformV3. */
abstract class RandomAffine extends RandomLayer {
  readonly fillMode: FillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;

  constructor(args: AffineArgs) {
    super(args);
    this.fillMode = args.fillMode ?? 'reflect';
    if (!FILL_MODES.includes(this.fillMode)) throw layerError(this, `fillMode must be one of ${FILL_MODES.join(', ')}, received '${this.fillMode}'`);
    this.interpolation = checkInterpolation(this, args.interpolation);
    this.fillValue = args.fillValue ?? 0;
  }

  /** The 8-vector transform of each image for this call's random draws. */
  protected abstract transforms(g: Generator, n: number, h: number, w: number): number[][];

  call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = imagesOf(this, inputs);
    if (!training) return x;
    const { n, h, w } = imageDims(x, this.name);
    return affineTransform(x, this.transforms(this.generator(), n, h, w), this.interpolation, this.fillMode, this.fillValue);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), fill_mode: this.fillMode, interpolation: this.interpolation, fill_value: this.fillValue };
  }

  protected static affineArgs(c: Record<string, any>): AffineArgs {
    return { ...baseArgsFromConfig(c), seed: c.seed ?? null, fillMode: c.fill_mode, interpolation: c.interpolation, fillValue: c.fill_value ?? 0, dataFormat: c.data_format ?? undefined };
  }
}

export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

/** Flips each image with probability 1/2 (one draw per image, used for both axes in 'horizontal_and_vertical', as Keras 3). */
export class RandomFlip extends RandomLayer {
  static override readonly className = 'RandomFlip';
  readonly mode: FlipMode;

  constructor(args: (RandomArgs & { mode?: FlipMode }) | FlipMode = {}) {
    const a = typeof args === 'string' ? { mode: args } : args;
    super(a);
    this.mode = a.mode ?? 'horizontal_and_vertical';
    if (!['horizontal', 'vertical', 'horizontal_and_vertical'].includes(this.mode)) throw layerError(this, `mode must be 'horizontal', 'vertical' or 'horizontal_and_vertical', received '${this.mode}'`);
  }

  call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = imagesOf(this, inputs);
    if (!training) return x;
    const { n } = imageDims(x, this.name);
    const g = this.generator();
    const flags = Array.from({ length: n }, () => g.uniform() <= 0.5);
    return flipImages(x, flags, this.mode !== 'vertical', this.mode !== 'horizontal');
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), mode: this.mode };
  }

  static fromConfig(c: Record<string, any>): RandomFlip {
    return new RandomFlip({ ...baseArgsFromConfig(c), mode: c.mode, seed: c.seed ?? null, dataFormat: c.data_format ?? undefined });
  }
}

/** Keras' rotation transform (angles in radians, counter-clockwise about the image centre). */
export function rotationTransforms(angles: readonly number[], h: number, w: number): number[][] {
  return angles.map((a) => {
    const c = Math.cos(a);
    const s = Math.sin(a);
    const xOff = (w - 1 - (c * (w - 1) - s * (h - 1))) / 2;
    const yOff = (h - 1 - (s * (w - 1) + c * (h - 1))) / 2;
    return [c, -s, xOff, s, c, yOff, 0, 0];
  });
}

/** Keras' translation transform (dx, dy in pixels). */
export function translationTransforms(dx: readonly number[], dy: readonly number[]): number[][] {
  return dx.map((x, i) => [1, 0, -x, 0, 1, -dy[i], 0, 0]);
}

/** Keras' zoom transform (zoom factors per axis, > 1 zooms out). */
export function zoomTransforms(zw: readonly number[], zh: readonly number[], h: number, w: number): number[][] {
  return zw.map((a, i) => [a, 0, ((w - 1) / 2) * (1 - a), 0, zh[i], ((h - 1) / 2) * (1 - zh[i]), 0, 0]);
}

/** Rotates each image by a random angle in factor * [-2π, 2π] (or [lower, upper] * 2π). */
export class RandomRotation extends RandomAffine {
  static override readonly className = 'RandomRotation';
  readonly factor: Factor;
  private readonly bounds: [number, number];

  constructor(args: (AffineArgs & { factor: Factor }) | number) {
    const a = typeof args === 'number' ? { factor: args } : args;
    super(a);
    this.factor = a.factor;
    this.bounds = range(this, a.factor, 'factor');
  }

  protected transforms(g: Generator, n: number, h: number, w: number): number[][] {
    const [lo, hi] = this.bounds;
    return rotationTransforms(this.uniforms(g, n, lo * 2 * Math.PI, hi * 2 * Math.PI), h, w);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }

  static fromConfig(c: Record<string, any>): RandomRotation {
    return new RandomRotation({ ...RandomAffine.affineArgs(c), factor: c.factor });
  }
}

/** Shifts each image by random fractions of its height and width. */
export class RandomTranslation extends RandomAffine {
  static override readonly className = 'RandomTranslation';
  readonly heightFactor: Factor;
  readonly widthFactor: Factor;

  constructor(args: AffineArgs & { heightFactor: Factor; widthFactor: Factor }) {
    super(args);
    this.heightFactor = args.heightFactor;
    this.widthFactor = args.widthFactor;
    range(this, args.heightFactor, 'heightFactor');
    range(this, args.widthFactor, 'widthFactor');
  }

  protected transforms(g: Generator, n: number, h: number, w: number): number[][] {
    const [hl, hh] = range(this, this.heightFactor, 'heightFactor');
    const [wl, wh] = range(this, this.widthFactor, 'widthFactor');
    const dy = this.uniforms(g, n, hl, hh).map((v) => v * h);
    const dx = this.uniforms(g, n, wl, wh).map((v) => v * w);
    return translationTransforms(dx, dy);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height_factor: this.heightFactor, width_factor: this.widthFactor };
  }

  static fromConfig(c: Record<string, any>): RandomTranslation {
    return new RandomTranslation({ ...RandomAffine.affineArgs(c), heightFactor: c.height_factor, widthFactor: c.width_factor });
  }
}

/** Zooms each image by random factors (negative: zoom in); widthFactor null keeps the aspect ratio. */
export class RandomZoom extends RandomAffine {
  static override readonly className = 'RandomZoom';
  readonly heightFactor: Factor;
  readonly widthFactor: Factor | null;

  constructor(args: (AffineArgs & { heightFactor: Factor; widthFactor?: Factor | null }) | number) {
    const a = typeof args === 'number' ? { heightFactor: args } : args;
    super(a);
    this.heightFactor = a.heightFactor;
    this.widthFactor = a.widthFactor ?? null;
    range(this, a.heightFactor, 'heightFactor');
    if (this.widthFactor !== null) range(this, this.widthFactor, 'widthFactor');
  }

  protected transforms(g: Generator, n: number, h: number, w: number): number[][] {
    const [hl, hh] = range(this, this.heightFactor, 'heightFactor');
    const zh = this.uniforms(g, n, 1 + hl, 1 + hh);
    let zw = zh;
    if (this.widthFactor !== null) {
      const [wl, wh] = range(this, this.widthFactor, 'widthFactor');
      zw = this.uniforms(g, n, 1 + wl, 1 + wh);
    }
    return zoomTransforms(zw, zh, h, w);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), height_factor: this.heightFactor, width_factor: this.widthFactor };
  }

  static fromConfig(c: Record<string, any>): RandomZoom {
    return new RandomZoom({ ...RandomAffine.affineArgs(c), heightFactor: c.height_factor, widthFactor: c.width_factor ?? null });
  }
}

/** Scales each image's deviation from its per-channel mean by a random factor in [1 - f, 1 + f], clipped to valueRange. */
export class RandomContrast extends RandomLayer {
  static override readonly className = 'RandomContrast';
  readonly factor: Factor;
  readonly valueRange: [number, number];

  constructor(args: (RandomArgs & { factor: Factor; valueRange?: [number, number] }) | number) {
    const a = typeof args === 'number' ? { factor: args } : args;
    super(a);
    this.factor = a.factor;
    this.valueRange = a.valueRange ?? [0, 255];
    const [lo, hi] = this.bounds();
    if (lo < 0) throw layerError(this, `factor must keep 1 - lower >= 0, received ${JSON.stringify(a.factor)}`);
    if (hi < lo) throw layerError(this, `bad factor ${JSON.stringify(a.factor)}`);
  }

  private bounds(): [number, number] {
    return typeof this.factor === 'number' ? [1 - this.factor, 1 + this.factor] : [1 - this.factor[0], 1 + this.factor[1]];
  }

  call(inputs: LayerInput, { training = false }: CallOptions): Tensor {
    const x = imagesOf(this, inputs);
    if (!training) return x;
    const { n } = imageDims(x, this.name);
    const [lo, hi] = this.bounds();
    return adjustContrast(x, this.uniforms(this.generator(), n, lo, hi), this.valueRange[0], this.valueRange[1]);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor, value_range: this.valueRange };
  }

  static fromConfig(c: Record<string, any>): RandomContrast {
    return new RandomContrast({ ...baseArgsFromConfig(c), factor: c.factor, valueRange: c.value_range ?? [0, 255], seed: c.seed ?? null, dataFormat: c.data_format ?? undefined });
  }
}

// Normalization ((x - mean) / sqrt(variance), adapt() on a tensor or a Dataset): Keras 3 formulas.
import { Tensor } from '../../tensor/tensor.js';
import { tensor } from '../../tensor/creation.js';
import { add, div, maximum, mul, sub } from '../../ops/arithmetic.js';
import { sqrt } from '../../ops/unary.js';
import { get as getInitializer } from '../../initializers/index.js';
import { castTo } from '../../ops/layout.js';
import { Layer, layerError, type CallOptions, type LayerArgs, type LayerInput } from '../layer.js';
import type { SymbolicShape } from '../symbolic.js';
import type { Variable } from '../../autograd/variable.js';
import { baseArgsFromConfig, singleInput } from '../utils.js';
import { Dataset } from '../../data/dataset.js';
import { flatten } from '../../data/structure.js';

/** Keras' backend.epsilon(). */
const EPSILON = 1e-7;

function asFloat(x: Tensor): Tensor {
  return x.dtype === 'float32' || x.dtype === 'float64' ? x : castTo(x, 'float32');
}

export interface NormalizationArgs extends LayerArgs {
  /** Axes with their own statistics (default -1: per feature); null: one mean and variance for everything. */
  axis?: number | number[] | null;
  /** Fixed statistics (otherwise call adapt()). */
  mean?: number | number[] | null;
  variance?: number | number[] | null;
  /** Undo the normalization instead: mean + x * sqrt(variance). */
  invert?: boolean;
}

/**
 * Keras' Normalization: `(x - mean) / max(sqrt(variance), 1e-7)`, with mean and variance given or learned by
 * `adapt(data)` (a tensor, or a Dataset of batches, combined batch by batch as Keras does).
 * @example const norm = new layers.Normalization(); await norm.adapt(xTrain);
 */
export class Normalization extends Layer {
  static override readonly className = 'Normalization';
  readonly axis: number[];
  readonly invert: boolean;
  private readonly fixed: { mean: number[]; variance: number[] } | null;
  private meanVar: Variable | null = null;
  private varianceVar: Variable | null = null;
  private keep: number[] = [];
  private statShape: number[] = [];

  constructor(args: NormalizationArgs = {}) {
    super(args);
    const axis = args.axis === undefined ? -1 : args.axis;
    this.axis = axis === null ? [] : Array.isArray(axis) ? [...axis] : [axis];
    this.invert = args.invert ?? false;
    const given = [args.mean, args.variance].filter((v) => v !== undefined && v !== null).length;
    if (given === 1) throw layerError(this, 'pass both mean and variance, or neither (and call adapt())');
    const list = (v: number | number[]): number[] => (typeof v === 'number' ? [v] : [...v]);
    this.fixed = given === 2 ? { mean: list(args.mean!), variance: list(args.variance!) } : null;
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as SymbolicShape;
    const rank = shape.length;
    this.keep = this.axis.map((a) => (a < 0 ? a + rank : a));
    for (const [i, a] of this.keep.entries()) {
      if (a < 0 || a >= rank) throw layerError(this, `axis ${this.axis[i]} is out of range for inputs of shape [${shape.join(', ')}]`);
      if (shape[a] === null) throw layerError(this, `axis ${this.axis[i]} must have a known size, received shape [${shape.join(', ')}]`);
    }
    this.statShape = this.keep.map((a) => shape[a] as number);
    if (!this.fixed) {
      this.meanVar = this.addWeight({ name: 'mean', shape: this.statShape, initializer: getInitializer('zeros'), trainable: false });
      this.varianceVar = this.addWeight({ name: 'variance', shape: this.statShape, initializer: getInitializer('ones'), trainable: false });
    }
  }

  /** The statistics shaped to broadcast against an input of `rank`. */
  private stats(rank: number): { mean: Tensor; variance: Tensor } {
    const bshape = Array.from({ length: rank }, (_, d) => (this.keep.includes(d) ? this.statShape[this.keep.indexOf(d)] : 1));
    const size = this.statShape.reduce((a, b) => a * b, 1);
    const from = (v: number[] | Tensor): Tensor => {
      const values = v instanceof Tensor ? Array.from(v.dataSync()) : v.length === 1 ? new Array(size).fill(v[0]) : v;
      return tensor(values, bshape, 'float32');
    };
    if (this.fixed) return { mean: from(this.fixed.mean), variance: from(this.fixed.variance) };
    return { mean: from(this.meanVar!.read()), variance: from(this.varianceVar!.read()) };
  }

  call(inputs: LayerInput, _options: CallOptions): Tensor {
    const x = asFloat(singleInput(this, inputs));
    const { mean, variance } = this.stats(x.rank);
    const std = maximum(sqrt(variance), EPSILON);
    return this.invert ? add(mean, mul(x, std)) : div(sub(x, mean), std);
  }

  /**
   * Learns mean and variance from `data`: a tensor (samples first) or a Dataset of batches (or of [x, ...] batches).
   * Batches are combined with Keras' running formula in float64.
   */
  async adapt(data: Tensor | Dataset, options: { steps?: number } = {}): Promise<void> {
    if (this.fixed) throw layerError(this, 'adapt() learns mean and variance; this layer was given fixed ones');
    let total: { mean: Float64Array; variance: Float64Array; count: number } | null = null;
    const consume = (batch: Tensor): void => {
      if (!this.built) this.maybeBuild([null, ...batch.shape.slice(1)]);
      const st = this.batchMoments(asFloat(batch));
      if (!total) {
        total = st;
        return;
      }
      const count = total.count + st.count;
      const wb = st.count / count;
      const we = 1 - wb;
      for (let i = 0; i < st.mean.length; i++) {
        const m = total.mean[i] * we + st.mean[i] * wb;
        total.variance[i] = (total.variance[i] + (total.mean[i] - m) ** 2) * we + (st.variance[i] + (st.mean[i] - m) ** 2) * wb;
        total.mean[i] = m;
      }
      total.count = count;
    };
    if (data instanceof Tensor) consume(data);
    else {
      let steps = 0;
      for await (const e of data) {
        if (options.steps !== undefined && steps++ >= options.steps) break;
        consume(Array.isArray(e) ? flatten(e[0])[0] : flatten(e)[0]);
      }
    }
    if (!total) throw layerError(this, 'adapt() received no data');
    const t = total as { mean: Float64Array; variance: Float64Array };
    this.meanVar!.assign(tensor(Float32Array.from(t.mean), this.statShape, 'float32'));
    this.varianceVar!.assign(tensor(Float32Array.from(t.variance), this.statShape, 'float32'));
  }

  /** Mean and (population) variance over every axis not kept, in float64. */
  private batchMoments(x: Tensor): { mean: Float64Array; variance: Float64Array; count: number } {
    const shape = x.shape;
    const k = this.statShape.reduce((a, b) => a * b, 1);
    const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
    const values = x.dataSync();
    const sum = new Float64Array(k);
    const sq = new Float64Array(k);
    const count = values.length / k;
    for (let i = 0; i < values.length; i++) {
      let s = 0;
      for (const a of this.keep) s = s * shape[a] + (Math.floor(i / strides[a]) % shape[a]);
      sum[s] += values[i];
    }
    const mean = sum.map((v) => v / count);
    for (let i = 0; i < values.length; i++) {
      let s = 0;
      for (const a of this.keep) s = s * shape[a] + (Math.floor(i / strides[a]) % shape[a]);
      sq[s] += (values[i] - mean[s]) ** 2;
    }
    return { mean, variance: sq.map((v) => v / count), count };
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis.length === 0 ? null : this.axis.length === 1 ? this.axis[0] : this.axis,
      invert: this.invert,
      mean: this.fixed?.mean ?? null,
      variance: this.fixed?.variance ?? null,
    };
  }

  static fromConfig(config: Record<string, any>): Normalization {
    return new Normalization({ ...baseArgsFromConfig(config), axis: config.axis === undefined ? -1 : config.axis, invert: config.invert ?? false, mean: config.mean ?? null, variance: config.variance ?? null });
  }
}

// The Metric base (stateful update/result/reset), Mean, and MeanMetricWrapper for per-sample functions.
import { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/tape.js';
import { broadcastTo, castTo, mean, mul } from '../ops/index.js';
import { toTensor, type Arg } from '../ops/convert.js';
import { squeezeOrExpandToSameRank } from '../losses/loss.js';
import { snakeToCamel, toSnakeCase } from '../utils/naming.js';

export interface MetricOptions {
  name?: string;
}

/**
 * Base class of stateful metrics: `update` accumulates batches (outside any gradient tape),
 * `result` reads the current value, `reset` clears the state.
 * @example
 * const m = new metrics.BinaryAccuracy();
 * m.update(yTrue, yPred);
 * m.result();   // a number
 */
export abstract class Metric {
  static readonly className: string = 'Metric';
  name: string;

  constructor(options: MetricOptions = {}) {
    this.name = options.name ?? toSnakeCase((this.constructor as typeof Metric).className);
  }

  get className(): string {
    return (this.constructor as typeof Metric).className;
  }

  /** Accumulates one batch (Keras update_state); runs without recording gradients. */
  update(yTrue: Arg, yPred?: Arg, sampleWeight?: Arg | null): void {
    noGrad(() => this.updateState(toTensor(yTrue), yPred === undefined ? null : toTensor(yPred), sampleWeight == null ? null : toTensor(sampleWeight)));
  }

  /** The metric value over every batch since the last reset. */
  abstract result(): number;

  /** Clears the accumulated state. */
  abstract reset(): void;

  protected abstract updateState(yTrue: Tensor, yPred: Tensor | null, sampleWeight: Tensor | null): void;

  /**
   * The accumulated state (Keras' metric variables), saved by BackupAndRestore so an epoch resumed mid-way reports
   * what the uninterrupted epoch would: every own field holding a number or a typed array (the accumulators; fixed
   * settings such as a threshold come back unchanged). A metric keeping its state elsewhere overrides both methods.
   */
  getState(): Record<string, number | number[]> {
    const out: Record<string, number | number[]> = {};
    for (const [k, v] of Object.entries(this)) {
      if (typeof v === 'number') out[k] = v;
      else if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) out[k] = Array.from(v);
    }
    return out;
  }

  /** Restores what getState returned. */
  setState(state: Record<string, number | number[]>): void {
    const self = this as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(state)) {
      const cur = self[k];
      // JSON keeps NaN and infinities as null.
      if ((typeof v === 'number' || v === null) && typeof cur === 'number') self[k] = v ?? Number.NaN;
      else if (Array.isArray(v) && (cur instanceof Float64Array || cur instanceof Float32Array || cur instanceof Int32Array) && cur.length === v.length) cur.set(v);
      else throw new Error(`${this.className} "${this.name}": cannot restore state field "${k}" (the metric has ${cur === undefined ? 'no such field' : typeof cur})`);
    }
  }

  /** Keras-style config (snake_case keys). */
  getConfig(): Record<string, unknown> {
    return { name: this.name, dtype: 'float32' };
  }

  /** Rebuilds a metric from its config: snake_case keys become the camelCase constructor options. */
  static fromConfig(config: Record<string, any>): Metric {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) if (k !== 'dtype') options[snakeToCamel(k)] = v;
    return new (this as unknown as new (o: Record<string, unknown>) => Metric)(options);
  }
}

function meanOverTrailing(x: Tensor, from: number): Tensor {
  if (x.rank <= from) return x;
  return mean(x, Array.from({ length: x.rank - from }, (_, i) => i + from));
}

/** Keras' reduce_to_samplewise_values: per-sample values (weighted) and the matching per-sample weights. */
export function reduceToSamplewise(values: Tensor, sampleWeight: Tensor | null): { values: Tensor; weights: Tensor | null } {
  let v = castTo(values, 'float64');
  let sw: Tensor | null = null;
  if (sampleWeight) {
    [v, sw] = squeezeOrExpandToSameRank(v, castTo(sampleWeight, 'float64'));
    v = meanOverTrailing(v, sw.rank);
    sw = broadcastTo(sw, v.shape);
    v = mul(v, sw);
    if (sw.rank > 1) sw = meanOverTrailing(sw, 1);
  }
  if (v.rank > 1) v = meanOverTrailing(v, 1);
  return { values: v, weights: sw };
}

/** Weighted mean of the values given to `update(values, sampleWeight)`. */
export class Mean extends Metric {
  static override readonly className: string = 'Mean';
  protected total = 0;
  protected count = 0;

  constructor(options: MetricOptions = {}) {
    super(options);
  }

  /** Accumulates per-sample values (weighted by sampleWeight when given). */
  override update(values: Arg, sampleWeight?: Arg | null): void {
    noGrad(() => this.updateValues(toTensor(values), sampleWeight == null ? null : toTensor(sampleWeight)));
  }

  protected updateValues(values: Tensor, sampleWeight: Tensor | null): void {
    const { values: v, weights } = reduceToSamplewise(values, sampleWeight);
    for (const x of v.data) this.total += x;
    if (weights) for (const w of weights.data) this.count += w;
    else this.count += v.rank >= 1 ? v.shape[0] : 1;
  }

  protected updateState(values: Tensor, _unused: Tensor | null, sampleWeight: Tensor | null): void {
    this.updateValues(values, sampleWeight);
  }

  result(): number {
    return this.count === 0 ? 0 : this.total / this.count;
  }

  reset(): void {
    this.total = 0;
    this.count = 0;
  }

}

/** A per-sample metric function: (yTrue, yPred) -> values with the batch axes. */
export type MetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Keras' MeanMetricWrapper: the running weighted mean of a per-sample function. */
export class MeanMetricWrapper extends Mean {
  static override readonly className: string = 'MeanMetricWrapper';
  readonly fn: MetricFn;

  constructor(fn: MetricFn, options: MetricOptions = {}) {
    super({ name: options.name ?? (fn.name ? toSnakeCase(fn.name) : undefined) });
    this.fn = fn;
  }

  /** Accumulates fn(yTrue, yPred) for one batch. */
  override update(yTrue: Arg, yPred?: Arg, sampleWeight?: Arg | null): void {
    if (yPred === undefined) throw new Error(`${this.className} "${this.name}": update expects (yTrue, yPred, sampleWeight?)`);
    noGrad(() => {
      const t = toTensor(yTrue);
      const p = toTensor(yPred);
      this.updateValues(this.fn(t, p), sampleWeight == null ? null : toTensor(sampleWeight));
    });
  }
}

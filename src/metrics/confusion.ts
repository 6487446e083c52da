// Confusion-matrix metrics: Precision, Recall and AUC (Keras 3 thresholds, buckets and Riemann sums).
import { Tensor } from '../tensor/tensor.js';
import { castTo, sigmoid, sliceAxis } from '../ops/index.js';
import { squeezeOrExpandToSameRank } from '../losses/loss.js';
import { registerSerializable } from '../saving/registry.js';
import { Metric, type MetricOptions } from './metric.js';
import { EPSILON } from '../losses/functions.js';
import { formatShape } from '../tensor/shape.js';

/** Flattened float64 labels, predictions and weights of one batch (weights broadcast to the predictions). */
function flatBatch(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor | null, who: string): { t: Float64Array; p: Float64Array; w: Float64Array | null } {
  const [t, p] = squeezeOrExpandToSameRank(castTo(yTrue, 'float64'), castTo(yPred, 'float64'));
  if (t.size !== p.size) throw new Error(`${who}: y_true of shape ${formatShape(yTrue.shape)} does not match y_pred of shape ${formatShape(yPred.shape)}`);
  let w: Float64Array | null = null;
  if (sampleWeight) {
    const [, sw] = squeezeOrExpandToSameRank(p, castTo(sampleWeight, 'float64'));
    const full = sw.rank === p.rank ? sw : sw.reshape([...sw.shape, ...Array(p.rank - sw.rank).fill(1)]);
    w = castTo(full.broadcastTo(p.shape), 'float64').data as Float64Array;
  }
  return { t: t.data as Float64Array, p: p.data as Float64Array, w };
}

export interface PrecisionRecallOptions extends MetricOptions {
  /** A prediction above it counts as positive (default 0.5). */
  thresholds?: number;
  /** Only count this class (an index along the last axis). */
  classId?: number | null;
}

abstract class ThresholdCounts extends Metric {
  readonly threshold: number;
  readonly classId: number | null;
  protected tp = 0;
  protected fp = 0;
  protected fn = 0;

  constructor(options: PrecisionRecallOptions = {}) {
    super(options);
    const thr = options.thresholds ?? 0.5;
    if (typeof thr !== 'number' || !(thr >= 0 && thr <= 1)) {
      throw new Error(`${this.className} "${this.name}": thresholds must be one number in [0, 1], received ${JSON.stringify(thr)}`);
    }
    this.threshold = thr;
    this.classId = options.classId ?? null;
  }

  protected updateState(yTrue: Tensor, yPred: Tensor | null, sampleWeight: Tensor | null): void {
    if (!yPred) throw new Error(`${this.className} "${this.name}": update expects (yTrue, yPred, sampleWeight?)`);
    if (this.classId !== null) {
      yTrue = sliceAxis(yTrue, yTrue.rank - 1, this.classId, this.classId + 1);
      yPred = sliceAxis(yPred, yPred.rank - 1, this.classId, this.classId + 1);
    }
    const { t, p, w } = flatBatch(yTrue, yPred, sampleWeight, `${this.className} "${this.name}"`);
    for (let i = 0; i < p.length; i++) {
      const weight = w ? w[i] : 1;
      const positive = p[i] > this.threshold;
      const label = t[i] !== 0;
      if (positive && label) this.tp += weight;
      else if (positive) this.fp += weight;
      else if (label) this.fn += weight;
    }
  }

  reset(): void {
    this.tp = 0;
    this.fp = 0;
    this.fn = 0;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), thresholds: this.threshold, top_k: null, class_id: this.classId };
  }

  static override fromConfig<T extends ThresholdCounts>(this: new (options: PrecisionRecallOptions) => T, c: Record<string, any>): T {
    return new this({ name: c.name, thresholds: c.thresholds ?? undefined, classId: c.class_id });
  }
}

const divideNoNan = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** tp / (tp + fp) of predictions thresholded at 0.5. */
export class Precision extends ThresholdCounts {
  static override readonly className: string = 'Precision';
  constructor(options: PrecisionRecallOptions = {}) {
    super({ ...options, name: options.name ?? 'precision' });
  }
  result(): number {
    return divideNoNan(this.tp, this.tp + this.fp);
  }
}

/** tp / (tp + fn) of predictions thresholded at 0.5. */
export class Recall extends ThresholdCounts {
  static override readonly className: string = 'Recall';
  constructor(options: PrecisionRecallOptions = {}) {
    super({ ...options, name: options.name ?? 'recall' });
  }
  result(): number {
    return divideNoNan(this.tp, this.tp + this.fn);
  }
}

export interface AUCOptions extends MetricOptions {
  /** Number of thresholds (default 200). */
  numThresholds?: number;
  /** 'ROC' (default) or 'PR'. */
  curve?: 'ROC' | 'PR';
  /** 'interpolation' (default), 'minoring' or 'majoring'. */
  summationMethod?: 'interpolation' | 'minoring' | 'majoring';
  /** Apply a sigmoid to predictions first. */
  fromLogits?: boolean;
}

/**
 * Area under the ROC (or PR) curve from confusion counts at `numThresholds` evenly spaced thresholds
 * (Keras: [-eps, 1/(n-1), ..., (n-2)/(n-1), 1+eps]; a prediction is positive when above a threshold).
 */
export class AUC extends Metric {
  static override readonly className: string = 'AUC';
  readonly numThresholds: number;
  readonly curve: 'ROC' | 'PR';
  readonly summationMethod: 'interpolation' | 'minoring' | 'majoring';
  readonly fromLogits: boolean;
  readonly thresholds: number[];
  private tp: Float64Array;
  private fp: Float64Array;
  private tn: Float64Array;
  private fn: Float64Array;

  constructor(options: AUCOptions = {}) {
    super({ ...options, name: options.name ?? 'auc' });
    this.numThresholds = options.numThresholds ?? 200;
    if (!Number.isInteger(this.numThresholds) || this.numThresholds <= 1) {
      throw new Error(`AUC "${this.name}": numThresholds must be an integer > 1, received ${this.numThresholds}`);
    }
    this.curve = options.curve ?? 'ROC';
    this.summationMethod = options.summationMethod ?? 'interpolation';
    this.fromLogits = options.fromLogits ?? false;
    const n = this.numThresholds;
    this.thresholds = [0 - EPSILON, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + EPSILON];
    this.tp = new Float64Array(n);
    this.fp = new Float64Array(n);
    this.tn = new Float64Array(n);
    this.fn = new Float64Array(n);
  }

  protected updateState(yTrue: Tensor, yPred: Tensor | null, sampleWeight: Tensor | null): void {
    if (!yPred) throw new Error(`AUC "${this.name}": update expects (yTrue, yPred, sampleWeight?)`);
    const pred = this.fromLogits ? sigmoid(yPred) : yPred;
    const { t, p, w } = flatBatch(yTrue, pred, sampleWeight, `AUC "${this.name}"`);
    const n = this.numThresholds;
    // NOTE: Keras' evenly-spaced-thresholds path: bucket = ceil(p*(n-1)) - 1 in float32, clipped to [0, n-1];
    // a prediction is positive for every threshold index <= its bucket.
    const posBucket = new Float64Array(n);
    const negBucket = new Float64Array(n);
    let posTotal = 0;
    let negTotal = 0;
    for (let i = 0; i < p.length; i++) {
      const weight = w ? w[i] : 1;
      const scaled = Math.fround(Math.fround(p[i]) * (n - 1));
      const bucket = Math.min(n - 1, Math.max(0, Math.ceil(scaled) - 1));
      if (t[i] !== 0) {
        posBucket[bucket] += weight;
        posTotal += weight;
      } else {
        negBucket[bucket] += weight;
        negTotal += weight;
      }
    }
    let tpAcc = 0;
    let fpAcc = 0;
    for (let j = n - 1; j >= 0; j--) {
      tpAcc += posBucket[j];
      fpAcc += negBucket[j];
      this.tp[j] += tpAcc;
      this.fp[j] += fpAcc;
      this.fn[j] += posTotal - tpAcc;
      this.tn[j] += negTotal - fpAcc;
    }
  }

  private interpolatePrAuc(): number {
    const n = this.numThresholds;
    const { tp, fp, fn } = this;
    let total = 0;
    for (let i = 0; i < n - 1; i++) {
      const dtp = tp[i] - tp[i + 1];
      const p0 = tp[i] + fp[i];
      const p1 = tp[i + 1] + fp[i + 1];
      const dp = p0 - p1;
      const slope = divideNoNan(dtp, Math.max(dp, 0));
      const intercept = tp[i + 1] - slope * p1;
      const ratio = p0 > 0 && p1 > 0 ? divideNoNan(p0, Math.max(p1, 0)) : 1;
      total += divideNoNan(slope * (dtp + intercept * Math.log(ratio)), Math.max(tp[i + 1] + fn[i + 1], 0));
    }
    return total;
  }

  result(): number {
    if (this.curve === 'PR' && this.summationMethod === 'interpolation') return this.interpolatePrAuc();
    const n = this.numThresholds;
    const recall = Array.from(this.tp, (tp, i) => divideNoNan(tp, tp + this.fn[i]));
    let x: number[];
    let y: number[];
    if (this.curve === 'ROC') {
      x = Array.from(this.fp, (fp, i) => divideNoNan(fp, fp + this.tn[i]));
      y = recall;
    } else {
      x = recall;
      y = Array.from(this.tp, (tp, i) => divideNoNan(tp, tp + this.fp[i]));
    }
    let area = 0;
    for (let i = 0; i < n - 1; i++) {
      const h =
        this.summationMethod === 'interpolation' ? (y[i] + y[i + 1]) / 2
          : this.summationMethod === 'minoring' ? Math.min(y[i], y[i + 1])
            : Math.max(y[i], y[i + 1]);
      area += (x[i] - x[i + 1]) * h;
    }
    return area;
  }

  reset(): void {
    for (const a of [this.tp, this.fp, this.tn, this.fn]) a.fill(0);
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(), num_thresholds: this.numThresholds, curve: this.curve, summation_method: this.summationMethod,
      multi_label: false, num_labels: null, label_weights: null, from_logits: this.fromLogits,
    };
  }

  static override fromConfig(c: Record<string, any>): AUC {
    return new AUC({ name: c.name, numThresholds: c.num_thresholds, curve: c.curve, summationMethod: c.summation_method, fromLogits: c.from_logits });
  }
}

for (const cls of [Precision, Recall, AUC]) registerSerializable('metric', cls);

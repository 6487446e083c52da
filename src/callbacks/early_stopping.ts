// EarlyStopping: stop fit when a monitored value stops improving; optionally restore the best weights.
import type { Tensor } from '../tensor/tensor.js';
import { Callback, type Logs } from './callback.js';

export type MonitorMode = 'auto' | 'min' | 'max';

/** 'max' for accuracy/AUC-like names under 'auto', else 'min' (Keras). */
export function resolveMode(mode: MonitorMode, monitor: string): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new Error(`mode must be 'auto', 'min' or 'max', received '${String(mode)}'`);
  return /(acc|accuracy|auc)$/.test(monitor) || monitor.endsWith('_acc') ? 'max' : 'min';
}

/** Reads logs[monitor], warning once when it is missing. */
export function monitorValue(owner: Callback & { warned?: boolean }, monitor: string, logs: Logs, what: string): number | undefined {
  const v = logs[monitor];
  if (v === undefined && !owner.warned) {
    owner.warned = true;
    console.warn(`${what} conditioned on metric '${monitor}' which is not available. Available metrics are: ${Object.keys(logs).join(',')}`);
  }
  return v;
}

export interface EarlyStoppingOptions {
  /** Default 'val_loss'. */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  verbose?: number;
  mode?: MonitorMode;
  /** Stop unless the value beats this. */
  baseline?: number | null;
  /** Put back the weights of the best epoch when training ends. */
  restoreBestWeights?: boolean;
  /** Epochs to wait before monitoring starts (default 0). */
  startFromEpoch?: number;
}

/**
 * Keras' EarlyStopping.
 * @example await model.fit(x, y, { validationData: [xv, yv], callbacks: [new callbacks.EarlyStopping({ patience: 10, restoreBestWeights: true })] });
 */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  wait = 0;
  stoppedEpoch = 0;
  best: number | null = null;
  bestEpoch = 0;
  warned = false;
  private bestWeights: Tensor[] | null = null;
  private readonly better: (a: number, b: number) => boolean;

  constructor(private readonly options: EarlyStoppingOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = options.patience ?? 0;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    const mode = resolveMode(options.mode ?? 'auto', this.monitor);
    this.minDelta = Math.abs(options.minDelta ?? 0) * (mode === 'min' ? -1 : 1);
    this.better = mode === 'min' ? (a, b) => a < b : (a, b) => a > b;
  }

  private isImprovement(value: number, reference: number | null | undefined): boolean {
    return reference === null || reference === undefined || this.better(value - this.minDelta, reference);
  }

  override onTrainBegin(): void {
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = null;
    this.bestWeights = null;
    this.bestEpoch = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const current = monitorValue(this, this.monitor, logs, 'Early stopping');
    if (current === undefined || epoch < (this.options.startFromEpoch ?? 0)) return;
    if (this.restoreBestWeights && this.bestWeights === null) {
      this.bestWeights = this.model!.getWeights();
      this.bestEpoch = epoch;
    }
    this.wait++;
    if (this.isImprovement(current, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) this.bestWeights = this.model!.getWeights();
      if (this.options.baseline == null || this.isImprovement(current, this.options.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.model!.stopTraining = true;
    }
  }

  override onTrainEnd(): void {
    if (this.stoppedEpoch > 0 && (this.options.verbose ?? 0) > 0) console.log(`Epoch ${this.stoppedEpoch + 1}: early stopping`);
    if (this.restoreBestWeights && this.bestWeights) {
      if ((this.options.verbose ?? 0) > 0) console.log(`Restoring model weights from the end of the best epoch: ${this.bestEpoch + 1}.`);
      this.model!.setWeights(this.bestWeights);
    }
  }
}

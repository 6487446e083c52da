// ReduceLROnPlateau: multiply the learning rate by `factor` when a monitored value stops improving.
import { Callback, type Logs } from './callback.js';
import { monitorValue } from './early_stopping.js';
import { optimizerOf } from './lr_scheduler.js';

export interface ReduceLROnPlateauOptions {
  monitor?: string;
  /** New rate = rate * factor (must be < 1; default 0.1). */
  factor?: number;
  patience?: number;
  verbose?: number;
  mode?: 'auto' | 'min' | 'max';
  /** Threshold for a significant change (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before resuming normal operation. */
  cooldown?: number;
  minLr?: number;
}

/**
 * Keras' ReduceLROnPlateau; logs the rate as `learning_rate`.
 * @example new callbacks.ReduceLROnPlateau({ factor: 0.5, patience: 5 })
 */
export class ReduceLROnPlateau extends Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  wait = 0;
  cooldownCounter = 0;
  best = Infinity;
  warned = false;
  private readonly max: boolean;

  constructor(private readonly options: ReduceLROnPlateauOptions = {}) {
    super();
    this.monitor = options.monitor ?? 'val_loss';
    this.factor = options.factor ?? 0.1;
    if (this.factor >= 1) throw new Error(`ReduceLROnPlateau does not support a factor >= 1.0, received ${this.factor}`);
    this.patience = options.patience ?? 10;
    this.minDelta = options.minDelta ?? 1e-4;
    this.cooldown = options.cooldown ?? 0;
    this.minLr = options.minLr ?? 0;
    const mode = options.mode ?? 'auto';
    this.max = mode === 'max' || (mode === 'auto' && this.monitor.includes('acc'));
  }

  private improved(a: number, b: number): boolean {
    return this.max ? a > b + this.minDelta : a < b - this.minDelta;
  }

  override onTrainBegin(): void {
    this.best = this.max ? -Infinity : Infinity;
    this.cooldownCounter = 0;
    this.wait = 0;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const opt = optimizerOf(this, 'ReduceLROnPlateau');
    logs.learning_rate = opt.learningRate;
    const current = monitorValue(this, this.monitor, logs, 'Learning rate reduction');
    if (current === undefined) return;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.improved(current, this.best)) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownCounter <= 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const old = opt.learningRate;
        if (old > Math.fround(this.minLr)) {
          const lr = Math.max(old * this.factor, this.minLr);
          opt.learningRate = lr;
          if ((this.options.verbose ?? 0) > 0) console.log(`\nEpoch ${epoch + 1}: ReduceLROnPlateau reducing learning rate to ${lr}.`);
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

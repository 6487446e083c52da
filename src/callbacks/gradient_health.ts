// GradientHealth: a fit callback that runs diagnostics.gradientReport during training and logs the figures per epoch.
import { stderr } from '../utils/env.js';
import { Callback, type Logs } from './callback.js';
import type { ModelData } from '../models/data.js';
import { gradientReport, type GradientReport, type GradientReportOptions } from '../diagnostics/report.js';

/** Options of GradientHealth; the thresholds, `loss` and `training` are passed on to gradientReport. */
export interface GradientHealthOptions extends GradientReportOptions {
  /** Also report every N training batches (default 100; 0 = only at epoch ends). */
  everyNBatches?: number;
  /** A fixed probe batch `[x, y]` (default: the batch fit trained on last). */
  data?: [ModelData, ModelData];
  /** Which figures go into the epoch logs / History (default 'all'; 'ratio' = only the first/last ratio). */
  record?: 'all' | 'ratio';
  /** 1 (default): print each epoch's warnings; 0: silent. */
  verbose?: number;
  /** Where warnings are printed (default: stderr). */
  print?: (line: string) => void;
}

/** A report tagged with when it was taken. */
export type TimedReport = GradientReport & { epoch: number; batch: number };

/**
 * Watches training health: every `everyNBatches` batches and at each epoch end it computes a
 * gradient report (diagnostics.gradientReport on the batch fit trained on last, or on `data`) and
 * prints its warnings. At epoch end the figures are added to the epoch logs, so History records
 * one value per epoch under these keys:
 * - `first_to_last_gradient_ratio`
 * - per layer with weights (`record: 'all'`, the default): `gradient_norm/<layer>`, `weight_norm/<layer>`,
 *   `activation_mean/<layer>`, `activation_std/<layer>`, `dead_fraction/<layer>`, `saturated_fraction/<layer>`.
 *
 * Every report (with its warnings) is also kept in `reports`. Callbacks listed before this one
 * (the progress bar) do not see the added keys; callbacks after it (CSVLogger) do.
 * @example await model.fit(x, y, { callbacks: [new callbacks.GradientHealth({ everyNBatches: 100 })] });
 */
export class GradientHealth extends Callback {
  /** Every report taken, in order (`epoch`, `batch` say when; batch -1 = at epoch end). */
  reports: TimedReport[] = [];
  private readonly options: GradientHealthOptions;
  private epoch = 0;

  constructor(options: GradientHealthOptions = {}) {
    super();
    const n = options.everyNBatches ?? 100;
    if (!Number.isInteger(n) || n < 0) throw new Error(`GradientHealth: everyNBatches must be a non-negative integer, received ${n}`);
    this.options = { ...options, everyNBatches: n };
  }

  /** The most recent report (undefined before the first). */
  get lastReport(): TimedReport | undefined {
    return this.reports[this.reports.length - 1];
  }

  private async take(batch: number): Promise<TimedReport | undefined> {
    const model = this.model;
    if (!model) return undefined;
    const probe = this.options.data ?? (model.lastTrainBatch ? [model.lastTrainBatch.xs, model.lastTrainBatch.ys] as [ModelData, ModelData] : undefined);
    if (!probe) return undefined;
    const report = { ...(await gradientReport(model, probe[0], probe[1], this.options)), epoch: this.epoch, batch };
    this.reports.push(report);
    return report;
  }

  override onTrainBegin(): void {
    this.reports = [];
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
  }

  override async onBatchEnd(batch: number): Promise<void> {
    const n = this.options.everyNBatches!;
    if (n > 0 && (batch + 1) % n === 0) await this.take(batch);
  }

  override async onEpochEnd(epoch: number, logs: Logs = {}): Promise<void> {
    // The weights have not changed since a report taken after the epoch's last batch: reuse it.
    const last = this.lastReport;
    let report: TimedReport | undefined;
    if (last && last.epoch === epoch && last.batch >= 0 && last.batch === (this.params.steps ?? 0) - 1) {
      report = { ...last, batch: -1 };
      this.reports.push(report);
    } else {
      report = await this.take(-1);
    }
    if (!report) return;
    logs.first_to_last_gradient_ratio = report.firstToLastGradientRatio;
    if ((this.options.record ?? 'all') === 'all') {
      for (const l of report.layers) {
        logs[`gradient_norm/${l.name}`] = l.gradientNorm;
        logs[`weight_norm/${l.name}`] = l.weightNorm;
        logs[`activation_mean/${l.name}`] = l.activationMean;
        logs[`activation_std/${l.name}`] = l.activationStd;
        logs[`dead_fraction/${l.name}`] = l.deadFraction;
        logs[`saturated_fraction/${l.name}`] = l.saturatedFraction;
      }
    }
    if ((this.options.verbose ?? 1) > 0 && report.warnings.length > 0) {
      const print = this.options.print ?? ((line: string) => stderr().write(`${line}\n`));
      for (const w of report.warnings) print(`GradientHealth (epoch ${epoch + 1}): ${w}`);
    }
  }

  override onTrainEnd(): void {
    if (this.model) this.model.lastTrainBatch = null;
  }
}

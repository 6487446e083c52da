// Dashboard: a fit callback that appends the run's curves and per-layer health to a JSON-lines log (and can serve the board live).
import { join } from 'node:path';
import { Callback, type Logs } from './callback.js';
import type { ModelData } from '../models/data.js';
import { gradientReport, type GradientReport, type LayerTensors } from '../diagnostics/report.js';
import type { ReportCache } from '../diagnostics/warnings.js';
import { StepReport } from '../diagnostics/step_report.js';
import { summaryOf } from '../models/summary.js';
import { leafLayers } from '../diagnostics/forward.js';
import { LineWriter } from './dashboard_writer.js';
import {
  LOG_FILE, finiteOrNull, freshRunDir, histogram, runFacts, timestampName,
  type HealthRecord, type Histogram,
} from './dashboard_log.js';

export interface DashboardOptions {
  /** Folder of runs: each fit writes `<logDir>/<run>/events.jsonl`. */
  logDir: string;
  /** Run folder name (default: the start time; `-2`, `-3` ... appended when taken). */
  runName?: string;
  /** Serve the board on this port during fit (0 = any free port); no server when absent. */
  port?: number;
  /** Address the board binds (default 127.0.0.1: this machine only). */
  host?: string;
  /** Per-layer health (gradient/weight norms, activation stats, histograms) every N training steps (default 100). */
  everyNSteps?: number;
  /**
   * Most of the training time health reports may take (default 0.005): after the first report (step 0), one
   * falls due only if the reports so far plus one more (as long as the last) stay within this fraction of
   * the run's time so far, so big models and short runs are probed less often. A report's time counts its figures,
   * histograms and the writing of its line, or, when longer, all that its step took beyond a typical step (watching the
   * forward, the step's unfused update, buffers it could not recycle) (`Infinity`: a report at every due step, whatever
   * it costs). What is not counted (garbage collection, cold caches after a report) is not small: with a 1% budget the
   * Dashboard measured 1.5-4% on the bench's W1 (0.7 ms steps) in paired runs, with reports off 0-1.7%
   * (bench/dashboard.ts); hence the half-percent default.
   */
  maxOverhead?: number;
  /** Histogram bins for weights, activations and gradients (default 30; 0 = no histograms). Each tensor contributes at most 8192 evenly strided values. */
  histogramBins?: number;
  /** A fixed probe batch `[x, y]` for health reports, each then a pass of its own in inference mode after its step (default: the step's batch). */
  data?: [ModelData, ModelData];
  /**
   * Longest time batch lines wait in memory before they are written (default 500 ms; 0 = every batch). The
   * run, epoch, health, note and end lines are written at once. Batch lines are written at the first batch
   * end at least this long after the last write (or once about 1 MB waits), so a killed run loses at most the
   * batch lines of the last `flushEveryMs` plus one step, and never a part of a line.
   */
  flushEveryMs?: number;
  /** Where the board's address is printed (default: stdout); null for silence. */
  print?: ((line: string) => void) | null;
}

/** The share of training time health reports may take by default (DashboardOptions.maxOverhead). */
export const DEFAULT_MAX_OVERHEAD = 0.005;

/** What a running board server offers the callback (src/board/server.ts). */
interface BoardHandle {
  url: string;
  close(): Promise<void>;
}

/**
 * Watch training: appends every batch's and epoch's logs, the learning rate and samples/s, and every
 * `everyNSteps` steps each layer's gradient and weight norms, activation mean/std, dead and saturated
 * fractions, histograms and health warnings (diagnostics.gradientReport's figures, read from the training step
 * itself) to `<logDir>/<run>/events.jsonl`,
 * one JSON object per line. With `port`, the board is served live while the process runs; later,
 * `npx layerwise board <logDir>` shows every run in the folder.
 * @example await model.fit(x, y, { callbacks: [new callbacks.Dashboard({ logDir: 'runs', port: 6006 })] });
 */
export class Dashboard extends Callback {
  /** The current (or last) run's folder and name. */
  runDir: string | null = null;
  runName: string | null = null;
  /** The live board's address once served. */
  url: string | null = null;
  private readonly options: DashboardOptions;
  private writer: LineWriter | null = null;
  private readonly flushEveryMs: number;
  private server: BoardHandle | null = null;
  private t0 = 0;
  private step = 0;
  private epoch = 0;
  private lastFlush = 0;
  private windowStart = 0;
  private windowSamples = 0;
  private sps: number | null = null;
  private batchSize = 0;
  private epochStart = 0;
  private epochSamples = 0;
  private lastBatchEnd = 0;
  /** When the current batch began, and a running estimate of a step without a report (ms; 0 until one is seen). */
  private batchStart = 0;
  private typicalStepMs = 0;
  private totalSamples = 0;
  private healthMs = 0;
  private lastHealthMs = 0;
  private healthReports = 0;
  private healthOff = false;
  /** Whether this step's health report is due (decided at batch begin), and the step report it rides on. */
  private due = false;
  private tapped: StepReport | null = null;
  private readonly hists = new Map<string, { weights: Histogram; activations: Histogram; gradients: Histogram }>();
  /** The model's structure facts the fit's reports share (read once per fit). */
  private cache: ReportCache = { activations: new Map() };

  constructor(options: DashboardOptions) {
    super();
    if (!options || typeof options.logDir !== 'string' || options.logDir === '') throw new Error(`Dashboard: logDir must be a folder path, received ${String(options?.logDir)}`);
    const n = options.everyNSteps ?? 100;
    if (!Number.isInteger(n) || n < 0) throw new Error(`Dashboard: everyNSteps must be a non-negative integer, received ${n}`);
    const bins = options.histogramBins ?? 30;
    if (!Number.isInteger(bins) || bins < 0) throw new Error(`Dashboard: histogramBins must be a non-negative integer, received ${bins}`);
    if (options.port !== undefined && (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)) {
      throw new Error(`Dashboard: port must be an integer in [0, 65535], received ${options.port}`);
    }
    const flush = options.flushEveryMs ?? 500;
    if (!(flush >= 0)) throw new Error(`Dashboard: flushEveryMs must be a non-negative number of milliseconds, received ${flush}`);
    this.flushEveryMs = flush;
    this.options = { ...options, everyNSteps: n, histogramBins: bins };
  }

  override async onTrainBegin(): Promise<void> {
    this.writer?.close();
    const run = freshRunDir(this.options.logDir, this.options.runName ?? timestampName());
    this.runDir = run.dir;
    this.runName = run.name;
    this.writer = new LineWriter(join(run.dir, LOG_FILE));
    this.t0 = performance.now();
    this.step = 0;
    this.lastFlush = this.windowStart = this.lastBatchEnd = this.t0;
    this.windowSamples = this.totalSamples = 0;
    this.sps = null;
    this.healthMs = 0;
    this.lastHealthMs = 0;
    this.healthReports = 0;
    this.healthOff = false;
    this.due = false;
    this.takeTapped();
    this.cache = { activations: new Map() };
    const model = this.model!;
    let summary = '';
    try {
      summary = summaryOf(model, { printFn: () => {} });
    } catch (e) {
      summary = `(no summary: ${(e as Error).message})`;
    }
    this.writer.push({
      type: 'run', name: run.name, startedAt: new Date().toISOString(), model: model.name, summary,
      layers: leafLayers(model).filter((l) => l.trainableWeights.length > 0).map((l) => l.name),
      params: { epochs: this.params.epochs, steps: this.params.steps }, facts: runFacts(),
    });
    this.writer.flush();
    if (this.options.port !== undefined && !this.server) {
      const print = this.options.print === undefined ? (line: string) => console.log(line) : this.options.print;
      // A board that cannot start (port taken) must not stop training: the log is still written.
      try {
        const { startBoard } = await import('../board/server.js');
        this.server = await startBoard({ logDir: this.options.logDir, port: this.options.port, host: this.options.host });
        this.url = this.server.url;
        print?.(`Dashboard: ${this.url} (later: npx layerwise board ${this.options.logDir})`);
      } catch (e) {
        print?.(`Dashboard: the board could not be served on port ${this.options.port} (${(e as Error).message}); writing ${this.runDir} only`);
      }
    }
  }

  override onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochStart = performance.now();
    this.epochSamples = 0;
  }

  override onBatchBegin(_batch: number, logs: Logs = {}): void {
    this.batchSize = logs.size ?? 0;
    this.batchStart = performance.now();
    const n = this.options.everyNSteps!;
    this.due = n > 0 && !this.healthOff && (this.step === 0 || (this.step + 1) % n === 0) && this.withinBudget();
    // The report rides on the step about to run (its own forward outputs and gradients) when it can.
    const model = this.model;
    if (this.due && !this.options.data && model && model.stepTap === null && StepReport.supports(model)) {
      this.tapped = new StepReport(model, { onLayerTensors: this.histogramsOf(), cache: this.cache });
      model.stepTap = this.tapped;
    }
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void | Promise<void> {
    const w = this.writer;
    if (!w) return;
    const now = performance.now();
    this.lastBatchEnd = now;
    this.windowSamples += this.batchSize;
    this.epochSamples += this.batchSize;
    this.totalSamples += this.batchSize;
    // Throughput and learning rate are sampled once per window (200 ms), so a batch costs one JSON line.
    let lr: number | null | undefined;
    if (now - this.windowStart >= 200 || this.step === 0) {
      if (now > this.windowStart) this.sps = (this.windowSamples * 1000) / (now - this.windowStart);
      this.windowStart = now;
      this.windowSamples = 0;
      lr = this.learningRate();
    }
    w.pushBatch(this.step, this.epoch, batch, now - this.t0, lr, this.sps, logs);
    const stepMs = now - this.batchStart;
    if (!this.due) {
      // Steps without a report set the typical step (a slow average: one outlier moves it little).
      this.typicalStepMs = this.typicalStepMs === 0 ? stepMs : 0.9 * this.typicalStepMs + 0.1 * stepMs;
      return this.afterBatch(false, now);
    }
    this.due = false;
    const tapped = this.takeTapped();
    if (tapped?.report || tapped?.error) {
      const written = performance.now();
      // The budget counts what the report's step cost beyond a typical step, when that is more than its figures.
      const extra = this.typicalStepMs > 0 ? Math.max(0, stepMs - this.typicalStepMs - tapped.ms) : 0;
      this.recordHealth(batch, tapped.startedAt, tapped.ms, tapped.report, tapped.error, extra);
      return this.afterHealth(written);
    }
    return this.health(batch).then(() => this.afterHealth(performance.now()));
  }

  /** After a health record: the step ends, the lines are written, and writing counts as part of the report's cost. */
  private afterHealth(since: number): void {
    this.afterBatch(true, since);
    const ms = performance.now() - since;
    this.healthMs += ms;
    this.lastHealthMs += ms;
  }

  /** Whether one more report (as long as the last) keeps the reports within maxOverhead of the run's time so far. */
  private withinBudget(): boolean {
    return this.step === 0 || this.healthMs + this.lastHealthMs <= (this.options.maxOverhead ?? DEFAULT_MAX_OVERHEAD) * (performance.now() - this.t0);
  }

  /** The step report set for this step, taken back from the model (a step that did not run it leaves it there). */
  private takeTapped(): StepReport | null {
    const t = this.tapped;
    this.tapped = null;
    if (t && this.model?.stepTap === t) this.model.stepTap = null;
    return t;
  }

  private afterBatch(force: boolean, now: number): void {
    this.step++;
    if (force || now - this.lastFlush >= this.flushEveryMs) {
      this.writer!.flush();
      this.lastFlush = now;
    }
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    const w = this.writer;
    if (!w) return;
    const trainMs = this.lastBatchEnd - this.epochStart;
    w.push({
      type: 'epoch', step: this.step - 1, epoch, t: performance.now() - this.t0, lr: this.learningRate(),
      sps: trainMs > 0 ? (this.epochSamples * 1000) / trainMs : null, logs: cleanLogs(logs),
    });
    w.flush();
    this.lastFlush = performance.now();
  }

  override onTrainEnd(): void {
    this.takeTapped();
    const w = this.writer;
    if (!w) return;
    const t = performance.now() - this.t0;
    w.push({ type: 'end', step: this.step, t, sps: t > 0 ? (this.totalSamples * 1000) / t : null, healthReports: this.healthReports, healthMs: this.healthMs });
    w.close();
    this.writer = null;
  }

  /** Stops the live board (if one was started). */
  async close(): Promise<void> {
    this.writer?.close();
    this.writer = null;
    const s = this.server;
    this.server = null;
    this.url = null;
    if (s) await s.close();
  }

  private learningRate(): number | null {
    try {
      return finiteOrNull(this.model?.optimizer?.learningRate);
    } catch {
      return null;
    }
  }

  /** Histograms of each reported layer's weights, output and gradients, kept by name until the record is written. */
  private histogramsOf(): ((name: string, t: LayerTensors) => void) | undefined {
    const bins = this.options.histogramBins!;
    this.hists.clear();
    if (bins === 0) return undefined;
    const hists = this.hists;
    // Values read in place (read only), not copied by dataSync(): a report stays light on garbage collection.
    return (name, t) => hists.set(name, {
      weights: histogram(t.weights.map((x) => x.data), bins),
      activations: histogram([t.output.data], bins),
      gradients: histogram(t.gradients.map((x) => x.data), bins),
    });
  }

  /** A report by a pass of its own (on the `data` batch, or when no step could carry it): diagnostics.gradientReport. */
  private async health(batch: number): Promise<void> {
    const model = this.model!;
    const probe = this.options.data ?? (model.lastTrainBatch ? [model.lastTrainBatch.xs, model.lastTrainBatch.ys] as [ModelData, ModelData] : undefined);
    if (!probe) return;
    const start = performance.now();
    let report: GradientReport | null = null;
    let error: Error | null = null;
    try {
      report = await gradientReport(model, probe[0], probe[1], { onLayerTensors: this.histogramsOf(), cache: this.cache });
    } catch (e) {
      error = e as Error;
    }
    this.recordHealth(batch, start, performance.now() - start, report, error);
  }

  private recordHealth(batch: number, start: number, ms: number, r: GradientReport | null, error: Error | null, extraMs = 0): void {
    if (!r) {
      this.healthOff = true;
      this.writer!.push({ type: 'note', step: this.step, t: start - this.t0, text: `health reports off: ${error?.message}` });
      return;
    }
    const hists = this.hists;
    const record: HealthRecord = {
      type: 'health', step: this.step, epoch: this.epoch, batch, t: start - this.t0,
      ratio: finiteOrNull(r.firstToLastGradientRatio), warnings: r.warnings, ms,
      layers: r.layers.map((l) => ({
        name: l.name, className: l.className, activation: l.activation,
        gradientNorm: finiteOrNull(l.gradientNorm), weightNorm: finiteOrNull(l.weightNorm),
        activationMean: finiteOrNull(l.activationMean), activationStd: finiteOrNull(l.activationStd),
        deadFraction: finiteOrNull(l.deadFraction), saturatedFraction: finiteOrNull(l.saturatedFraction),
        ...(hists.has(l.name) ? { hist: hists.get(l.name)! } : {}),
      })),
    };
    hists.clear();
    this.healthMs += ms + extraMs;
    this.lastHealthMs = ms + extraMs;
    this.healthReports++;
    this.writer!.push(record);
  }
}

/** Logs with NaN/Infinity as null (JSON cannot hold them) and without fit's bookkeeping keys. */
function cleanLogs(logs: Logs): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(logs)) {
    if (k === 'batch' || k === 'size') continue;
    out[k] = (Number.isFinite(v) ? v : null) as number;
  }
  return out;
}

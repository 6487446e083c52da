// The progress bar (Keras' Progbar line format) and ProgbarLogger, the callback fit adds when verbose > 0.
import { stdout } from '../utils/env.js';
import { Callback, type Logs } from './callback.js';

/** Where progress goes: process.stdout by default; any object with write() (and isTTY) for tests. */
export interface OutputStream {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface ProgbarOptions {
  /** Bar width in characters (default 30). */
  width?: number;
  /** 1: bar (redrawn in place on a TTY, one line per epoch otherwise); 2: one summary line per epoch. */
  verbose?: number;
  stream?: OutputStream;
  /** Seconds between redraws on a TTY (default 0.05). */
  interval?: number;
  unitName?: string;
  /** Clock in seconds (injectable for tests; default performance.now() / 1000). */
  now?: () => number;
}

/** Python's `{v:.4f}` when |v| > 1e-3, else `{v:.4e}` (exponent with at least two digits, 'nan', 'inf'). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (Math.abs(v) > 1e-3) return v.toFixed(4);
  return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Keras' _format_time: ' 3s/step', ' 2ms/step', ' 15us/step'. */
export function formatTime(seconds: number, unit: string): string {
  if (seconds >= 1 || seconds === 0) return ` ${seconds.toFixed(0)}s/${unit}`;
  if (seconds >= 1e-3) return ` ${(seconds * 1e3).toFixed(0)}ms/${unit}`;
  return ` ${(seconds * 1e6).toFixed(0)}us/${unit}`;
}

/**
 * Keras' progress bar: `1719/1719 [==============================] - 3s 2ms/step - loss: 0.4921 - accuracy: 0.8262`.
 * @example const bar = new Progbar(100); bar.update(50, [['loss', 0.3]]); bar.update(100, [['loss', 0.2]], true);
 */
export class Progbar {
  private readonly width: number;
  private readonly verbose: number;
  private readonly stream: OutputStream;
  private readonly interval: number;
  private readonly unitName: string;
  private readonly now: () => number;
  private readonly start: number;
  private lastUpdate = 0;
  private totalWidth = 0;

  /** @param target total steps, or null when unknown (a stream): Keras then draws `  37/Unknown`. */
  constructor(readonly target: number | null, options: ProgbarOptions = {}) {
    this.width = options.width ?? 30;
    this.verbose = options.verbose ?? 1;
    this.stream = options.stream ?? stdout();
    this.interval = options.interval ?? 0.05;
    this.unitName = options.unitName ?? 'step';
    this.now = options.now ?? (() => performance.now() / 1000);
    this.start = this.now();
  }

  private get dynamic(): boolean {
    return this.stream.isTTY === true;
  }

  private bar(current: number): string {
    if (this.target === null) return `${String(current).padStart(7)}/Unknown`;
    const digits = Math.floor(Math.log10(Math.max(1, this.target))) + 1;
    let bar = `${String(current).padStart(digits)}/${this.target} [`;
    const progWidth = Math.floor(this.width * (this.target > 0 ? current / this.target : 1));
    if (progWidth > 0) bar += '='.repeat(progWidth - 1) + (current < this.target ? '>' : '=');
    bar += '.'.repeat(Math.max(0, this.width - progWidth)) + ']';
    return bar;
  }

  private static values(values: readonly (readonly [string, number])[]): string {
    return values.map(([k, v]) => ` - ${k}: ${formatValue(v)}`).join('');
  }

  /** Draws progress at `current` steps; `finalize` ends the line (with the total time and time per step). */
  update(current: number, values: readonly (readonly [string, number])[] = [], finalize = false): void {
    const now = this.now();
    const elapsed = now - this.start;
    const perUnit = current > 0 ? elapsed / current : 0;
    if (this.verbose === 1) {
      if (!finalize && (!this.dynamic || now - this.lastUpdate < this.interval)) return;
      this.lastUpdate = now;
      const prev = this.totalWidth;
      const bar = this.bar(current);
      let info: string;
      if (finalize || this.target === null) {
        info = ` - ${elapsed.toFixed(0)}s${formatTime(perUnit, this.unitName)}`;
      } else {
        const eta = perUnit * (this.target - current);
        const etaText = eta > 3600
          ? `${Math.floor(eta / 3600)}:${String(Math.floor((eta % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(eta % 60)).padStart(2, '0')}`
          : eta > 60 ? `${Math.floor(eta / 60)}:${String(Math.floor(eta % 60)).padStart(2, '0')}` : `${Math.floor(eta)}s`;
        info = ` - ETA: ${etaText}`;
      }
      info += Progbar.values(values);
      this.totalWidth = bar.length + info.length;
      if (prev > this.totalWidth) info += ' '.repeat(prev - this.totalWidth);
      const prefix = this.dynamic ? '\r' : '';
      this.stream.write(`${prefix}${bar}${info}${finalize ? '\n' : ''}`);
    } else if (this.verbose === 2 && finalize) {
      const digits = Math.floor(Math.log10(Math.max(1, this.target ?? current))) + 1;
      let line = `${String(current).padStart(digits)}/${this.target ?? 'Unknown'} - ${elapsed.toFixed(0)}s`;
      line += Progbar.values(values);
      line += ` -${formatTime(elapsed, 'epoch')} -${formatTime(perUnit, this.unitName)}`;
      this.stream.write(`${line}\n`);
    }
  }
}

export interface ProgbarLoggerOptions {
  stream?: OutputStream;
  /** Overrides fit's verbose (1 or 2). */
  verbose?: number;
  /** Clock in seconds, for tests. */
  now?: () => number;
}

/** Prints `Epoch i/n` and the progress bar during fit (added by fit when verbose > 0 and none is given). */
export class ProgbarLogger extends Callback {
  private bar: Progbar | null = null;
  private seen = 0;

  constructor(private readonly options: ProgbarLoggerOptions = {}) {
    super();
  }

  private get verbose(): number {
    return this.options.verbose ?? this.params.verbose ?? 1;
  }

  private stream(): OutputStream {
    return this.options.stream ?? stdout();
  }

  override onEpochBegin(epoch: number): void {
    this.seen = 0;
    if (!this.verbose) return;
    if (this.params.epochs > 1) this.stream().write(`Epoch ${epoch + 1}/${this.params.epochs}\n`);
    this.bar = new Progbar(this.params.steps, { verbose: this.verbose, stream: this.stream(), now: this.options.now });
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    this.seen = batch + 1;
    this.bar?.update(this.seen, Object.entries(logs));
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    this.bar?.update(this.seen, Object.entries(logs), true);
    this.bar = null;
  }
}

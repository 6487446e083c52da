// CSVLogger: one CSV row per epoch (epoch, then the logs' keys in sorted order, as Keras writes them).
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Callback, type Logs } from './callback.js';

export interface CSVLoggerOptions {
  separator?: string;
  /** Append to an existing file (no second header) instead of overwriting it. */
  append?: boolean;
}

/**
 * Keras' CSVLogger.
 * @example new callbacks.CSVLogger('training.csv')
 */
export class CSVLogger extends Callback {
  private keys: string[] | null = null;
  private readonly separator: string;

  constructor(readonly filename: string, private readonly options: CSVLoggerOptions = {}) {
    super();
    this.separator = options.separator ?? ',';
  }

  override onTrainBegin(): void {
    this.keys = null;
    const hasContent = existsSync(this.filename) && readFileSync(this.filename, 'utf8').length > 0;
    if (this.options.append && hasContent) {
      const header = readFileSync(this.filename, 'utf8').split('\n')[0];
      this.keys = header.split(this.separator).slice(1);
    } else {
      writeFileSync(this.filename, '');
    }
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    if (!this.keys) {
      this.keys = Object.keys(logs).sort();
      appendFileSync(this.filename, `${['epoch', ...this.keys].join(this.separator)}\n`);
    }
    const row = [String(epoch), ...this.keys.map((k) => (k in logs ? formatNumber(logs[k]) : 'NA'))];
    appendFileSync(this.filename, `${row.join(this.separator)}\n`);
  }
}

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}

// The dashboard's run log: record types (one JSON object per line), the append-only line writer, histograms and run facts.
import { closeSync, mkdirSync, openSync, writeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { backendInfo } from '../backend/registry.js';

/** A histogram of values over `bins` equal bins from `min` to `max` (NaN and infinite values counted apart). */
export interface Histogram {
  min: number;
  max: number;
  counts: number[];
  /** Values that were NaN or infinite (not in counts). */
  nonFinite: number;
}

/** First line: who trained what, where. */
export interface RunRecord {
  type: 'run';
  name: string;
  startedAt: string;
  model: string;
  summary: string;
  /** Layers the health records report on, in model order. */
  layers: string[];
  params: { epochs: number; steps: number | null };
  facts: RunFacts;
}

export interface RunFacts {
  backend: string;
  /** The kernels' instruction-set path from backendInfo(), null for the reference backend. */
  isa: string | null;
  threads: number | null;
  cpu: string | null;
  node: string;
}

/** One training batch: fit's running logs, and throughput (samples/s over the last 200 ms window). */
export interface BatchRecord {
  type: 'batch';
  step: number;
  epoch: number;
  batch: number;
  /** Milliseconds since the run started. */
  t: number;
  /** The learning rate, on the first batch of each 200 ms window (absent on the others). */
  lr?: number | null;
  sps: number | null;
  logs: Record<string, number>;
}

/** One epoch end: the epoch logs (val_* included) and the epoch's training throughput. */
export interface EpochRecord {
  type: 'epoch';
  /** The epoch's last step. */
  step: number;
  epoch: number;
  t: number;
  lr: number | null;
  sps: number | null;
  logs: Record<string, number>;
}

/** Per-layer health at one step (diagnostics.gradientReport), with histograms of weights, activations, gradients. */
export interface HealthRecord {
  type: 'health';
  step: number;
  epoch: number;
  batch: number;
  t: number;
  ratio: number | null;
  warnings: string[];
  layers: Array<{
    name: string;
    className: string;
    activation: string | null;
    gradientNorm: number | null;
    weightNorm: number | null;
    activationMean: number | null;
    activationStd: number | null;
    deadFraction: number | null;
    saturatedFraction: number | null;
    hist?: { weights: Histogram; activations: Histogram; gradients: Histogram };
  }>;
  /** Milliseconds the report took. */
  ms: number;
}

export interface EndRecord {
  type: 'end';
  step: number;
  t: number;
  sps: number | null;
  /** Health reports taken and the time they cost, for the overhead figure. */
  healthReports: number;
  healthMs: number;
}

/** Something the board should show on the timeline that is no figure (health reports turned off, ...). */
export interface NoteRecord {
  type: 'note';
  step: number;
  t: number;
  text: string;
}

export type LogRecord = RunRecord | BatchRecord | EpochRecord | HealthRecord | EndRecord | NoteRecord;

/** The name of the log file inside a run's folder. */
export const LOG_FILE = 'events.jsonl';

/** Values a histogram reads per array at most: larger arrays are read at an even stride (a cap on its cost). */
export const HISTOGRAM_SAMPLE = 8192;

/**
 * Histogram of several arrays together, `bins` equal bins between the finite min and max. An array longer
 * than `sample` values contributes every k-th value (k = ceil(length / sample)).
 */
export function histogram(arrays: ArrayLike<number>[], bins = 30, sample = HISTOGRAM_SAMPLE): Histogram {
  let min = Infinity, max = -Infinity, nonFinite = 0;
  const strides = arrays.map((a) => Math.max(1, Math.ceil(a.length / sample)));
  arrays.forEach((a, j) => {
    for (let i = 0; i < a.length; i += strides[j]) {
      const v = a[i];
      if (v - v !== 0) continue; // NaN or infinite
      if (v < min) min = v;
      if (v > max) max = v;
    }
  });
  const counts = new Array<number>(bins).fill(0);
  if (!(min <= max)) min = max = 0;
  const width = (max - min) / bins;
  arrays.forEach((a, j) => {
    for (let i = 0; i < a.length; i += strides[j]) {
      const v = a[i];
      if (v - v !== 0) { nonFinite++; continue; }
      counts[width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0]++;
    }
  });
  return { min, max, counts, nonFinite };
}

/** JSON has no NaN or Infinity: such numbers are written as null. */
export function finiteOrNull(v: number | undefined): number | null {
  return v !== undefined && Number.isFinite(v) ? v : null;
}

/** Backend, instruction set, threads, CPU: `backendInfo()` is used when the backend module exports it. */
export function runFacts(): RunFacts {
  const info = backendInfo();
  return { backend: info.backend, isa: info.isa, threads: info.threads, cpu: info.cpu, node: process.version };
}

/** A run folder name that does not exist yet: `base`, else `base-2`, `base-3`, ... */
export function freshRunDir(logDir: string, base: string): { name: string; dir: string } {
  mkdirSync(logDir, { recursive: true });
  for (let i = 1; ; i++) {
    const name = i === 1 ? base : `${base}-${i}`;
    const dir = join(logDir, name);
    if (existsSync(dir)) continue;
    try {
      mkdirSync(dir);
      return { name, dir };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/**
 * Appends whole lines to a file opened in append mode. Lines wait in memory until flush; each flush is
 * one write of complete lines, so a killed process leaves a log that is readable up to its last line.
 */
export class LineWriter {
  private fd: number | null;
  private pending: string[] = [];

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  push(record: LogRecord): void {
    this.pending.push(JSON.stringify(record));
  }

  get pendingLines(): number {
    return this.pending.length;
  }

  flush(): void {
    if (this.fd === null || this.pending.length === 0) return;
    const text = this.pending.join('\n') + '\n';
    this.pending = [];
    writeSync(this.fd, text);
  }

  close(): void {
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** Default run folder name: the start time, `2026-12-07T02-30-00`. */
export function timestampName(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

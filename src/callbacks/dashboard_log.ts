// The dashboard's run log: record types (one JSON object per line), histograms and run facts (its writer: dashboard_writer.ts).
import { mkdirSync, existsSync } from 'node:fs';
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

/** One training batch: fit's running logs, and throughput (samples/s over the last 200 ms window, whole number). */
export interface BatchRecord {
  type: 'batch';
  step: number;
  epoch: number;
  batch: number;
  /** Milliseconds since the run started (to 0.01 ms). */
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
  // NOTE: plain indexed loops with local accumulators (closures kept them in a heap context), one branch per value
  // (NaN fails every comparison, an infinite value lies outside the finite [min, max]) and the counts in an
  // Int32Array: a health report of a deep model reads hundreds of thousands of values.
  let min = Infinity, max = -Infinity;
  for (let j = 0; j < arrays.length; j++) {
    const a = arrays[j], n = a.length, stride = n > sample ? Math.ceil(n / sample) : 1;
    for (let i = 0; i < n; i += stride) {
      const v = a[i];
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  // An infinite value took the place of the finite min or max: find them again among the finite values.
  if (min === -Infinity || max === Infinity) [min, max] = finiteRange(arrays, sample);
  if (!(min <= max)) min = max = 0;
  const width = (max - min) / bins;
  const last = bins - 1;
  const c = new Int32Array(Math.max(bins, 1));
  let nonFinite = 0;
  for (let j = 0; j < arrays.length; j++) {
    const a = arrays[j], n = a.length, stride = n > sample ? Math.ceil(n / sample) : 1;
    if (width > 0) {
      for (let i = 0; i < n; i += stride) {
        const v = a[i];
        if (v >= min && v <= max) {
          const b = ((v - min) / width) | 0; // floor: the value is at least min
          c[b > last ? last : b]++;
        } else nonFinite++;
      }
    } else {
      for (let i = 0; i < n; i += stride) {
        const v = a[i];
        if (v - v === 0) c[0]++;
        else nonFinite++;
      }
    }
  }
  const counts = new Array<number>(bins);
  for (let b = 0; b < bins; b++) counts[b] = c[b];
  return { min, max, counts, nonFinite };
}

/** The finite min and max of the sampled values ([Infinity, -Infinity] when there is none). */
function finiteRange(arrays: ArrayLike<number>[], sample: number): [number, number] {
  let min = Infinity, max = -Infinity;
  for (const a of arrays) {
    const stride = a.length > sample ? Math.ceil(a.length / sample) : 1;
    for (let i = 0; i < a.length; i += stride) {
      const v = a[i];
      if (v - v !== 0) continue; // NaN or infinite
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return [min, max];
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

/** Default run folder name: the start time, `2026-12-07T02-30-00`. */
export function timestampName(date = new Date()): string {
  return date.toISOString().slice(0, 19).replace(/:/g, '-');
}

// Spread over seeds and verdicts that must hold in every seed: the lab's thresholds live here, stated once.
import { fmt } from './report.js';

/** The thresholds behind the report's verdicts (the summary table states each beside its verdict). */
export const THRESHOLDS = {
  /** First hidden layer's gradient norm over the output layer's: below this, the gradients vanish (diagnostics' default). */
  vanishingRatio: 1e-3,
  /** ... and above this they explode. */
  explodingRatio: 1e3,
  /** SELU self-normalization: every hidden layer's output std, at initialization, within [1 / x, x]. */
  seluStdFactor: 2,
  /** The book's accuracy for its BN model (Fashion-MNIST test set, 10 epochs of SGD 1e-3). */
  bookBnAccuracy: 0.85,
  /** A running loss this many times its first value (and ending above it) means the training exploded. */
  explodedLossFactor: 2,
  /** A gradient norm (before clipping) this many times the first step's means the gradients exploded. */
  explodedGradientFactor: 100,
} as const;

/** Median, range, mean and sample standard deviation of per-seed values (NaN entries are kept out of all but n). */
export interface Spread {
  n: number;
  finite: number;
  median: number;
  min: number;
  max: number;
  mean: number;
  std: number;
}

export function spread(values: readonly number[]): Spread {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  const m = xs.length;
  if (m === 0) return { n: values.length, finite: 0, median: NaN, min: NaN, max: NaN, mean: NaN, std: NaN };
  const median = m % 2 === 1 ? xs[(m - 1) / 2] : (xs[m / 2 - 1] + xs[m / 2]) / 2;
  const mean = xs.reduce((a, b) => a + b, 0) / m;
  const std = m > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (m - 1)) : 0;
  return { n: values.length, finite: m, median, min: xs[0], max: xs[m - 1], mean, std };
}

/** The median [min, max] of per-seed values, e.g. '2.10e-3 [6.19e-4, 2.60e-2]' (says how many seeds gave NaN/inf). */
export function fmtSpread(values: readonly number[], digits = 4): string {
  const s = spread(values);
  if (s.n === 1) return fmt(values[0], digits);
  const bad = s.n - s.finite;
  // One notation for the three numbers: scientific as soon as one of them is small (ranges often span decades).
  const sci = [s.median, s.min, s.max].some((v) => v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e6));
  const f = (v: number): string => (sci ? v.toExponential(2) : fmt(v, digits));
  const range = s.finite > 0 ? `${f(s.median)} [${f(s.min)}, ${f(s.max)}]` : 'no finite value';
  return bad > 0 ? `${range} (${bad} of ${s.n} non-finite)` : range;
}

/** 'mean 0.8912 ± 0.0031' (sample standard deviation). */
export function fmtMeanStd(values: readonly number[], digits = 4): string {
  const s = spread(values);
  return `${fmt(s.mean, digits)} ± ${fmt(s.std, digits)}`;
}

/** How many seeds support a statement, and what the report may say about it. */
export interface Verdict {
  support: number;
  n: number;
  /** Every seed supports it. */
  holds: boolean;
  /** '**holds**: below 1e-3 in 5 of 5 seeds', 'not reproduced: ... in 3 of 5 seeds', '**does not hold**: ... in 0 of 5 seeds'. */
  text: string;
}

/**
 * The verdict on a statement tested once per seed: it "holds" only when every seed supports it; otherwise
 * the text says how many do. `statement` reads after the value, e.g. 'below 1e-3'.
 * @example verdict([1e-4, 2e-4], (r) => r < 1e-3, 'below 1e-3').text === '**holds**: below 1e-3 in 2 of 2 seeds'
 */
export function verdict<T>(perSeed: readonly T[], test: (value: T, seed: number) => boolean, statement: string): Verdict {
  const n = perSeed.length;
  const support = perSeed.filter((v, i) => test(v, i)).length;
  const counted = `${statement} in ${support} of ${n} seed${n === 1 ? '' : 's'}`;
  const holds = n > 0 && support === n;
  const text = holds ? `**holds**: ${counted}` : support === 0 ? `**does not hold**: ${counted}` : `not reproduced: ${counted}`;
  return { support, n, holds, text };
}

/** Paired per-seed comparison: a[i] > b[i] in how many seeds. */
export function pairedVerdict(a: readonly number[], b: readonly number[], statement: string): Verdict {
  if (a.length !== b.length) throw new Error(`pairedVerdict: expected as many values on both sides, received ${a.length} and ${b.length}`);
  return verdict(a, (v, i) => v > b[i], statement);
}

/** Whether the closed ranges [min, max] of two sets of per-seed values overlap (false when either has no finite value). */
export function rangesOverlap(a: readonly number[], b: readonly number[]): boolean {
  const [x, y] = [spread(a), spread(b)];
  if (x.finite === 0 || y.finite === 0) return false;
  return x.min <= y.max && y.min <= x.max;
}

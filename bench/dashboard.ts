// Dashboard overhead: W1 and W3 trained by fit with and without callbacks.Dashboard (default settings), paired per round.
// `npm run bench` runs it after the peers (skip: `--no-dashboard`); alone: `npm run build:test && node build/bench/dashboard.js [rounds] [--empty] [--only=W1]`
// (rounds: default DASHBOARD_ROUNDS, 31 for W1 and 15 for W3)
// (--empty adds a fit with an empty callback to each round: what attaching any callback costs; --only: those workloads).
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { callbacks, getBackend } from '../src/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { BATCH, N_FEATURES, makeDataset, type Dataset } from './common.js';
import { buildSequential } from './sequential.js';
import { median } from './rounds.js';
import type { WorkloadName } from './workloads.js';

export interface DashboardOverhead {
  workload: WorkloadName;
  samples: number;
  /** Median samples/s without and with the Dashboard. */
  plain: number;
  dashboard: number;
  /** Median over rounds of (with / without) - 1: the throughput lost (negative = slower). */
  change: number;
  /** Lowest and highest per-round change, and the middle half of them (quartiles), for the spread. */
  changeRange: [number, number];
  changeIqr: [number, number];
  /**
   * A 95% confidence interval of the median change, distribution-free (order statistics of the per-round changes,
   * binomial ranks): the change the Dashboard causes lies in it unless the rounds are not independent.
   */
  changeCi: [number, number];
  /** The same, on the process's CPU time per fit (user + system; less sensitive to other processes on a shared machine). */
  cpuChange: number;
  /**
   * The same on the main thread's own time on a CPU (Linux /proc schedstat, ns; null elsewhere): no GC helper or
   * kernel worker threads, and no time waiting for a CPU, so the least disturbed by a loaded machine.
   */
  mainCpuChange: number | null;
  /** Per round: [without, with] samples/s. */
  rounds: Array<[number, number]>;
  /** Median garbage-collection time per fit (ms) without and with the Dashboard (an indirect cost). */
  gcMs: [number, number];
  /** Health reports taken per fit and their time (last round). */
  healthReports: number;
  healthMs: number;
  /** Median over rounds of the time spent inside the Dashboard's hooks / the fit's time (a direct, less noisy figure). */
  hookShare: number;
  /** Median time of one batch's Dashboard hooks (µs) and of one training step with the Dashboard (ms), last round. */
  batchHookUs: number;
  stepMs: number;
  /** The fit with an empty callback (bench/dashboard.ts --empty only): median paired change against no callback. */
  emptyChange?: number;
  /** 1-minute load average before and after the workload's rounds (the machine may be shared). */
  load: [number, number];
}

/** The Dashboard with its hooks timed: `ms` is the time spent inside them (timing adds no await of its own). */
class TimedDashboard extends callbacks.Dashboard {
  ms = 0;
  /** Per batch: time in onBatchBegin + onBatchEnd. */
  batches: number[] = [];
  private begin = 0;

  override async onTrainBegin(): Promise<void> {
    const t = performance.now();
    await super.onTrainBegin();
    this.ms += performance.now() - t;
  }

  override onBatchBegin(batch: number, logs?: callbacks.Logs): void {
    const t = performance.now();
    super.onBatchBegin(batch, logs);
    this.begin = performance.now() - t;
    this.ms += this.begin;
  }

  override onBatchEnd(batch: number, logs?: callbacks.Logs): void | Promise<void> {
    const t = performance.now();
    const r = super.onBatchEnd(batch, logs);
    if (r) return r.then(() => this.batchDone(t));
    this.batchDone(t);
  }

  private batchDone(t: number): void {
    const dt = performance.now() - t;
    this.ms += dt;
    this.batches.push(this.begin + dt);
  }

  override onEpochEnd(epoch: number, logs?: callbacks.Logs): void {
    const t = performance.now();
    super.onEpochEnd(epoch, logs);
    this.ms += performance.now() - t;
  }

  override onTrainEnd(): void {
    const t = performance.now();
    super.onTrainEnd();
    this.ms += performance.now() - t;
  }
}

/** A callback that does nothing: what attaching any callback costs fit. */
class EmptyCallback extends callbacks.Callback {}

/**
 * Paired rounds per workload by default: on a shared 2-core machine whole seconds run up to 2x slower (other tenants),
 * and a round that straddles such a change is an outlier; the median's 95% interval narrows to a few points with
 * about 31 rounds of W1 (0.5-1.4 s fits) and 15 of W3 (1.5-2.5 s).
 */
export const DASHBOARD_ROUNDS: Record<'W1' | 'W3', number> = { W1: 31, W3: 15 };

/** Training before the rounds (ms, at least one fit of each kind): the process settles (see dashboardBench). */
const WARMUP_MS = 10_000;

/** Samples per fit: W1 one pass over the bench's 60,000 rows, W3 (~6x slower per sample) a third of them. */
const SAMPLES: Record<string, number> = { W1: 60_000, W3: 19_200 };

let gcMs = 0;
const gcObserver = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
});

interface FitTime { sps: number; ms: number; cpuMs: number; mainCpuMs: number | null; gcMs: number }

/** The main thread's time on a CPU so far (ms), from /proc/self/task/<pid>/schedstat; null where there is none. */
function mainThreadCpuMs(): number | null {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return null;
  }
}

async function timedFit(d: Dataset, model: ReturnType<typeof buildSequential>['model'], n: number, cbs: callbacks.Callback[]): Promise<FitTime> {
  const x = new Tensor(d.x.subarray(0, n * N_FEATURES), [n, N_FEATURES], 'float32');
  const y = new Tensor(d.y.subarray(0, n), [n], 'int32');
  gcMs = 0;
  const c = process.cpuUsage();
  const main = mainThreadCpuMs();
  const t = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0, callbacks: cbs });
  const ms = performance.now() - t;
  const mainEnd = mainThreadCpuMs();
  const cpu = process.cpuUsage(c);
  // GC entries are delivered asynchronously: let them arrive before reading the sum.
  await new Promise((r) => setTimeout(r, 0));
  return { sps: (n * 1000) / ms, ms, cpuMs: (cpu.user + cpu.system) / 1000, mainCpuMs: main === null || mainEnd === null ? null : mainEnd - main, gcMs };
}

/** BENCH_DASHBOARD_OPTIONS (JSON) overrides the Dashboard's defaults, to see what each part costs (e.g. '{"everyNSteps":0}'). */
function extraOptions(): Record<string, unknown> {
  return JSON.parse(process.env.BENCH_DASHBOARD_OPTIONS ?? '{}') as Record<string, unknown>;
}

/**
 * 95% confidence interval of the median of `values` from their order statistics: the k-th smallest and k-th largest,
 * with k the largest rank such that P(Binomial(n, 1/2) < k) <= 2.5% (the whole range when n < 6).
 */
export function medianCi(values: number[]): [number, number] {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  // P(B < k) for k = 1, 2, ...: the cumulative binomial(n, 1/2) probabilities, summed in logs for large n.
  let k = 0, cdf = 0;
  let logC = 0; // log C(n, j)
  for (let j = 0; j < n; j++) {
    if (j > 0) logC += Math.log((n - j + 1) / j);
    const next = cdf + Math.exp(logC - n * Math.LN2);
    if (next > 0.025) break;
    cdf = next;
    k = j + 1;
  }
  return k === 0 ? [s[0], s[n - 1]] : [s[k - 1], s[n - k]];
}

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}

/**
 * Each round trains one epoch without and one with the Dashboard at its default settings (order alternating
 * between rounds; with `empty`, a third fit with an empty callback) on the same model, after a warm-up fit of
 * each kind; the overhead is the median of the per-round ratios, with their range and quartiles.
 */
export async function dashboardBench(rounds: number | Partial<Record<WorkloadName, number>> = DASHBOARD_ROUNDS, workloads: WorkloadName[] = ['W1', 'W3'], data: Dataset = makeDataset(), options: { empty?: boolean } = {}): Promise<DashboardOverhead[]> {
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'lw-dash-bench-'));
  const out: DashboardOverhead[] = [];
  gcObserver.observe({ entryTypes: ['gc'] });
  try {
    for (const w of workloads) {
      const roundsOf = typeof rounds === 'number' ? rounds : rounds[w] ?? 9;
      const { model } = buildSequential(w, data);
      const n = SAMPLES[w] ?? 9_600;
      const load0 = os.loadavg()[0];
      // Warm-up of both kinds, full fits for WARMUP_MS: first-call compilation, and V8's young generation grows
      // to its working size (its scavenges halve after ~6 s of W1), before the rounds compare anything.
      const warmStart = performance.now();
      for (let k = 0; k < 2 || performance.now() - warmStart < WARMUP_MS; k++) {
        await timedFit(data, model, n, k % 2 === 0 ? [] : [new callbacks.Dashboard({ logDir, runName: `${w}-warm-${k}`, ...extraOptions() })]);
      }
      const plain: FitTime[] = [], dashed: FitTime[] = [], empty: FitTime[] = [];
      const shares: number[] = [];
      let batchHookUs = 0, stepMs = 0;
      for (let r = 0; r < roundsOf; r++) {
        const dash = new TimedDashboard({ logDir, runName: `${w}-${r}`, ...extraOptions() });
        const kinds: Array<() => Promise<void>> = [
          async () => { plain.push(await timedFit(data, model, n, [])); },
          async () => { dashed.push(await timedFit(data, model, n, [dash])); },
          ...(options.empty ? [async () => { empty.push(await timedFit(data, model, n, [new EmptyCallback()])); }] : []),
        ];
        for (const run of r % 2 === 0 ? kinds : [...kinds].reverse()) await run();
        const f = dashed[dashed.length - 1];
        shares.push(dash.ms / f.ms);
        batchHookUs = median(dash.batches)! * 1000;
        stepMs = f.ms / Math.ceil(n / BATCH);
      }
      const { readRun } = await import('../src/board/runlog.js');
      const end = readRun(logDir, `${w}-${roundsOf - 1}`)?.records.find((x) => x.type === 'end') as { healthReports: number; healthMs: number } | undefined;
      const change = plain.map((p, i) => dashed[i].sps / p.sps - 1);
      out.push({
        workload: w, samples: n,
        plain: median(plain.map((p) => p.sps))!, dashboard: median(dashed.map((p) => p.sps))!,
        change: median(change)!, changeRange: [Math.min(...change), Math.max(...change)], changeIqr: [quantile(change, 0.25), quantile(change, 0.75)], changeCi: medianCi(change),
        cpuChange: median(plain.map((p, i) => p.cpuMs / dashed[i].cpuMs - 1))!,
        mainCpuChange: plain.every((p, i) => p.mainCpuMs && dashed[i].mainCpuMs) ? median(plain.map((p, i) => p.mainCpuMs! / dashed[i].mainCpuMs! - 1))! : null,
        rounds: plain.map((p, i) => [p.sps, dashed[i].sps]),
        gcMs: [median(plain.map((p) => p.gcMs))!, median(dashed.map((p) => p.gcMs))!],
        healthReports: end?.healthReports ?? 0, healthMs: end?.healthMs ?? 0, hookShare: median(shares)!, batchHookUs, stepMs,
        ...(options.empty ? { emptyChange: median(plain.map((p, i) => empty[i].sps / p.sps - 1))! } : {}),
        load: [load0, os.loadavg()[0]],
      });
    }
  } finally {
    gcObserver.disconnect();
    await rm(logDir, { recursive: true, force: true });
  }
  return out;
}

/** Markdown table of the figures. */
export function dashboardMarkdown(rows: DashboardOverhead[], cpu: string): string {
  const pct = (v: number, d = 1): string => `${(v * 100).toFixed(d)}%`;
  const lines = [
    `Dashboard overhead (default settings, fit of one epoch, batch ${BATCH}, paired rounds in alternating order, backend ${getBackend()}, ${cpu})`, '',
    '| workload | paired rounds | samples per fit | without samples/s | with Dashboard samples/s | median paired change (95% interval; range; quartiles) | on CPU time | on main-thread CPU time | time in Dashboard hooks | health reports (ms) | median batch hook / step | GC ms per fit without / with | load avg |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.workload} | ${r.rounds.length} | ${r.samples} | ${Math.round(r.plain)} | ${Math.round(r.dashboard)} | ` +
      `${pct(r.change)} (${pct(r.changeCi[0])} to ${pct(r.changeCi[1])}; ${pct(r.changeRange[0])} to ${pct(r.changeRange[1])}; ${pct(r.changeIqr[0])} to ${pct(r.changeIqr[1])}) | ` +
      `${pct(r.cpuChange)} | ${r.mainCpuChange === null ? 'n/a' : pct(r.mainCpuChange)} | ${pct(r.hookShare, 2)} | ${r.healthReports} (${r.healthMs.toFixed(0)}) | ${r.batchHookUs.toFixed(1)} us / ${r.stepMs.toFixed(2)} ms | ` +
      `${r.gcMs[0].toFixed(0)} / ${r.gcMs[1].toFixed(0)} | ${r.load[0].toFixed(1)}-${r.load[1].toFixed(1)} |`);
  }
  const empty = rows.filter((r) => r.emptyChange !== undefined);
  if (empty.length > 0) lines.push('', `An empty callback: median paired change ${empty.map((r) => `${r.workload} ${pct(r.emptyChange!)}`).join(', ')}.`);
  return lines.join('\n') + '\n';
}

async function cpuModel(): Promise<string> {
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const given = args.find((a) => /^\d+$/.test(a));
  const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') as WorkloadName[] | undefined;
  const rows = await dashboardBench(given === undefined ? DASHBOARD_ROUNDS : Number(given), only ?? ['W1', 'W3'], makeDataset(), { empty: args.includes('--empty') });
  const md = dashboardMarkdown(rows, await cpuModel());
  console.log(md);
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'dashboard.json'), JSON.stringify({ cpu: await cpuModel(), backend: getBackend(), rows }, null, 2) + '\n');
  await writeFile(path.join(dir, 'dashboard.md'), md);
}

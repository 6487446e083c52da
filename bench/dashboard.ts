// Dashboard overhead: W1 and W3 trained by fit with and without callbacks.Dashboard (default settings), paired per round.
// `npm run bench` runs it after the peers (skip: `--no-dashboard`); alone: `npm run build:test && node build/bench/dashboard.js [rounds]`.
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
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
  /** Per round: [without, with] samples/s. */
  rounds: Array<[number, number]>;
  /** Health reports taken per fit and their time (last round). */
  healthReports: number;
  healthMs: number;
  /** Median over rounds of the time spent inside the Dashboard's hooks / the fit's time (a direct, less noisy figure). */
  hookShare: number;
  /** Median time of one batch's Dashboard hooks (µs) and of one training step with the Dashboard (ms), last round. */
  batchHookUs: number;
  stepMs: number;
}

/** The Dashboard with its hooks timed: `ms` is the time spent inside them. */
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

  override async onBatchEnd(batch: number, logs?: callbacks.Logs): Promise<void> {
    const t = performance.now();
    await super.onBatchEnd(batch, logs);
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

/** Samples per fit: W1 one pass over the bench's 60,000 rows, W3 (~6x slower per sample) a third of them. */
const SAMPLES: Record<string, number> = { W1: 60_000, W3: 19_200 };

let lastFitMs = 0;

async function timedFit(d: Dataset, model: ReturnType<typeof buildSequential>['model'], n: number, cbs: callbacks.Callback[]): Promise<number> {
  const x = new Tensor(d.x.subarray(0, n * N_FEATURES), [n, N_FEATURES], 'float32');
  const y = new Tensor(d.y.subarray(0, n), [n], 'int32');
  const t = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0, callbacks: cbs });
  lastFitMs = performance.now() - t;
  return (n * 1000) / lastFitMs;
}

/**
 * Each round trains one epoch without and one with the Dashboard (order alternating between rounds) on the
 * same model; the overhead is the median of the per-round ratios.
 */
export async function dashboardBench(rounds = 5, workloads: WorkloadName[] = ['W1', 'W3'], data: Dataset = makeDataset()): Promise<DashboardOverhead[]> {
  const logDir = await mkdtemp(path.join(os.tmpdir(), 'lw-dash-bench-'));
  const out: DashboardOverhead[] = [];
  try {
    for (const w of workloads) {
      const { model } = buildSequential(w, data);
      const n = SAMPLES[w] ?? 9_600;
      await timedFit(data, model, Math.min(n, 3200), []); // warm-up
      const pairs: Array<[number, number]> = [];
      const shares: number[] = [];
      let batchHookUs = 0, stepMs = 0;
      for (let r = 0; r < rounds; r++) {
        const dash = new TimedDashboard({ logDir, runName: `${w}-${r}` });
        let plain: number, withDash: number, dashMs: number;
        if (r % 2 === 0) {
          plain = await timedFit(data, model, n, []);
          withDash = await timedFit(data, model, n, [dash]);
          dashMs = lastFitMs;
        } else {
          withDash = await timedFit(data, model, n, [dash]);
          dashMs = lastFitMs;
          plain = await timedFit(data, model, n, []);
        }
        pairs.push([plain, withDash]);
        shares.push(dash.ms / dashMs);
        batchHookUs = median(dash.batches)! * 1000;
        stepMs = dashMs / Math.ceil(n / BATCH);
      }
      const { readRun } = await import('../src/board/runlog.js');
      const end = readRun(logDir, `${w}-${rounds - 1}`)?.records.find((x) => x.type === 'end') as { healthReports: number; healthMs: number } | undefined;
      out.push({
        workload: w, samples: n,
        plain: median(pairs.map((p) => p[0]))!, dashboard: median(pairs.map((p) => p[1]))!,
        change: median(pairs.map((p) => p[1] / p[0] - 1))!, rounds: pairs,
        healthReports: end?.healthReports ?? 0, healthMs: end?.healthMs ?? 0, hookShare: median(shares)!, batchHookUs, stepMs,
      });
    }
  } finally {
    await rm(logDir, { recursive: true, force: true });
  }
  return out;
}

/** Markdown table of the figures. */
export function dashboardMarkdown(rows: DashboardOverhead[], cpu: string): string {
  const lines = [
    `Dashboard overhead (default settings, fit of one epoch, batch ${BATCH}, ${rows[0]?.rounds.length ?? 0} paired rounds, backend ${getBackend()}, ${cpu})`, '',
    '| workload | samples per fit | without samples/s | with Dashboard samples/s | median paired change | time in Dashboard hooks | health reports (ms) | median batch hook / step |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    lines.push(`| ${r.workload} | ${r.samples} | ${Math.round(r.plain)} | ${Math.round(r.dashboard)} | ${(r.change * 100).toFixed(1)}% | ${(r.hookShare * 100).toFixed(2)}% | ${r.healthReports} (${r.healthMs.toFixed(0)}) | ${r.batchHookUs.toFixed(1)} us / ${r.stepMs.toFixed(2)} ms |`);
  }
  return lines.join('\n') + '\n';
}

async function cpuModel(): Promise<string> {
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const rounds = Number(process.argv[2] ?? 5);
  const rows = await dashboardBench(rounds);
  const md = dashboardMarkdown(rows, await cpuModel());
  console.log(md);
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'dashboard.json'), JSON.stringify({ cpu: await cpuModel(), backend: getBackend(), rows }, null, 2) + '\n');
  await writeFile(path.join(dir, 'dashboard.md'), md);
}

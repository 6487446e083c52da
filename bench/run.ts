// `npm run bench`: layerwise vs TensorFlow.js (cpu, wasm) and PyTorch on the same synthetic data, in one run.
// layerwise and PyTorch are measured in rounds, per item back to back (the host's speed drifts), tfjs once afterwards.
// PyTorch runs as one persistent process (bench/torch_peer.ts); both sides keep their models alive across rounds.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../src/backend/native.js';
import { nativeInfo } from '../src/backend/native.js';
import { backend, getBackend } from '../src/backend/registry.js';
import type { RawTensor } from '../src/backend/backend.js';
import { BATCH, makeDataset, measure, PREDICT_BATCH, writeDataset, type Dataset, type MeasureOptions } from './common.js';
import { batches, OpsModel, type WorkloadName } from './workloads.js';
import { benchTf } from './tfjs_peer.js';
import { Rounds, type Cell } from './rounds.js';
import { TorchPeer, torchInstalled, type TorchCommand } from './torch_peer.js';
import { torchConfig } from './torch_env.js';
import { buildSequential, type SequentialBench } from './sequential.js';
import { buildW4Sequential } from './w4.js';
import { DASHBOARD_ROUNDS, dashboardBench, dashboardMarkdown, type DashboardOverhead } from './dashboard.js';
import { benchDataset, datasetMarkdown, type DatasetBenchResult } from './dataset.js';

/** W1-W3: the chapter's MLPs (workloads.ts); W4: the LeNet-style CNN on 28x28x1 (w4.ts). */
type Workload = WorkloadName | 'W4';
const ALL_WORKLOADS: Workload[] = ['W1', 'W2', 'W3', 'W4'];
// BENCH_WORKLOADS=W1,W4 measures a subset (default: all).
const WORKLOADS: Workload[] = process.env.BENCH_WORKLOADS
  ? ALL_WORKLOADS.filter((w) => process.env.BENCH_WORKLOADS!.split(',').map((x) => x.trim().toUpperCase()).includes(w))
  : ALL_WORKLOADS;
const GEMMS: [number, number, number][] = [[32, 784, 300], [32, 300, 100], [1024, 784, 300], [2048, 2048, 2048]];
type Peer = 'layerwise' | 'layerwise-ops' | 'pytorch' | 'tfjs-wasm' | 'tfjs-cpu';
type Table = Partial<Record<Workload, Partial<Record<Peer, Cell>>>>;

const quick = process.argv.includes('--quick');
// The Dashboard's overhead on W1 and W3 (bench/dashboard.ts, paired fits with and without it) runs after the peers
// unless `--no-dashboard` (or BENCH_DASHBOARD=0); BENCH_DASHBOARD_ROUNDS sets its rounds (default 31 for W1 and 15 for W3,
// bench/dashboard.ts DASHBOARD_ROUNDS; 5 with --quick).
const withDashboard = !process.argv.includes('--no-dashboard') && process.env.BENCH_DASHBOARD !== '0';
const dashboardRounds: number | typeof DASHBOARD_ROUNDS = process.env.BENCH_DASHBOARD_ROUNDS !== undefined
  ? Math.max(1, Math.floor(Number(process.env.BENCH_DASHBOARD_ROUNDS)) || 9) : quick ? 5 : DASHBOARD_ROUNDS;
// W2 from .npy shards on disk vs in-memory tensors (bench/dataset.ts, paired epochs) runs last unless `--no-dataset`
// (or BENCH_DATASET=0); BENCH_DATASET_ROUNDS sets its rounds (default 9, 3 with --quick).
const withDataset = !process.argv.includes('--no-dataset') && process.env.BENCH_DATASET !== '0';
const datasetRounds = Math.max(1, Math.floor(Number(process.env.BENCH_DATASET_ROUNDS ?? (quick ? 3 : 9))) || 9);
const runSeconds = Number(process.env.BENCH_RUN_SECONDS ?? (quick ? 0.3 : 1.5));
// 7 rounds: the host has slow phases lasting seconds; a median over more pairs is less at their mercy.
const rounds = Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 7)) || 7);
/** Measured once (layerwise ops in round 1, tfjs after the rounds): median of 3 timed runs. */
const opts: MeasureOptions = { runSeconds, runs: 3 };
/** Per round and item (layerwise Sequential, GEMMs and PyTorch): one timed run after warm-up. */
const roundOpts: MeasureOptions = { runSeconds, runs: 1 };
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (msg: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const gemmKey = ([m, k, n]: [number, number, number]): string => `${m}x${k}x${n}`;
const errLine = (e: unknown): string => `failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;

function rand(shape: number[], seed: number): RawTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    data[i] = s / 4294967296 - 0.5;
  }
  return { data, shape, dtype: 'float32' };
}

/** One layerwise GEMM measurement in GFLOP/s (inputs cached per shape). */
const gemmInputs = new Map<string, [RawTensor, RawTensor]>();
async function gemmLayerwise([m, k, n]: [number, number, number]): Promise<Cell> {
  if (getBackend() === 'reference' && m * k * n > 1e8) return 'skipped (reference backend)';
  const key = gemmKey([m, k, n]);
  let ab = gemmInputs.get(key);
  if (!ab) {
    ab = [rand([m, k], 1), rand([k, n], 2)];
    gemmInputs.set(key, ab);
  }
  const [a, b] = ab;
  const r = await measure(() => backend().matmul(a, b), 2 * m * n * k, { ...roundOpts, warmupSteps: 3, maxStepsPerRun: 20000 });
  return r.median / 1e9;
}

/** layerwise ops (the op/autodiff API) for every workload, median of 3 runs; measured once (round 1). */
async function benchOps(data: Dataset, train: Table, predict: Table): Promise<void> {
  for (const w of WORKLOADS) {
    if (w === 'W4') {
      train[w]!['layerwise-ops'] = predict[w]!['layerwise-ops'] = 'n/a (no op-API build)';
      continue;
    }
    try {
      const model = new OpsModel(w);
      const next = batches(data);
      const tr = await measure(() => {
        const b = next();
        return model.trainStep(b.x, b.y);
      }, BATCH, opts);
      const px = batches(data, PREDICT_BATCH)().x;
      const pr = await measure(() => model.predict(px), PREDICT_BATCH, { ...opts, warmupSteps: 1 });
      train[w]!['layerwise-ops'] = tr.median;
      predict[w]!['layerwise-ops'] = pr.median;
      log(`layerwise ops ${w}: train ${tr.median.toFixed(0)} samples/s, predict ${pr.median.toFixed(0)} samples/s`);
    } catch (e) {
      train[w]!['layerwise-ops'] = predict[w]!['layerwise-ops'] = errLine(e);
    }
  }
}

const fmt = (v: Cell | undefined): string => (typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : v ?? 'n/a');
const fmtRatio = (r: number | undefined): string => (r === undefined ? 'n/a' : `${r.toFixed(2)}x`);
const ratio = (a: Cell | undefined, b: Cell | undefined): string => (typeof a === 'number' && typeof b === 'number' ? fmtRatio(a / b) : 'n/a');

async function main(): Promise<void> {
  const t0 = performance.now();
  const native = nativeInfo();
  const cpuModel = native?.cpu ?? cpus()[0]?.model ?? 'unknown CPU';
  // A forced path gets its own result files, so the default run's figures stay beside it.
  const suffix = `${process.env.LAYERWISE_ISA && native ? `-${native.isa}` : ''}${process.env.BENCH_TAG ? `-${process.env.BENCH_TAG}` : ''}`;
  log(`CPU: ${cpuModel}; layerwise backend: ${getBackend()}${native ? ` (${native.isa}, ${native.threads} threads)` : ''}; ${rounds} rounds (per item, layerwise then PyTorch back to back), one run of ${runSeconds}s per item after warm-up`);
  const data = makeDataset();
  const train: Table = Object.fromEntries(WORKLOADS.map((w) => [w, {}]));
  const predict: Table = Object.fromEntries(WORKLOADS.map((w) => [w, {}]));
  const trainRounds = new Rounds(WORKLOADS);
  const predictRounds = new Rounds(WORKLOADS);
  const gemmRounds = new Rounds(GEMMS.map(gemmKey));

  const haveTorch = torchInstalled();
  let torchInfo = 'not installed';
  const dir = join(tmpdir(), `layerwise-bench-${process.pid}`);
  let peer: TorchPeer | undefined;
  const stop = (signal: NodeJS.Signals): void => {
    peer?.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('exit', () => peer?.close());
  try {
    if (haveTorch) {
      mkdirSync(dir, { recursive: true });
      const xPath = join(dir, 'x.f32');
      const yPath = join(dir, 'y.i32');
      writeDataset(data, xPath, yPath);
      peer = new TorchPeer(join(root, 'bench', 'torch_bench.py'), xPath, yPath, runSeconds, torchConfig(native?.isa, native?.supportedIsas ?? []));
      try {
        torchInfo = await peer.ready();
        log(`PyTorch server ready: ${torchInfo}`);
        if (torchInfo.includes('REFERENCE BLAS')) {
          log('WARNING: PyTorch runs the netlib reference BLAS here (Debian chose libblas3 for python3-torch), tens of times slower than ' +
            'OpenBLAS: its ratios below say nothing about layerwise. `apt-get install -y libopenblas0-pthread` makes PyTorch use OpenBLAS.');
        }
      } catch (e) {
        torchInfo = errLine(e);
        log(`PyTorch server: ${torchInfo}`);
      }
    }
    const torchCell = async (cmd: TorchCommand): Promise<Cell> => {
      if (!peer) return 'not installed';
      try {
        return await peer.request({ ...cmd, runSeconds });
      } catch (e) {
        return errLine(e);
      }
    };
    const lwCell = async (f: () => Promise<Cell>): Promise<Cell> => {
      try {
        return await f();
      } catch (e) {
        return errLine(e);
      }
    };
    /** One item: layerwise, then PyTorch straight after, so the per-round ratio compares figures taken seconds apart. */
    const pair = async (round: number, label: string, unit: string, rs: Rounds, key: string,
      lw: () => Promise<Cell>, cmd: TorchCommand): Promise<void> => {
      const l = await lwCell(lw);
      const t = await torchCell(cmd);
      rs.add(key, l, t);
      const u = (c: Cell): string => (typeof c === 'number' ? ` ${unit}` : '');
      log(`round ${round}/${rounds} ${label}: layerwise ${fmt(l)}${u(l)}, PyTorch ${fmt(t)}${u(t)} (${ratio(l, t)})`);
    };
    const models = new Map<Workload, SequentialBench>();
    const model = (w: Workload): SequentialBench => {
      let m = models.get(w);
      if (!m) {
        m = w === 'W4' ? buildW4Sequential(data) : buildSequential(w, data);
        models.set(w, m);
      }
      return m;
    };
    for (let round = 1; round <= rounds; round++) {
      for (const w of WORKLOADS) {
        await pair(round, `${w} train`, 'samples/s', trainRounds, w, async () => {
          const m = model(w);
          return (await measure(() => {
            const b = m.next();
            return m.model.trainOnBatch(b.x, b.y);
          }, BATCH, roundOpts)).median;
        }, { item: 'train', workload: w });
        await pair(round, `${w} predict`, 'samples/s', predictRounds, w, async () => {
          const m = model(w);
          return (await measure(() => m.model.predictOnBatch(m.px), PREDICT_BATCH, { ...roundOpts, warmupSteps: 1 })).median;
        }, { item: 'predict', workload: w });
      }
      for (const g of GEMMS) {
        const [m, k, n] = g;
        await pair(round, `GEMM ${gemmKey(g)}`, 'GFLOP/s', gemmRounds, gemmKey(g), () => gemmLayerwise(g), { item: 'gemm', m, k, n });
      }
      if (round === 1) await benchOps(data, train, predict);
    }
  } finally {
    if (peer?.failure && !torchInfo.startsWith('failed')) torchInfo += `; then failed: ${peer.failure}`;
    peer?.close();
    rmSync(dir, { recursive: true, force: true });
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }

  const vsTorch: Record<'train' | 'predict', Partial<Record<Workload, number>>> = { train: {}, predict: {} };
  for (const w of WORKLOADS) {
    const t = trainRounds.summary(w);
    const p = predictRounds.summary(w);
    train[w]!.layerwise = t.layerwise;
    train[w]!.pytorch = t.pytorch;
    predict[w]!.layerwise = p.layerwise;
    predict[w]!.pytorch = p.pytorch;
    vsTorch.train[w] = t.ratio;
    vsTorch.predict[w] = p.ratio;
  }
  const gemm = { layerwise: {} as Record<string, Cell>, pytorch: {} as Record<string, Cell>, ratio: {} as Record<string, number | undefined> };
  for (const g of GEMMS) {
    const s = gemmRounds.summary(gemmKey(g));
    gemm.layerwise[gemmKey(g)] = s.layerwise;
    gemm.pytorch[gemmKey(g)] = s.pytorch;
    gemm.ratio[gemmKey(g)] = s.ratio;
  }
  log(`PyTorch: ${torchInfo}; median of per-round ratios, train ${WORKLOADS.map((w) => fmtRatio(vsTorch.train[w])).join(' / ')}`);

  for (const be of process.env.BENCH_SKIP_TFJS === '1' ? [] : ['wasm', 'cpu'] as const) {
    for (const w of WORKLOADS) {
      const peer: Peer = be === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu';
      try {
        const r = await benchTf(be, w, data, opts);
        train[w]![peer] = r.train;
        predict[w]![peer] = r.predict;
        log(`${peer} ${w}: train ${fmt(r.train)}, predict ${fmt(r.predict)} samples/s`);
      } catch (e) {
        train[w]![peer] = predict[w]![peer] = errLine(e);
      }
    }
  }

  let dashboard: DashboardOverhead[] | string = 'skipped (--no-dashboard)';
  if (withDashboard) {
    const roundsText = typeof dashboardRounds === 'number' ? `${dashboardRounds}` : `${dashboardRounds.W1} (W1) and ${dashboardRounds.W3} (W3)`;
    log(`Dashboard overhead on W1 and W3 (${roundsText} paired rounds of fit without / with callbacks.Dashboard)`);
    try {
      dashboard = await dashboardBench(dashboardRounds, ['W1', 'W3'], data);
      for (const r of dashboard) log(`Dashboard ${r.workload}: median paired change ${(r.change * 100).toFixed(1)}% (95% interval ${(r.changeCi[0] * 100).toFixed(1)}% to ${(r.changeCi[1] * 100).toFixed(1)}%), time in hooks ${(r.hookShare * 100).toFixed(2)}%`);
    } catch (e) {
      dashboard = errLine(e);
    }
  }

  let dataset: DatasetBenchResult | string = 'skipped (--no-dataset)';
  if (withDataset) {
    log(`W2 training from .npy shards vs in-memory tensors (${datasetRounds} paired rounds of one epoch each)`);
    try {
      dataset = await benchDataset({ rounds: datasetRounds, data, log: (m) => log(`dataset: ${m}`) });
    } catch (e) {
      dataset = errLine(e);
    }
  }

  const seconds = (performance.now() - t0) / 1000;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpuModel, features: native?.cpuFeatures ?? 'unknown', node: process.version },
    layerwise: { backend: getBackend(), ...(native ?? {}), api: 'Sequential (trainOnBatch / predictOnBatch); layerwise-ops: the op/autodiff API' },
    pytorch: torchInfo,
    settings: {
      batch: BATCH, predictBatch: PREDICT_BATCH, runSeconds, rounds,
      method: `${rounds} rounds; in each round, per item, layerwise then PyTorch back to back (one persistent PyTorch process, ` +
        'models built once and kept across rounds), one timed run each after warm-up; ' +
        'layerwise/pytorch = median over rounds; vsPytorch = median of per-round ratios. layerwise-ops (round 1) and tfjs ' +
        '(after the rounds): median of 3 timed runs, measured once; vs tfjs = layerwise median / tfjs.',
    },
    units: { train: 'samples/s', predict: 'samples/s', gemm: 'GFLOP/s' },
    train, predict, gemm,
    vsPytorch: vsTorch,
    dashboard,
    dataset,
    rounds: { train: trainRounds.series, predict: predictRounds.series, gemm: gemmRounds.series },
    seconds,
  };
  const resDir = join(root, 'bench', 'results');
  mkdirSync(resDir, { recursive: true });
  writeFileSync(join(resDir, `latest${suffix}.json`), `${JSON.stringify(results, null, 2)}\n`);
  const lines = [
    `# layerwise bench (${results.date})`, '',
    `Machine: ${results.machine.cpus} x ${results.machine.model} (${results.machine.features}), Node ${process.version}.`,
    `Every layerwise figure below: backend ${results.layerwise.backend}` +
      `${native ? `, ISA path ${native.isa} (${native.threads} threads)` : ''}. PyTorch: ${torchInfo}.`,
    'layerwise = the Keras-style Sequential model (trainOnBatch / predictOnBatch); layerwise ops = the same computation',
    'through the op/autodiff API (dense op, moments, backend().optimizerUpdate). Ratios use the Sequential figure.',
    `layerwise vs PyTorch: ${rounds} rounds; in each round, per item, layerwise then PyTorch back to back, one timed run of ~${runSeconds}s`,
    'each after warm-up (one persistent PyTorch process; both sides build each model once and keep it across rounds);',
    'layerwise and PyTorch columns = median over rounds; vs PyTorch = median of the per-round ratios (layerwise_i / PyTorch_i).',
    `layerwise ops (round 1) and tfjs (after the rounds): median of 3 timed runs of ~${runSeconds}s, measured once; vs tfjs = layerwise median / tfjs.`,
    'W1-W3: the MLPs on flat 784-float rows; W4: the LeNet-style CNN (bench/w4.ts) on the same rows as 28x28x1 images',
    '(channels last; PyTorch reads them permuted to NCHW). layerwise ops has no W4 build.',
    'Samples/s (higher is better); per-round figures are in latest.json (rounds).', '',
    '| workload | layerwise | layerwise ops | PyTorch | tfjs wasm | tfjs cpu | vs PyTorch | vs tfjs wasm | vs tfjs cpu |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [kind, table] of [['train (batch 32)', train], ['predict (batch 1024)', predict]] as const) {
    for (const w of WORKLOADS) {
      const r = table[w]!;
      const lw = typeof r.layerwise === 'number' ? r.layerwise : r['layerwise-ops'];
      lines.push(`| ${w} ${kind} | ${fmt(r.layerwise)} | ${fmt(r['layerwise-ops'])} | ${fmt(r.pytorch)} | ${fmt(r['tfjs-wasm'])} | ${fmt(r['tfjs-cpu'])} | ` +
        `${fmtRatio(vsTorch[kind.startsWith('train') ? 'train' : 'predict'][w])} | ${ratio(lw, r['tfjs-wasm'])} | ${ratio(lw, r['tfjs-cpu'])} |`);
    }
  }
  lines.push('', '| GEMM m x k x n | layerwise GFLOP/s | PyTorch GFLOP/s | ratio |', '|---|---:|---:|---:|');
  for (const g of GEMMS) {
    const key = gemmKey(g);
    lines.push(`| ${key} | ${fmt(gemm.layerwise[key])} | ${fmt(gemm.pytorch[key])} | ${fmtRatio(gemm.ratio[key])} |`);
  }
  lines.push('', typeof dashboard === 'string' ? `Dashboard overhead: ${dashboard}.\n` : dashboardMarkdown(dashboard, cpuModel));
  lines.push(typeof dataset === 'string' ? `Dataset streaming: ${dataset}.\n` : datasetMarkdown(dataset));
  lines.push(`Total bench time: ${seconds.toFixed(0)} s.`, '');
  writeFileSync(join(resDir, `latest${suffix}.md`), lines.join('\n'));
  console.log(lines.join('\n'));
}

// `npm run bench -- --wasm`: the Node wasm-vs-native bench instead (bench/wasm_node.ts);
// `npm run bench -- --browser`: the WebAssembly bench (Node wasm vs native, Chromium vs TensorFlow.js) instead.
const entry = process.argv.includes('--wasm')
  ? import('./wasm_node.js').then(() => undefined)
  : process.argv.includes('--browser')
    ? import('./browser.js').then(() => undefined)
    : main();
entry.catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

// `npm run bench`: layerwise vs TensorFlow.js (cpu, wasm) and PyTorch on the same synthetic data, in one run.
// layerwise and PyTorch are measured interleaved in rounds (the host's speed drifts), tfjs once afterwards.
import { spawnSync } from 'node:child_process';
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
import { benchSequential } from './sequential.js';
import { Rounds, type Cell } from './rounds.js';

const WORKLOADS: WorkloadName[] = ['W1', 'W2', 'W3'];
const GEMMS: [number, number, number][] = [[32, 784, 300], [32, 300, 100], [1024, 784, 300], [2048, 2048, 2048]];
type Peer = 'layerwise' | 'layerwise-ops' | 'pytorch' | 'tfjs-wasm' | 'tfjs-cpu';
type Table = Record<WorkloadName, Partial<Record<Peer, Cell>>>;
interface TorchRound { train: Record<string, Cell>; predict: Record<string, Cell>; gemm: Record<string, Cell>; info: string; ok: boolean }

const quick = process.argv.includes('--quick');
const runSeconds = Number(process.env.BENCH_RUN_SECONDS ?? (quick ? 0.3 : 1.5));
const rounds = Math.max(1, Math.floor(Number(process.env.BENCH_ROUNDS ?? 3)) || 3);
/** Measured once (layerwise ops in round 1, tfjs after the rounds): median of 3 timed runs. */
const opts: MeasureOptions = { runSeconds, runs: 3 };
/** Per round (layerwise Sequential, GEMMs and PyTorch): one timed run after warm-up. */
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

async function gemmLayerwise(mopts: MeasureOptions): Promise<Record<string, Cell>> {
  const out: Record<string, Cell> = {};
  for (const [m, k, n] of GEMMS) {
    const key = `${m}x${k}x${n}`;
    if (getBackend() === 'reference' && m * k * n > 1e8) {
      out[key] = 'skipped (reference backend)';
      continue;
    }
    const a = rand([m, k], 1);
    const b = rand([k, n], 2);
    try {
      const r = await measure(() => backend().matmul(a, b), 2 * m * n * k, { ...mopts, warmupSteps: 3, maxStepsPerRun: 20000 });
      out[key] = r.median / 1e9;
    } catch (e) {
      out[key] = errLine(e);
    }
  }
  log(`layerwise GEMM GFLOP/s: ${GEMMS.map((g) => fmt(out[gemmKey(g)])).join(' / ')}`);
  return out;
}

const TORCH_ENV = { OPENBLAS_CORETYPE: 'SkylakeX', OMP_WAIT_POLICY: 'PASSIVE' };
const PY = '/usr/bin/python3';

function torchNone(why: string): TorchRound {
  const none = (): Record<string, Cell> => Object.fromEntries([...WORKLOADS, ...GEMMS.map(gemmKey)].map((k) => [k, why]));
  return { train: none(), predict: none(), gemm: none(), info: why, ok: false };
}

/** True when /usr/bin/python3 can import torch. */
function torchInstalled(): boolean {
  return spawnSync(PY, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

/** One PyTorch pass over all workloads and GEMMs, `runs` timed runs per item. */
function runTorch(xPath: string, yPath: string, runs: number): TorchRound {
  const env = { ...process.env, ...TORCH_ENV };
  const r = spawnSync(PY, [join(root, 'bench', 'torch_bench.py'), xPath, yPath, String(runSeconds), String(runs)],
    { encoding: 'utf8', env, timeout: 420_000, maxBuffer: 1 << 24 });
  if (r.status !== 0) return torchNone(`failed: ${(r.stderr || String(r.error ?? '')).trim().split('\n').pop() ?? ''}`);
  let j: {
    version: string; threads: number;
    train: Record<string, { median: number }>; predict: Record<string, { median: number }>; gemm: Record<string, number>;
  };
  try {
    j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as typeof j;
  } catch (e) {
    return torchNone(errLine(e));
  }
  const pick = (o: Record<string, { median: number }>): Record<string, Cell> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.median]));
  const gemm = Object.fromEntries(GEMMS.map((g) => [gemmKey(g), j.gemm[gemmKey(g)] ?? 'n/a']));
  return {
    train: pick(j.train), predict: pick(j.predict), gemm, ok: true,
    info: `PyTorch ${j.version}, ${j.threads} threads, OPENBLAS_CORETYPE=${TORCH_ENV.OPENBLAS_CORETYPE} OMP_WAIT_POLICY=${TORCH_ENV.OMP_WAIT_POLICY}`,
  };
}

/** layerwise ops (the op/autodiff API) for every workload, median of 3 runs; measured once (round 1). */
async function benchOps(data: Dataset, train: Table, predict: Table): Promise<void> {
  for (const w of WORKLOADS) {
    try {
      const model = new OpsModel(w);
      const next = batches(data);
      const tr = await measure(() => {
        const b = next();
        return model.trainStep(b.x, b.y);
      }, BATCH, opts);
      const px = batches(data, PREDICT_BATCH)().x;
      const pr = await measure(() => model.predict(px), PREDICT_BATCH, { ...opts, warmupSteps: 1 });
      train[w]['layerwise-ops'] = tr.median;
      predict[w]['layerwise-ops'] = pr.median;
      log(`layerwise ops ${w}: train ${tr.median.toFixed(0)} samples/s, predict ${pr.median.toFixed(0)} samples/s`);
    } catch (e) {
      train[w]['layerwise-ops'] = predict[w]['layerwise-ops'] = errLine(e);
    }
  }
}

const fmt = (v: Cell | undefined): string => (typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : v ?? 'n/a');
const fmtRatio = (r: number | undefined): string => (r === undefined ? 'n/a' : `${r.toFixed(2)}x`);
const ratio = (a: Cell | undefined, b: Cell | undefined): string => (typeof a === 'number' && typeof b === 'number' ? fmtRatio(a / b) : 'n/a');

async function main(): Promise<void> {
  const t0 = performance.now();
  const native = nativeInfo();
  log(`layerwise backend: ${getBackend()}${native ? ` (${native.simd}, ${native.threads} threads)` : ''}; ${rounds} rounds (layerwise then PyTorch), one run of ${runSeconds}s per item after warm-up`);
  const data = makeDataset();
  const train: Table = { W1: {}, W2: {}, W3: {} };
  const predict: Table = { W1: {}, W2: {}, W3: {} };
  const trainRounds = new Rounds(WORKLOADS);
  const predictRounds = new Rounds(WORKLOADS);
  const gemmRounds = new Rounds(GEMMS.map(gemmKey));

  const haveTorch = torchInstalled();
  let torchInfo = haveTorch ? '' : 'not installed';
  const dir = join(tmpdir(), `layerwise-bench-${process.pid}`);
  const xPath = join(dir, 'x.f32');
  const yPath = join(dir, 'y.i32');
  if (haveTorch) {
    mkdirSync(dir, { recursive: true });
    writeDataset(data, xPath, yPath);
  }
  try {
    for (let round = 1; round <= rounds; round++) {
      // layerwise, then PyTorch straight after: each per-round ratio compares figures taken under the same host speed.
      const lwTrain: Record<string, Cell> = {};
      const lwPredict: Record<string, Cell> = {};
      for (const w of WORKLOADS) {
        try {
          const sq = await benchSequential(w, data, roundOpts);
          lwTrain[w] = sq.train;
          lwPredict[w] = sq.predict;
        } catch (e) {
          lwTrain[w] = lwPredict[w] = errLine(e);
        }
      }
      log(`round ${round}/${rounds} layerwise Sequential train ${WORKLOADS.map((w) => fmt(lwTrain[w])).join(' / ')}, ` +
        `predict ${WORKLOADS.map((w) => fmt(lwPredict[w])).join(' / ')} samples/s`);
      const lwGemm = await gemmLayerwise(roundOpts);
      const torch = haveTorch ? runTorch(xPath, yPath, 1) : torchNone('not installed');
      if (torch.ok || !torchInfo) torchInfo = torch.info;
      if (haveTorch) {
        log(`round ${round}/${rounds} PyTorch train ${WORKLOADS.map((w) => fmt(torch.train[w])).join(' / ')}, ` +
          `predict ${WORKLOADS.map((w) => fmt(torch.predict[w])).join(' / ')} samples/s, GEMM ${GEMMS.map((g) => fmt(torch.gemm[gemmKey(g)])).join(' / ')} GFLOP/s`);
      }
      for (const w of WORKLOADS) {
        trainRounds.add(w, lwTrain[w], torch.train[w]);
        predictRounds.add(w, lwPredict[w], torch.predict[w]);
      }
      for (const g of GEMMS) gemmRounds.add(gemmKey(g), lwGemm[gemmKey(g)], torch.gemm[gemmKey(g)]);
      if (round === 1) await benchOps(data, train, predict);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const vsTorch: Record<'train' | 'predict', Partial<Record<WorkloadName, number>>> = { train: {}, predict: {} };
  for (const w of WORKLOADS) {
    const t = trainRounds.summary(w);
    const p = predictRounds.summary(w);
    train[w].layerwise = t.layerwise;
    train[w].pytorch = t.pytorch;
    predict[w].layerwise = p.layerwise;
    predict[w].pytorch = p.pytorch;
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

  for (const be of ['wasm', 'cpu'] as const) {
    for (const w of WORKLOADS) {
      const peer: Peer = be === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu';
      try {
        const r = await benchTf(be, w, data, opts);
        train[w][peer] = r.train;
        predict[w][peer] = r.predict;
        log(`${peer} ${w}: train ${r.train.toFixed(0)}, predict ${r.predict.toFixed(0)} samples/s`);
      } catch (e) {
        train[w][peer] = predict[w][peer] = errLine(e);
      }
    }
  }

  const seconds = (performance.now() - t0) / 1000;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    layerwise: { backend: getBackend(), ...(native ?? {}), api: 'Sequential (trainOnBatch / predictOnBatch); layerwise-ops: the op/autodiff API' },
    pytorch: torchInfo,
    settings: {
      batch: BATCH, predictBatch: PREDICT_BATCH, runSeconds, rounds,
      method: `${rounds} rounds; in each round layerwise Sequential + GEMMs, then PyTorch, one timed run each after warm-up; ` +
        'layerwise/pytorch = median over rounds; vsPytorch = median of per-round ratios. layerwise-ops (round 1) and tfjs ' +
        '(after the rounds): median of 3 timed runs, measured once; vs tfjs = layerwise median / tfjs.',
    },
    units: { train: 'samples/s', predict: 'samples/s', gemm: 'GFLOP/s' },
    train, predict, gemm,
    vsPytorch: vsTorch,
    rounds: { train: trainRounds.series, predict: predictRounds.series, gemm: gemmRounds.series },
    seconds,
  };
  const resDir = join(root, 'bench', 'results');
  mkdirSync(resDir, { recursive: true });
  writeFileSync(join(resDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const lines = [
    `# layerwise bench (${results.date})`, '',
    `Machine: ${results.machine.cpus} x ${results.machine.model}, Node ${process.version}. layerwise backend: ${results.layerwise.backend}` +
      `${native ? ` (${native.simd}, ${native.threads} threads)` : ''}. PyTorch: ${torchInfo}.`,
    'layerwise = the Keras-style Sequential model (trainOnBatch / predictOnBatch); layerwise ops = the same computation',
    'through the op/autodiff API (dense op, moments, backend().optimizerUpdate). Ratios use the Sequential figure.',
    `layerwise vs PyTorch: ${rounds} rounds; in each round layerwise then PyTorch, one timed run of ~${runSeconds}s each after warm-up;`,
    'layerwise and PyTorch columns = median over rounds; vs PyTorch = median of the per-round ratios (layerwise_i / PyTorch_i).',
    `layerwise ops (round 1) and tfjs (after the rounds): median of 3 timed runs of ~${runSeconds}s, measured once; vs tfjs = layerwise median / tfjs.`,
    'Samples/s (higher is better); per-round figures are in latest.json (rounds).', '',
    '| workload | layerwise | layerwise ops | PyTorch | tfjs wasm | tfjs cpu | vs PyTorch | vs tfjs wasm | vs tfjs cpu |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [kind, table] of [['train (batch 32)', train], ['predict (batch 1024)', predict]] as const) {
    for (const w of WORKLOADS) {
      const r = table[w];
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
  lines.push('', `Total bench time: ${seconds.toFixed(0)} s.`, '');
  writeFileSync(join(resDir, 'latest.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

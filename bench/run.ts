// `npm run bench`: layerwise vs TensorFlow.js (cpu, wasm) and PyTorch on the same synthetic data, in one run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../src/backend/native.js';
import { nativeInfo } from '../src/backend/native.js';
import { backend, getBackend } from '../src/backend/registry.js';
import type { RawTensor } from '../src/backend/backend.js';
import { BATCH, makeDataset, measure, PREDICT_BATCH, writeDataset, type MeasureOptions } from './common.js';
import { batches, OpsModel, type WorkloadName } from './workloads.js';
import { benchTf } from './tfjs_peer.js';
import { benchSequential } from './sequential.js';

const WORKLOADS: WorkloadName[] = ['W1', 'W2', 'W3'];
const GEMMS: [number, number, number][] = [[32, 784, 300], [32, 300, 100], [1024, 784, 300], [2048, 2048, 2048]];
type Peer = 'layerwise' | 'layerwise-ops' | 'pytorch' | 'tfjs-wasm' | 'tfjs-cpu';
type Cell = number | string;  // samples/s, or why there is no figure

const quick = process.argv.includes('--quick');
const runSeconds = Number(process.env.BENCH_RUN_SECONDS ?? (quick ? 0.3 : 1.5));
const opts: MeasureOptions = { runSeconds, runs: 3 };
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (msg: string): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

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

async function gemmLayerwise(): Promise<Record<string, Cell>> {
  const out: Record<string, Cell> = {};
  for (const [m, k, n] of GEMMS) {
    const key = `${m}x${k}x${n}`;
    if (getBackend() === 'reference' && m * k * n > 1e8) {
      out[key] = 'skipped (reference backend)';
      continue;
    }
    const a = rand([m, k], 1);
    const b = rand([k, n], 2);
    const r = await measure(() => backend().matmul(a, b), 2 * m * n * k, { ...opts, warmupSteps: 3, maxStepsPerRun: 20000 });
    out[key] = r.median / 1e9;
    log(`layerwise GEMM ${key}: ${(r.median / 1e9).toFixed(1)} GFLOP/s`);
  }
  return out;
}

function runTorch(xPath: string, yPath: string): { train: Record<string, Cell>; predict: Record<string, Cell>; gemm: Record<string, Cell>; info: string } {
  const none = (why: string): Record<string, Cell> => Object.fromEntries([...WORKLOADS, ...GEMMS.map((g) => g.join('x'))].map((k) => [k, why]));
  const py = '/usr/bin/python3';
  const probe = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0) return { train: none('not installed'), predict: none('not installed'), gemm: none('not installed'), info: 'not installed' };
  const env = { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX', OMP_WAIT_POLICY: 'PASSIVE' };
  const r = spawnSync(py, [join(root, 'bench', 'torch_bench.py'), xPath, yPath, String(runSeconds)], { encoding: 'utf8', env, timeout: 420_000, maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    const why = `failed: ${(r.stderr || String(r.error ?? '')).trim().split('\n').pop() ?? ''}`;
    return { train: none(why), predict: none(why), gemm: none(why), info: why };
  }
  const j = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as {
    version: string; threads: number;
    train: Record<string, { median: number }>; predict: Record<string, { median: number }>; gemm: Record<string, number>;
  };
  const pick = (o: Record<string, { median: number }>): Record<string, Cell> => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.median]));
  const gemm = Object.fromEntries(GEMMS.map(([m, k, n]) => [`${m}x${k}x${n}`, j.gemm[`${m}x${k}x${n}`]]));
  return { train: pick(j.train), predict: pick(j.predict), gemm, info: `PyTorch ${j.version}, ${j.threads} threads, OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=PASSIVE` };
}

const fmt = (v: Cell | undefined): string => (typeof v === 'number' ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : v ?? 'n/a');
const ratio = (a: Cell | undefined, b: Cell | undefined): string => (typeof a === 'number' && typeof b === 'number' ? `${(a / b).toFixed(2)}x` : 'n/a');

async function main(): Promise<void> {
  const t0 = performance.now();
  const native = nativeInfo();
  log(`layerwise backend: ${getBackend()}${native ? ` (${native.simd}, ${native.threads} threads)` : ''}; run ${runSeconds}s x 3 after warm-up`);
  const data = makeDataset();
  const train: Record<WorkloadName, Partial<Record<Peer, Cell>>> = { W1: {}, W2: {}, W3: {} };
  const predict: Record<WorkloadName, Partial<Record<Peer, Cell>>> = { W1: {}, W2: {}, W3: {} };

  const gemm = { layerwise: await gemmLayerwise(), pytorch: {} as Record<string, Cell> };
  for (const w of WORKLOADS) {
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
    try {
      const sq = await benchSequential(w, data, opts);
      train[w].layerwise = sq.train;
      predict[w].layerwise = sq.predict;
      log(`layerwise Sequential ${w}: train ${sq.train.toFixed(0)} samples/s, predict ${sq.predict.toFixed(0)} samples/s`);
    } catch (e) {
      train[w].layerwise = predict[w].layerwise = `failed: ${(e as Error).message.split('\n')[0]}`;
    }
  }

  const dir = join(tmpdir(), `layerwise-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const xPath = join(dir, 'x.f32');
  const yPath = join(dir, 'y.i32');
  writeDataset(data, xPath, yPath);
  log('PyTorch ...');
  const torch = runTorch(xPath, yPath);
  rmSync(dir, { recursive: true, force: true });
  gemm.pytorch = torch.gemm;
  for (const w of WORKLOADS) {
    train[w].pytorch = torch.train[w];
    predict[w].pytorch = torch.predict[w];
  }
  log(`PyTorch: ${torch.info}; train ${WORKLOADS.map((w) => fmt(train[w].pytorch)).join(' / ')}`);

  for (const be of ['wasm', 'cpu'] as const) {
    for (const w of WORKLOADS) {
      const peer: Peer = be === 'wasm' ? 'tfjs-wasm' : 'tfjs-cpu';
      try {
        const r = await benchTf(be, w, data, opts);
        train[w][peer] = r.train;
        predict[w][peer] = r.predict;
        log(`${peer} ${w}: train ${r.train.toFixed(0)}, predict ${r.predict.toFixed(0)} samples/s`);
      } catch (e) {
        train[w][peer] = predict[w][peer] = `failed: ${(e as Error).message.split("\n")[0]}`;
      }
    }
  }

  const seconds = (performance.now() - t0) / 1000;
  const results = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version },
    layerwise: { backend: getBackend(), ...(native ?? {}), api: 'Sequential (trainOnBatch / predictOnBatch); layerwise-ops: the op/autodiff API' },
    pytorch: torch.info,
    settings: { batch: BATCH, predictBatch: PREDICT_BATCH, runSeconds, runs: 3, statistic: 'median' },
    units: { train: 'samples/s', predict: 'samples/s', gemm: 'GFLOP/s' },
    train, predict, gemm, seconds,
  };
  const resDir = join(root, 'bench', 'results');
  mkdirSync(resDir, { recursive: true });
  writeFileSync(join(resDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  const lines = [
    `# layerwise bench (${results.date})`, '',
    `Machine: ${results.machine.cpus} x ${results.machine.model}, Node ${process.version}. layerwise backend: ${results.layerwise.backend}` +
      `${native ? ` (${native.simd}, ${native.threads} threads)` : ''}. ${torch.info}.`,
    'layerwise = the Keras-style Sequential model (trainOnBatch / predictOnBatch); layerwise ops = the same computation',
    'through the op/autodiff API (dense op, moments, backend().optimizerUpdate). Ratios use the Sequential figure.',
    `Median of 3 timed runs (~${runSeconds}s each) after warm-up; samples/s (higher is better); ratio = layerwise / peer.`, '',
    '| workload | layerwise | layerwise ops | PyTorch | tfjs wasm | tfjs cpu | vs PyTorch | vs tfjs wasm | vs tfjs cpu |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [kind, table] of [['train (batch 32)', train], ['predict (batch 1024)', predict]] as const) {
    for (const w of WORKLOADS) {
      const r = table[w];
      const lw = typeof r.layerwise === 'number' ? r.layerwise : r['layerwise-ops'];
      lines.push(`| ${w} ${kind} | ${fmt(r.layerwise)} | ${fmt(r['layerwise-ops'])} | ${fmt(r.pytorch)} | ${fmt(r['tfjs-wasm'])} | ${fmt(r['tfjs-cpu'])} | ` +
        `${ratio(lw, r.pytorch)} | ${ratio(lw, r['tfjs-wasm'])} | ${ratio(lw, r['tfjs-cpu'])} |`);
    }
  }
  lines.push('', '| GEMM m x k x n | layerwise GFLOP/s | PyTorch GFLOP/s | ratio |', '|---|---:|---:|---:|');
  for (const [m, k, n] of GEMMS) {
    const key = `${m}x${k}x${n}`;
    lines.push(`| ${key} | ${fmt(gemm.layerwise[key])} | ${fmt(gemm.pytorch[key])} | ${ratio(gemm.layerwise[key], gemm.pytorch[key])} |`);
  }
  lines.push('', `Total bench time: ${seconds.toFixed(0)} s.`, '');
  writeFileSync(join(resDir, 'latest.md'), lines.join('\n'));
  console.log(lines.join('\n'));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});

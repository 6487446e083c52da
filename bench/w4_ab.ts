// W4 paired A/B of a backend switch in one process: `node build/bench/w4_ab.js [rounds] [what]` alternates the
// backend with and without an optional kernel (what: a Backend method name, default convForward, or reluPoolFusion) over W4's predict
// (batch 1024) and training step (batch 32), and prints each round's ratio (A/B time, > 1: B faster) and the median.
import { backend } from '../src/backend/registry.js';
import { nativeInfo } from '../src/backend/native.js';
import { setReluGradFusion } from '../src/ops/relu_grad.js';
import { createRequire } from 'node:module';
import { nativeConvKernels, type ConvAddon } from '../src/backend/native_conv.js';
import { referenceBackend } from '../src/backend/reference/index.js';
import { makeDataset } from './common.js';
import { buildW4Sequential } from './w4.js';

const rounds = Number(process.argv[2] ?? 7);
const what = process.argv[3] ?? 'convForward';
const b = backend() as unknown as Record<string, unknown>;
const saved = b[what];
// 'reluPoolFusion': the ReLU gradient folded into the max pool's vjp (src/ops/relu_grad.ts) off (A) and on (B).
// 'addon=<path>': A runs the convolution kernels (convForward, convWeightGrad) of another build of the addon, e.g. a
// copy of native/build/Release/layerwise.node from before a change (its ISA follows LAYERWISE_ISA too), B this one's.
// 'base=<path>': as addon=, with the pooling kernels too and the ReLU folding off in A (the state before both).
// 'pool=<path>': only the pooling kernels of the other build in A, the ReLU folding off in both (the kernels alone).
const otherPath = /^(addon|base|pool)=/.test(what) ? what.slice(what.indexOf('=') + 1) : null;
const other = otherPath ? nativeConvKernels(createRequire(import.meta.url)(otherPath) as ConvAddon, referenceBackend) : null;
const POOL = ['pool2d', 'pool2dGrad'] as const;
const CONV = what.startsWith('base=') ? ['convForward', 'convWeightGrad', ...POOL] as const
  : what.startsWith('pool=') ? POOL : ['convForward', 'convWeightGrad'] as const;
if (what.startsWith('pool=')) setReluGradFusion(false);
const mine = Object.fromEntries(CONV.map((m) => [m, b[m]]));
const set = (on: boolean): void => {
  if (what === 'reluPoolFusion') setReluGradFusion(on);
  else if (other) {
    for (const m of CONV) b[m] = on ? mine[m] : other![m];
    if (what.startsWith('base=')) setReluGradFusion(on);
  }
  else if (on) b[what] = saved;
  else delete b[what];
};

const { model, next, px } = buildW4Sequential(makeDataset());
// AB_CPU_TIME=1: the process's CPU time (user + system) instead of wall time, for a loaded machine where a thread
// descheduled for whole time slices swamps the wall-time ratios (with LAYERWISE_NUM_THREADS=1 it is the work done).
const cpuTime = process.env.AB_CPU_TIME === '1';
const now = (): number => {
  if (!cpuTime) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const timeIt = (on: boolean, f: () => void, reps: number): number => {
  set(on);
  f();
  const t0 = now();
  for (let i = 0; i < reps; i++) f();
  return (now() - t0) / reps;
};
const median = (v: number[]): number => [...v].sort((p, q) => p - q)[Math.floor(v.length / 2)];

console.log(`ISA ${nativeInfo()?.isa ?? '-'}, threads ${nativeInfo()?.threads ?? '-'}, ${cpuTime ? 'CPU' : 'wall'} time, A = without ${what}, B = with`);
for (const [name, f, reps] of [
  ['predict 1024', () => model.predictOnBatch(px), 3],
  ['train step 32', () => { const s = next(); model.trainOnBatch(s.x, s.y); }, 30],
] as const) {
  const ratios: number[] = [];
  const ta: number[] = [];
  const tb: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = timeIt(false, f, reps);
    const bb = timeIt(true, f, reps);
    ta.push(a);
    tb.push(bb);
    ratios.push(a / bb);
  }
  console.log(`${name}: A ${median(ta).toFixed(2)} ms, B ${median(tb).toFixed(2)} ms, ratio median ${median(ratios).toFixed(3)} [${ratios.map((x) => x.toFixed(2)).join(' ')}]`);
}
set(true);

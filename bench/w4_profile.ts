// W4 per-op profile: `node build/bench/w4_profile.js [steps] [predicts]` times every backend call of W4's training step
// (batch 32) and predict (batch 1024) by name and shape, and prints each op's share of the wall time. For kernel work;
// timings wrap the backend calls, so the rest (autograd, layers, JS) shows as "outside backend".
import { backend } from '../src/backend/registry.js';
import { nativeInfo } from '../src/backend/native.js';
import type { Backend, RawTensor } from '../src/backend/backend.js';
import { makeDataset } from './common.js';
import { buildW4Sequential } from './w4.js';

const steps = Number(process.argv[2] ?? 200);
const predicts = Number(process.argv[3] ?? 10);

const b = backend() as unknown as Record<string, unknown>;
const times = new Map<string, { ms: number; calls: number }>();
let enabled = false;

function shapeOf(a: unknown): string {
  const t = a as RawTensor | null;
  return t && Array.isArray(t.shape) ? `[${t.shape.join(',')}]` : '';
}

for (const [name, fn] of Object.entries(b)) {
  if (typeof fn !== 'function' || name === 'recycle') continue;
  b[name] = (...args: unknown[]) => {
    if (!enabled) return (fn as (...a: unknown[]) => unknown)(...args);
    const t0 = performance.now();
    const r = (fn as (...a: unknown[]) => unknown)(...args);
    const key = `${name} ${args.slice(0, 2).map(shapeOf).join(' ')}`;
    const e = times.get(key) ?? { ms: 0, calls: 0 };
    e.ms += performance.now() - t0;
    e.calls++;
    times.set(key, e);
    return r;
  };
}

function report(title: string, wall: number, n: number): void {
  const rows = [...times.entries()].sort((x, y) => y[1].ms - x[1].ms);
  const inside = rows.reduce((s, [, e]) => s + e.ms, 0);
  console.log(`\n${title}: ${(wall / n).toFixed(3)} ms per call (${n} calls); outside backend ${((wall - inside) / n).toFixed(3)} ms`);
  for (const [k, e] of rows.slice(0, 16)) {
    console.log(`  ${((100 * e.ms) / wall).toFixed(1).padStart(5)}%  ${(e.ms / n).toFixed(3).padStart(8)} ms  x${(e.calls / n).toFixed(0)}  ${k}`);
  }
  times.clear();
}

const { model, next, px } = buildW4Sequential(makeDataset());
console.log(`backend ${(backend() as Backend).name}, ISA ${nativeInfo()?.isa ?? '-'}, threads ${nativeInfo()?.threads ?? '-'}`);
for (let i = 0; i < 20; i++) { const s = next(); model.trainOnBatch(s.x, s.y); }
model.predictOnBatch(px);
enabled = true;
let t0 = performance.now();
for (let i = 0; i < steps; i++) { const s = next(); model.trainOnBatch(s.x, s.y); }
report('W4 train step (batch 32)', performance.now() - t0, steps);
t0 = performance.now();
for (let i = 0; i < predicts; i++) model.predictOnBatch(px);
report('W4 predict (batch 1024)', performance.now() - t0, predicts);

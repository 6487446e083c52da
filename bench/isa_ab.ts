// Paired A/B of the native ISA paths in one process: `node build/bench/isa_ab.js [isas] [seconds] [rounds]` trains and
// predicts W1/W2/W3 on each path in turn (same models, same batches), rounds interleaved, and prints medians and
// the per-round ratio to the first path. For kernel work on a noisy machine; `npm run bench` is the reference.
import { setNativeIsa, nativeInfo } from '../src/backend/native.js';
import { makeDataset, BATCH, PREDICT_BATCH } from './common.js';
import { buildSequential, type SequentialBench } from './sequential.js';
import type { WorkloadName } from './workloads.js';

const WORKLOADS: WorkloadName[] = ['W1', 'W2', 'W3'];

const isas = (process.argv[2] ?? nativeInfo()?.supportedIsas.join(',') ?? 'baseline').split(',');
const seconds = Number(process.argv[3] ?? 0.5);
const rounds = Number(process.argv[4] ?? 5);
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1];

function rate(step: () => void, units: number): number {
  step();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    step();
    n++;
  }
  return (n * units) / ((performance.now() - t0) / 1000);
}

const data = makeDataset();
const models = new Map<string, SequentialBench>();
for (const w of WORKLOADS) models.set(w, buildSequential(w, data));
const res = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  for (const w of WORKLOADS) {
    const m = models.get(w)!;
    for (const kind of ['train', 'predict'] as const) {
      for (const isa of r % 2 ? [...isas].reverse() : isas) {
        setNativeIsa(isa);
        const v = kind === 'train'
          ? rate(() => { const b = m.next(); m.model.trainOnBatch(b.x, b.y); }, BATCH)
          : rate(() => { m.model.predictOnBatch(m.px); }, PREDICT_BATCH);
        const key = `${w} ${kind} ${isa}`;
        res.set(key, [...(res.get(key) ?? []), v]);
      }
    }
  }
}
console.log(`CPU ${nativeInfo()?.cpu}; samples/s, median of ${rounds} interleaved rounds; ratio = median per-round ratio to ${isas[0]}`);
for (const w of WORKLOADS) {
  for (const kind of ['train', 'predict']) {
    const base = res.get(`${w} ${kind} ${isas[0]}`)!;
    console.log(`${w} ${kind}: ` + isas.map((isa) => {
      const v = res.get(`${w} ${kind} ${isa}`)!;
      return `${isa} ${median(v).toFixed(0)} (${median(v.map((x, i) => x / base[i])).toFixed(2)})`;
    }).join(', '));
  }
}

// Paired rounds in one Node process: per round, per workload, each backend configuration trains and predicts back to
// back (shared by `npm run bench -- --browser`'s Node part and `npm run bench -- --wasm`).
import { setNativeIsa } from '../src/backend/native.js';
import { registerBackend, setBackend } from '../src/backend/registry.js';
import type { Backend, BackendName } from '../src/backend/backend.js';
import { BATCH, measure, PREDICT_BATCH, type Dataset } from './common.js';
import { buildSequential, type SequentialBench } from './sequential.js';
import type { WorkloadName } from './workloads.js';

/** One backend set-up to measure: a registered backend (or `use`, registered first) and a native ISA path. */
export type Config = { name: string; backend: BackendName; isa?: string; use?: Backend };

/** samples/s per configuration name, per item ('W1 train', 'W1 predict', ...), one figure per round. */
export type RoundFigures = Record<string, Record<string, number[]>>;

export async function pairedRounds(configs: Config[], o: {
  rounds: number; workloads: WorkloadName[]; data: Dataset; runSeconds: number; restoreIsa?: string; log: (msg: string) => void;
}): Promise<RoundFigures> {
  const out: RoundFigures = {};
  const models = new Map<string, SequentialBench>();
  for (let r = 0; r < o.rounds; r++) {
    for (const w of o.workloads) {
      for (const c of configs) {
        if (c.backend === 'reference' && w !== 'W2') continue;  // NOTE: the oracle needs minutes for W1/W3; W2 gives the ratio
        if (c.use) registerBackend(c.use);
        setBackend(c.backend);
        if (c.isa) setNativeIsa(c.isa);
        const key = `${c.name}|${w}`;
        if (!models.has(key)) models.set(key, buildSequential(w, o.data));
        const m = models.get(key)!;
        const sec = c.backend === 'reference' ? o.runSeconds / 3 : o.runSeconds;
        const train = await measure(() => {
          const b = m.next();
          return m.model.trainOnBatch(b.x, b.y);
        }, BATCH, { runSeconds: sec, runs: 1, warmupSteps: 2 });
        const predict = await measure(() => m.model.predictOnBatch(m.px), PREDICT_BATCH, { runSeconds: sec, runs: 1, warmupSteps: 1 });
        ((out[c.name] ??= {})[`${w} train`] ??= []).push(train.median);
        (out[c.name][`${w} predict`] ??= []).push(predict.median);
      }
    }
    o.log(`round ${r + 1}/${o.rounds} done`);
  }
  if (o.restoreIsa) setNativeIsa(o.restoreIsa);
  return out;
}

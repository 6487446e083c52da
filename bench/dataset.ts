// W2 training from .npy shards on disk (data.fromNpyShards -> batch -> prefetch) vs the same fit from in-memory tensors.
// Paired rounds (order alternating), one epoch of 60,000 samples each; ratio = median of per-round ratios.
// Standalone: `node build/bench/dataset.js --run [rounds]`; from the bench main: `await benchDataset({ rounds })`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import '../src/backend/native.js';
import { getBackend } from '../src/backend/registry.js';
import { Tensor } from '../src/tensor/tensor.js';
import { fromNpyShards, writeNpyShards } from '../src/data/node.js';
import { BATCH, makeDataset, N_FEATURES, N_SAMPLES, type Dataset } from './common.js';
import { buildSequential } from './sequential.js';

export interface DatasetBenchResult {
  cpu: string;
  backend: string;
  rounds: number;
  /** Samples per second of one W2 training epoch, per round. */
  inMemory: number[];
  shards: number[];
  medianInMemory: number;
  medianShards: number;
  /** Median over rounds of shards / inMemory (1 = as fast; the target is >= 0.95). */
  ratio: number;
  /** Samples per second of the shard pipeline alone (read, shuffle, batch; no training), median over rounds. */
  pipelineOnly: number;
  /** 1-minute load average before and after (the host is shared). */
  load: [number, number];
}

const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

export async function benchDataset(options: { rounds?: number; log?: (m: string) => void; data?: Dataset } = {}): Promise<DatasetBenchResult> {
  const rounds = options.rounds ?? 5;
  const log = options.log ?? ((m: string) => console.log(`[bench dataset] ${m}`));
  const load0 = loadavg()[0];
  const d = options.data ?? makeDataset();
  const x = new Tensor(d.x, [N_SAMPLES, N_FEATURES], 'float32');
  const y = new Tensor(d.y, [N_SAMPLES], 'int32');
  const dir = mkdtempSync(join(tmpdir(), 'lw-bench-shards-'));
  try {
    const shards = writeNpyShards(dir, { x, y }, { rowsPerShard: 10_000 });
    const mem = buildSequential('W2', d).model;
    const disk = buildSequential('W2', d).model;
    const ds = fromNpyShards(shards, { shuffle: true, seed: 1 }).batch(BATCH).prefetch(2);
    // Each call trains the next epoch (initialEpoch), as one multi-epoch fit would: a new shuffle on both sides.
    let memEpoch = 0;
    let diskEpoch = 0;
    const epochMem = async (): Promise<number> => {
      const t0 = performance.now();
      await mem.fit(x, y, { epochs: memEpoch + 1, initialEpoch: memEpoch++, batchSize: BATCH, verbose: 0 });
      return N_SAMPLES / ((performance.now() - t0) / 1000);
    };
    const epochDisk = async (): Promise<number> => {
      const t0 = performance.now();
      await disk.fit(ds, { epochs: diskEpoch + 1, initialEpoch: diskEpoch++, verbose: 0 });
      return N_SAMPLES / ((performance.now() - t0) / 1000);
    };
    // Its own Dataset, so it does not take the training one's read-ahead.
    const alone = fromNpyShards(shards, { shuffle: true, seed: 2 }).batch(BATCH).prefetch(2);
    let aloneEpoch = 0;
    const pipeline = async (): Promise<number> => {
      const t0 = performance.now();
      const it = alone.iterator({ epoch: aloneEpoch++ });
      for (;;) {
        let r = it.next();
        if (r instanceof Promise) r = await r;
        if (r.done) break;
        it.release?.(r.value); // as fit does once a batch is trained on
      }
      return N_SAMPLES / ((performance.now() - t0) / 1000);
    };
    await epochMem();
    await epochDisk();
    const pipelineRates: number[] = [];
    const inMemory: number[] = [];
    const fromShards: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first: a slow phase of the host hits both sides alike over the rounds.
      if (r % 2 === 0) {
        inMemory.push(await epochMem());
        fromShards.push(await epochDisk());
      } else {
        fromShards.push(await epochDisk());
        inMemory.push(await epochMem());
      }
      pipelineRates.push(await pipeline());
      log(`pipeline alone ${pipelineRates[r].toFixed(0)} samples/s; round ${r + 1}/${rounds}: in-memory ${inMemory[r].toFixed(0)} samples/s, .npy shards ${fromShards[r].toFixed(0)} samples/s (${(fromShards[r] / inMemory[r]).toFixed(3)})`);
    }
    return {
      cpu: cpus()[0]?.model ?? 'unknown',
      backend: getBackend(),
      rounds,
      inMemory,
      shards: fromShards,
      medianInMemory: median(inMemory),
      medianShards: median(fromShards),
      ratio: median(fromShards.map((s, i) => s / inMemory[i])),
      pipelineOnly: median(pipelineRates),
      load: [load0, loadavg()[0]],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bench report's paragraph. */
export function datasetMarkdown(r: DatasetBenchResult): string {
  return [
    `W2 training from .npy shards on disk (data.fromNpyShards(shards, { shuffle: true }).batch(${BATCH}).prefetch(2), 6 shards of 10,000 rows)`,
    `vs fit on the same in-memory tensors (shuffled), one epoch of ${N_SAMPLES} samples each side per round, ${r.rounds} paired rounds`,
    `(order alternating), ${r.cpu}, backend ${r.backend}, load average ${r.load[0].toFixed(1)} -> ${r.load[1].toFixed(1)}:`,
    `in-memory ${r.medianInMemory.toFixed(0)} samples/s, .npy shards ${r.medianShards.toFixed(0)} samples/s, ` +
      `median per-round ratio ${r.ratio.toFixed(3)} (target >= 0.95); the shard pipeline alone streams ${r.pipelineOnly.toFixed(0)} samples/s.`,
    '',
  ].join('\n');
}

const at = process.argv.indexOf('--run');
if (at >= 0) {
  const r = await benchDataset({ rounds: Number(process.argv[at + 1] ?? 5) || 5 });
  console.log(JSON.stringify(r));
  console.log(datasetMarkdown(r));
  console.log(`W2 training, ${r.cpu} (${r.backend}): in-memory ${r.medianInMemory.toFixed(0)} samples/s, .npy shards ${r.medianShards.toFixed(0)} samples/s, ratio ${r.ratio.toFixed(3)} (median of ${r.rounds} paired rounds); the pipeline alone streams ${r.medianShards > 0 ? r.pipelineOnly.toFixed(0) : '?'} samples/s`);
}

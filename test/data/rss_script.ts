// Helper process for rss.test.ts: writes ~2 GB of .npy shards into <dir>, fits over them once, prints peak RSS as JSON.
// Does nothing unless run with --run <dir> (the test runner may load every file under test/).
import { writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import '../../src/backend/native.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { fromNpyShards, encodeNpy } from '../../src/data/node.js';
import { LambdaCallback } from '../../src/callbacks/lambda.js';

const FEATURES = 4096;
const ROWS = 2048; // 32 MiB of float32 per shard
const SHARDS = 64; // 2 GiB in all

async function main(dir: string): Promise<void> {
  setRandomSeed(1);
  const x = new Float32Array(ROWS * FEATURES);
  const y = new Int32Array(ROWS);
  const shards: string[][] = [];
  for (let k = 0; k < SHARDS; k++) {
    for (let i = 0; i < x.length; i += 97) x[i] = ((i * 31 + k) % 255) / 255;
    for (let i = 0; i < ROWS; i++) y[i] = (i + k) % 4;
    const files = [join(dir, `x_${k}.npy`), join(dir, `y_${k}.npy`)];
    writeFileSync(`${files[0]}.tmp`, encodeNpy(new Tensor(x, [ROWS, FEATURES], 'float32')));
    renameSync(`${files[0]}.tmp`, files[0]);
    writeFileSync(files[1], encodeNpy(new Tensor(y, [ROWS], 'int32')));
    shards.push(files);
  }
  const model = new Sequential([new Dense(4, { inputShape: [FEATURES], activation: 'softmax' })]);
  model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  const ds = fromNpyShards(shards, { shuffle: true }).batch(512).prefetch(2);
  let samples = 0;
  const t0 = performance.now();
  const count = new LambdaCallback({ onBatchBegin: (_b, logs) => void (samples += logs.size) });
  const h = await model.fit(ds, { epochs: 1, verbose: 0, callbacks: [count] });
  process.stdout.write(JSON.stringify({
    maxRssMB: process.resourceUsage().maxRSS / 1024, samples, seconds: (performance.now() - t0) / 1000, loss: h.history.loss[0],
    bytes: SHARDS * ROWS * FEATURES * 4,
  }));
}

const at = process.argv.indexOf('--run');
if (at >= 0) await main(process.argv[at + 1]);

// The lab's 10-class CNN epoch (examples/chapter11/lab/exp8_cnn_transfer.ts: W4's net, Adam 1e-3, batch 32, accuracy
// metric) as a paired A/B of backend kernels: `node build/bench/w4_lab_epoch.js [images] [rounds] [kernels]` fits one
// epoch on `images` of the bench's data alternately without and with the comma-separated backend methods (default
// convForward,convWeightGrad) and prints seconds per 55,000-image epoch (the lab's training set) and the ratio.
import { Sequential, layers, optimizers } from '../src/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { backend } from '../src/backend/registry.js';
import { nativeInfo } from '../src/backend/native.js';
import { N_FEATURES, makeDataset } from './common.js';
import { W4_INPUT, w4Model } from './w4.js';

const images = Number(process.argv[2] ?? 4000);
const rounds = Number(process.argv[3] ?? 3);
const kernels = (process.argv[4] ?? 'convForward,convWeightGrad').split(',');
const b = backend() as unknown as Record<string, unknown>;
const saved = kernels.map((k) => b[k]);
const set = (on: boolean): void => kernels.forEach((k, i) => { if (on) b[k] = saved[i]; else delete b[k]; });

const d = makeDataset();
const x = new Tensor(d.x.subarray(0, images * N_FEATURES), [images, ...W4_INPUT], 'float32');
const y = new Tensor(d.y.subarray(0, images), [images], 'int32');
const model: Sequential = w4Model();
model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.Adam({ learningRate: 1e-3 }), metrics: ['accuracy'] });
void layers;

async function epoch(on: boolean): Promise<number> {
  set(on);
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: 32, verbose: 0 });
  return ((performance.now() - t0) / 1000) * (55000 / images);
}

console.log(`ISA ${nativeInfo()?.isa ?? '-'}, threads ${nativeInfo()?.threads ?? '-'}, ${images} images per round; A = without ${kernels.join(' + ')}, B = with`);
await epoch(true);
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const a = await epoch(false);
  const bb = await epoch(true);
  ratios.push(a / bb);
  console.log(`round ${r}: A ${a.toFixed(1)} s/epoch, B ${bb.toFixed(1)} s/epoch, ratio ${(a / bb).toFixed(2)}`);
}
console.log(`median ratio ${[...ratios].sort((p, q) => p - q)[Math.floor(rounds / 2)].toFixed(3)}`);

// The lab's fit calls on Fashion-MNIST, timed: `node build/bench/lab_fit.js <model> [images] [epochs] [rounds]`, model one of
// bn (experiment 3's notebook model: BN + ReLU, SGD 1e-3, batch 32, validation on 5,000), mlp (no BN) or cnn (experiment 8's
// 10-class CNN: Adam 1e-3, batch 32), small (experiment 2's nets: Dense(100, elu) x 2, SGD 0.01 momentum 0.9; LAB_FIT_VAL=0 leaves validation out). Prints seconds per 55,000-image epoch (with validation) and per step, per round.
import { Sequential, layers, optimizers, datasets, setRandomSeed } from '../src/index.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { nativeInfo } from '../src/backend/native.js';
import { backend } from '../src/backend/registry.js';
import { reuseStepBuffers } from '../src/models/step_buffers.js';

const which = process.argv[2] ?? 'bn';
const images = Number(process.argv[3] ?? 20000);
const epochs = Number(process.argv[4] ?? 1);
const rounds = Number(process.argv[5] ?? 3);

/** Flatten - Dense(first, elu) - Dense(100, elu) - Dense(10, softmax), He-normal hidden kernels. */
function eluMlp(first: number): Sequential {
  return new Sequential([
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.Dense(first, { activation: 'elu', kernelInitializer: 'he_normal' }),
    new layers.Dense(100, { activation: 'elu', kernelInitializer: 'he_normal' }),
    new layers.Dense(10, { activation: 'softmax' }),
  ]);
}

function build(): Sequential {
  if (which === 'cnn') {
    return new Sequential([
      new layers.Reshape([28, 28, 1], { inputShape: [28, 28] }),
      new layers.Conv2D(32, 3, { padding: 'same', activation: 'relu' }),
      new layers.MaxPooling2D(2),
      new layers.Conv2D(64, 3, { padding: 'same', activation: 'relu' }),
      new layers.MaxPooling2D(2),
      new layers.Flatten(),
      new layers.Dense(128, { activation: 'relu' }),
      new layers.Dense(10, { activation: 'softmax' }),
    ]);
  }
  if (which === 'small') return eluMlp(100);
  if (which === 'mlp') return eluMlp(300);
  return new Sequential([
    new layers.Flatten({ inputShape: [28, 28] }),
    new layers.BatchNormalization(),
    new layers.Dense(300, { activation: 'relu' }),
    new layers.BatchNormalization(),
    new layers.Dense(100, { activation: 'relu' }),
    new layers.BatchNormalization(),
    new layers.Dense(10, { activation: 'softmax' }),
  ]);
}

const [[xAll, yAll]] = await datasets.fashionMnist.loadData();
const scale = (t: Tensor): Tensor => t.cast('float32').div(255);
const validX = scale(xAll.sliceAxis(0, 0, 5000));
const validY = yAll.sliceAxis(0, 0, 5000).cast('int32');
const x = scale(xAll.sliceAxis(0, 5000, 5000 + images));
const y = yAll.sliceAxis(0, 5000, 5000 + images).cast('int32');

// LAB_FIT_KERNELS=1: time every backend method (wall time of the call on the main thread), printed per round.
const spent = new Map<string, { ms: number; calls: number }>();
if (process.env.LAB_FIT_KERNELS === '1') {
  const b = backend() as unknown as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    const f = b[k];
    if (typeof f !== 'function') continue;
    b[k] = (...a: unknown[]): unknown => {
      const t = performance.now();
      const r = (f as (...x: unknown[]) => unknown).apply(b, a);
      const e = spent.get(k) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t;
      e.calls++;
      spent.set(k, e);
      return r;
    };
  }
}

console.log(`${which}: ISA ${nativeInfo()?.isa ?? '-'}, threads ${nativeInfo()?.threads ?? '-'}, ${images} images x ${epochs} epoch(s) per round`);
// LAB_FIT_AB=reuse: even rounds without, odd rounds with the step-buffer reuse (paired A/B in one process).
const ab = process.env.LAB_FIT_AB ?? '';
const switches: Record<string, (on: boolean) => void> = { reuse: (on) => void (reuseStepBuffers.enabled = on) };
const perRound: number[] = [];
for (let r = 0; r < rounds; r++) {
  if (ab) switches[ab](r % 2 === 1);
  setRandomSeed(1);
  const model = build();
  const optimizer = which === 'cnn' ? new optimizers.Adam({ learningRate: 1e-3 })
    : which === 'small' ? new optimizers.SGD({ learningRate: 0.01, momentum: 0.9 }) : new optimizers.SGD({ learningRate: 1e-3 });
  model.compile({ loss: 'sparse_categorical_crossentropy', optimizer, metrics: ['accuracy'] });
  const t0 = performance.now();
  const h = await model.fit(x, y, { epochs, batchSize: 32, verbose: 0, validationBatchSize: 256, ...(process.env.LAB_FIT_VAL === '0' ? {} : { validationData: [validX, validY] }) });
  const s = (performance.now() - t0) / 1000;
  const steps = Math.ceil(images / 32) * epochs;
  perRound.push(s);
  console.log(`round ${r}${ab ? (r % 2 === 1 ? ' B' : ' A') : ''}: ${((s / epochs) * (55000 / images)).toFixed(2)} s per 55,000-image epoch, ${((s * 1000) / steps).toFixed(3)} ms/step; ` +
    `loss ${(h.history.loss as number[]).map((v) => v.toFixed(6)).join(' ')}, val_accuracy ${((h.history.val_accuracy ?? []) as number[]).map((v) => v.toFixed(4)).join(' ')}`);
  if (spent.size > 0) {
    const total = [...spent.values()].reduce((a, e) => a + e.ms, 0);
    console.log(`  backend calls ${(total / 1000).toFixed(2)} s of ${s.toFixed(2)} s: ` +
      [...spent].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12).map(([k, e]) => `${k} ${(e.ms / 1000).toFixed(2)} s/${e.calls}`).join(', '));
    spent.clear();
  }
}
if (ab) {
  const ratios: number[] = [];
  for (let r = 1; r < perRound.length; r += 2) ratios.push(perRound[r - 1] / perRound[r]);
  console.log(`A/B (${ab}) time ratios A/B per pair: ${ratios.map((v) => v.toFixed(3)).join(' ')}; median ${[...ratios].sort((p, q) => p - q)[Math.floor(ratios.length / 2)].toFixed(3)}`);
}
const miss = (globalThis as any).__miss as Map<number, number> | undefined;
if (miss) console.log('alloc misses by size:', [...miss].sort((a, b) => b[0] * b[1] - a[0] * a[1]).slice(0, 20).map(([n, c]) => `${n}x${c}`).join(' '));

// Runs in Chromium (bundled by test/browser/threads.test.ts). Isolated page (?mode=isolated): ready() picks the
// threaded wasm build, whose kernels run the kernel-vs-reference suite; an MLP trains in a Web Worker (fitInWorker) with
// progress messages and, from the same bytes and seed, on the page's main thread: same weights. Plain page: 1 thread.
import * as lw from '../../src/index.browser.js';
import { loadWasmThreadsWebBackend } from '../../src/backend/wasm_threads_web.js';
import { describe, runAll, type Outcome } from './shim_test.js';
import { kernelSuite } from '../helpers/kernel_suite.js';

const result: Record<string, unknown> = {};
const log = (line: string): void => {
  console.log(line);
  document.body.textContent = `${document.body.textContent ?? ''}\n${line}`;
};

/** Four Gaussian blobs in 16 dimensions (seeded): a task a small MLP learns to > 90% in a few epochs. */
function blobs(n: number, seed: number): [lw.Tensor, lw.Tensor] {
  lw.setRandomSeed(seed);
  const y = lw.randomUniform([n], { minval: 0, maxval: 4 }).floor().cast('int32');
  const centers = lw.randomNormal([4, 16], { stddev: 2 });
  const x = lw.gather(centers, y).add(lw.randomNormal([n, 16]));
  return [x, y];
}

function mlp(): lw.Sequential {
  const model = new lw.Sequential([
    new lw.layers.Dense(32, { activation: 'relu', inputShape: [16] }),
    new lw.layers.Dense(4, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return model;
}

async function workerFit(): Promise<Record<string, unknown>> {
  const [xAll, yAll] = blobs(1600, 3);
  const [x, y] = [xAll.sliceAxis(0, 0, 1200), yAll.sliceAxis(0, 0, 1200)];
  const [xTest, yTest] = [xAll.sliceAxis(0, 1200, 1600), yAll.sliceAxis(0, 1200, 1600)];
  lw.setRandomSeed(11);
  const model = mlp();
  const initial = await lw.modelToBytes(model);
  const worker = new Worker('/worker.js', { type: 'module' });
  const epochs: { epoch: number; loss: number; valLoss: number }[] = [];
  const batches: number[] = [];
  let start: unknown = null;
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const t0 = performance.now();
  const fit = await lw.fitInWorker(worker, model, x, y, {
    epochs: 4, batchSize: 32, validationSplit: 0.25, seed: 5,
    onStart: (info) => (start = info),
    onEpochEnd: (epoch, logs) => epochs.push({ epoch, loss: logs.loss, valLoss: logs.val_loss }),
    onBatchEnd: (_epoch, batch) => batches.push(batch),
  });
  const workerMs = performance.now() - t0;
  clearInterval(timer);
  // Aborting after the first epoch's message stops the worker's fit early; a data error comes back as a rejection.
  const controller = new AbortController();
  const aborted = await lw.fitInWorker(worker, mlp(), x, y, {
    epochs: 50, batchSize: 32, signal: controller.signal, onEpochEnd: () => controller.abort(),
  });
  const wrongShape = await lw.fitInWorker(worker, mlp(), x.sliceAxis(1, 0, 8), y, { epochs: 1 }).then(() => 'resolved', (e: Error) => e.message);
  worker.terminate();
  const [, accuracy] = await model.evaluate(xTest, yTest, { verbose: 0 });
  // The same run on the page's main thread: the same bytes and seed as the worker saw.
  lw.setRandomSeed(5);
  const local = await lw.loadModel(initial);
  let mainTicks = 0;
  const mainTimer = setInterval(() => mainTicks++, 0);
  const h = await local.fit(x, y, { epochs: 4, batchSize: 32, validationSplit: 0.25, verbose: 0 });
  clearInterval(mainTimer);
  let maxDiff = 0;
  model.getWeights().forEach((w, i) => {
    const a = w.dataSync();
    const b = local.getWeights()[i].dataSync();
    a.forEach((v, j) => (maxDiff = Math.max(maxDiff, Math.abs(v - b[j]))));
  });
  const changed = model.getWeights()[0].sub((await lw.loadModel(initial)).getWeights()[0]).abs().max().dataSync()[0];
  log(`fitInWorker: ${epochs.length} epoch messages, ${batches.length} batch messages, accuracy ${accuracy.toFixed(3)}, ` +
    `${ticks} page timer ticks in ${workerMs.toFixed(0)} ms; main-thread fit: ${mainTicks} ticks; max |worker - page| ${maxDiff}`);
  return { abortedEpochs: aborted.epoch.length, wrongShape, start, epochs, batches, history: fit.history, epochList: fit.epoch, accuracy, maxDiff, changed, ticks, mainTicks, workerMs, pageHistory: h.history };
}

async function kernels(): Promise<{ outcomes: Outcome[]; ms: number }> {
  const t0 = performance.now();
  const { backend } = await loadWasmThreadsWebBackend();
  describe('threaded wasm kernels', () => kernelSuite(() => backend));
  const outcomes = await runAll((o) => (o.ok ? undefined : log(`FAIL ${o.name}: ${o.error}`)));
  log(`threaded kernel suite: ${outcomes.filter((o) => o.ok).length}/${outcomes.length} in ${(performance.now() - t0).toFixed(0)} ms`);
  return { outcomes, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const mode = new URLSearchParams(location.search).get('mode');
  const info = await lw.ready();
  Object.assign(result, { info, isolated: globalThis.crossOriginIsolated, supported: lw.wasmThreadsSupported(), threads: await lw.initWasmThreads() });
  result.wasmInfo = lw.wasmInfo();
  const product = lw.tensor([[1, 2], [3, 4]]).matmul(lw.tensor([[5], [6]])).dataSync();
  result.matmul = Array.from(product);
  log(`${mode}: ${JSON.stringify(result)}`);
  if (mode === 'isolated') {
    result.kernels = await kernels();
    result.worker = await workerFit();
  }
  (globalThis as Record<string, unknown>).__lwResult = result;
}

// Under Node (node --test loads every file under build/test) this module does nothing.
if (typeof document !== 'undefined') main().catch((e: Error) => {
  (globalThis as Record<string, unknown>).__lwResult = { error: `${e.message}\n${e.stack ?? ''}` };
});

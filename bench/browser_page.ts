// The in-page half of `npm run bench -- --browser` (bundled by bench/browser.ts): W1/W2/W3 training (batch 32) and
// predict (batch 1024), in paired rounds (every peer per workload back to back), for layerwise on its wasm builds
// (threaded when the page is cross-origin isolated, and single-thread) against TensorFlow.js' wasm (SIMD; threaded when
// isolated) and, in the first round only (it is 10-50x slower), TensorFlow.js cpu.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as lw from '../src/index.browser.js';
import { loadWasmBackend } from '../src/backend/wasm.js';
import { loadWasmThreadsWebBackend } from '../src/backend/wasm_threads_web.js';
import { registerBackend } from '../src/backend/registry.js';
import type { Backend } from '../src/backend/backend.js';
import { BATCH, makeDataset, measure, N_FEATURES, PREDICT_BATCH, type Dataset } from './common.js';
import { architecture, type WorkloadName } from './workloads.js';
import { buildSequential } from './sequential.js';

const WORKLOADS: WorkloadName[] = ['W1', 'W2', 'W3'];
type Row = { peer: string; workload: WorkloadName; round: number; train: number; predict: number };

function tfModel(name: WorkloadName): tf.Sequential {
  const model = tf.sequential();
  architecture(name).forEach((spec, i, arch) => {
    const first = i === 0 ? { inputShape: [N_FEATURES] } : {};
    if ('bn' in spec) model.add(tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3, ...first }));
    else {
      const last = i === arch.length - 1;
      const init = spec.activation === 'selu' ? 'leCunNormal' : spec.activation === 'linear' ? 'glorotUniform' : 'heNormal';
      model.add(tf.layers.dense({ units: spec.units, activation: last ? 'softmax' : (spec.activation as 'elu'), kernelInitializer: init, ...first }));
    }
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

async function benchTf(backendName: 'wasm' | 'cpu', w: WorkloadName, d: Dataset, runSeconds: number): Promise<{ train: number; predict: number }> {
  await tf.setBackend(backendName);
  await tf.ready();
  const model = tfModel(w);
  let offset = 0;
  const train = await measure(async () => {
    if (offset + BATCH > d.y.length) offset = 0;
    const xs = tf.tensor2d(d.x.subarray(offset * N_FEATURES, (offset + BATCH) * N_FEATURES), [BATCH, N_FEATURES]);
    const ys = tf.tensor1d(Float32Array.from(d.y.subarray(offset, offset + BATCH)));
    offset += BATCH;
    await model.trainOnBatch(xs, ys);
    xs.dispose();
    ys.dispose();
  }, BATCH, { runSeconds, runs: 1, warmupSteps: 2 });
  const px = tf.tensor2d(d.x.subarray(0, PREDICT_BATCH * N_FEATURES), [PREDICT_BATCH, N_FEATURES]);
  const predict = await measure(() => {
    const y = model.predict(px) as tf.Tensor;
    y.dataSync();
    y.dispose();
  }, PREDICT_BATCH, { runSeconds, runs: 1, warmupSteps: 1 });
  px.dispose();
  model.dispose();
  return { train: train.median, predict: predict.median };
}

async function benchLayerwise(b: Backend, w: WorkloadName, d: Dataset, runSeconds: number): Promise<{ train: number; predict: number }> {
  registerBackend(b);
  lw.setBackend('wasm');
  const m = buildSequential(w, d);
  const train = await measure(() => {
    const batch = m.next();
    return m.model.trainOnBatch(batch.x, batch.y);
  }, BATCH, { runSeconds, runs: 1, warmupSteps: 2 });
  const predict = await measure(() => m.model.predictOnBatch(m.px), PREDICT_BATCH, { runSeconds, runs: 1, warmupSteps: 1 });
  return { train: train.median, predict: predict.median };
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const runSeconds = Number(params.get('seconds') ?? 1);
  const rounds = Number(params.get('rounds') ?? 3);
  setWasmPaths('/tfjs-wasm/');
  // NOTE: tfjs-backend-wasm defaults to half the cores (1 of 2 here); give it all of them, as layerwise's threaded build.
  if (globalThis.crossOriginIsolated) setThreadsCount(navigator.hardwareConcurrency);
  await lw.ready();
  const single = loadWasmBackend().backend!;
  const peers: { name: string; run: (w: WorkloadName, d: Dataset) => Promise<{ train: number; predict: number }>; once?: boolean }[] = [];
  if (lw.wasmThreadsSupported()) {
    const mt = await loadWasmThreadsWebBackend();
    peers.push({ name: `layerwise-wasm (${mt.threads} threads)`, run: (w, d) => benchLayerwise(mt.backend, w, d, runSeconds) });
  }
  peers.push({ name: 'layerwise-wasm (1 thread)', run: (w, d) => benchLayerwise(single, w, d, runSeconds) });
  await tf.setBackend('wasm');
  await tf.ready();
  const tfThreads = getThreadsCount();
  peers.push({ name: `tfjs-wasm (${tfThreads} thread${tfThreads > 1 ? 's' : ''})`, run: (w, d) => benchTf('wasm', w, d, runSeconds) });
  if (params.get('cpu') !== '0') peers.push({ name: 'tfjs-cpu', once: true, run: (w, d) => benchTf('cpu', w, d, w === 'W3' ? runSeconds / 3 : runSeconds) });
  const d = makeDataset();
  const rows: Row[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const w of WORKLOADS) {
      for (const p of peers) {
        if (p.once && round > 0) continue;
        rows.push({ peer: p.name, workload: w, round, ...(await p.run(w, d)) });
      }
    }
    console.log(`round ${round + 1}/${rounds}: ${JSON.stringify(rows.filter((r) => r.round === round).map((r) => [r.peer, r.workload, Math.round(r.train), Math.round(r.predict)]))}`);
  }
  (globalThis as Record<string, unknown>).__benchResult = {
    rows, peers: peers.map((p) => p.name), isolated: globalThis.crossOriginIsolated, cores: navigator.hardwareConcurrency,
    userAgent: navigator.userAgent, tfjsWasmThreads: tfThreads,
  };
}

main().catch((e: Error) => {
  (globalThis as Record<string, unknown>).__benchResult = { error: `${e.message}\n${e.stack ?? ''}` };
});

// The in-page half of `npm run bench -- --browser` (bundled by bench/browser.ts): W1/W2/W3 training (batch 32) and
// predict (batch 1024) for layerwise on its wasm backend against TensorFlow.js' wasm (SIMD) and cpu backends.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as lw from '../src/index.browser.js';
import { BATCH, makeDataset, measure, N_FEATURES, PREDICT_BATCH, type Dataset } from './common.js';
import { architecture, type WorkloadName } from './workloads.js';
import { buildSequential } from './sequential.js';

const WORKLOADS: WorkloadName[] = ['W1', 'W2', 'W3'];
type Row = { peer: string; workload: WorkloadName; train: number; predict: number };

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

async function benchTf(backendName: 'wasm' | 'cpu', w: WorkloadName, d: Dataset, runSeconds: number): Promise<Row> {
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
  }, BATCH, { runSeconds, runs: 3, warmupSteps: 2 });
  const px = tf.tensor2d(d.x.subarray(0, PREDICT_BATCH * N_FEATURES), [PREDICT_BATCH, N_FEATURES]);
  const predict = await measure(() => {
    const y = model.predict(px) as tf.Tensor;
    y.dataSync();
    y.dispose();
  }, PREDICT_BATCH, { runSeconds, runs: 3, warmupSteps: 1 });
  px.dispose();
  model.dispose();
  return { peer: `tfjs-${backendName}`, workload: w, train: train.median, predict: predict.median };
}

async function benchLayerwise(w: WorkloadName, d: Dataset, runSeconds: number): Promise<Row> {
  const m = buildSequential(w, d);
  const train = await measure(() => {
    const b = m.next();
    return m.model.trainOnBatch(b.x, b.y);
  }, BATCH, { runSeconds, runs: 3 });
  const predict = await measure(() => m.model.predictOnBatch(m.px), PREDICT_BATCH, { runSeconds, runs: 3, warmupSteps: 1 });
  return { peer: `layerwise-wasm (${lw.wasmInfo()?.threads} thread)`, workload: w, train: train.median, predict: predict.median };
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const runSeconds = Number(params.get('seconds') ?? 1.5);
  setWasmPaths('/tfjs-wasm/');
  await lw.initWasm();
  lw.setBackend('wasm');
  const d = makeDataset();
  const rows: Row[] = [];
  for (const w of WORKLOADS) {
    rows.push(await benchLayerwise(w, d, runSeconds));
    rows.push(await benchTf('wasm', w, d, runSeconds));
    rows.push(await benchTf('cpu', w, d, w === 'W3' ? runSeconds / 3 : runSeconds));
    console.log(JSON.stringify(rows.slice(-3)));
  }
  (globalThis as Record<string, unknown>).__benchResult = {
    rows, isolated: globalThis.crossOriginIsolated, cores: navigator.hardwareConcurrency, userAgent: navigator.userAgent,
    tfjsWasmThreads: (tf.backend() as unknown as { name?: string }) && tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
}

main().catch((e: Error) => {
  (globalThis as Record<string, unknown>).__benchResult = { error: `${e.message}\n${e.stack ?? ''}` };
});

// TensorFlow.js peers (cpu and wasm backends): the same workloads built with tf.sequential.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { WorkloadName } from './workloads.js';
import { architecture } from './workloads.js';
import { BATCH, N_CLASSES, N_FEATURES, PREDICT_BATCH, type Dataset, measure, type MeasureOptions } from './common.js';
import { buildW4Tfjs, W4_INPUT } from './w4.js';

type TF = typeof import('@tensorflow/tfjs');
const require = createRequire(import.meta.url);
let tfModule: TF | null = null;

/** Loads tfjs (and registers the wasm backend with its .wasm files read from node_modules, no network). */
export async function loadTf(backendName: 'cpu' | 'wasm'): Promise<TF> {
  if (!tfModule) {
    const warn = console.warn;
    console.warn = () => undefined;  // NOTE: silences tfjs' "install tfjs-node" banner
    try {
      tfModule = require('@tensorflow/tfjs') as TF;
    } finally {
      console.warn = warn;
    }
  }
  const tf = tfModule;
  if (backendName === 'wasm') {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths(p: string): void };
    const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(join(dir, '/'));
  }
  const log = console.log;
  console.log = () => undefined;  // NOTE: the same banner, printed when a backend first initializes
  try {
    const ok = await tf.setBackend(backendName);
    if (!ok) throw new Error(`tfjs backend '${backendName}' failed to initialize`);
    await tf.ready();
  } finally {
    console.log = log;
  }
  return tf;
}

function buildModel(tf: TF, name: WorkloadName): import('@tensorflow/tfjs').Sequential {
  const model = tf.sequential();
  // NOTE: the data is already flat ([batch, 784]); tfjs' Flatten rejects rank-2 inputs, so the first layer takes inputShape.
  const arch = architecture(name);
  arch.forEach((spec, i) => {
    if ('bn' in spec) {
      model.add(tf.layers.batchNormalization({ momentum: 0.99, epsilon: 1e-3, ...(i === 0 ? { inputShape: [N_FEATURES] } : {}) }));
    } else {
      const last = i === arch.length - 1;
      const init = spec.activation === 'selu' ? 'leCunNormal' : spec.activation === 'linear' ? 'glorotUniform' : 'heNormal';
      model.add(tf.layers.dense({ units: spec.units, activation: last ? 'softmax' : spec.activation as 'elu', kernelInitializer: init,
        ...(i === 0 ? { inputShape: [N_FEATURES] } : {}) }));
    }
  });
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

export interface PeerResult {
  /** samples/s, or why there is none (tfjs-backend-wasm has no conv weight-gradient kernel, so W4 cannot train there). */
  train: number | string;
  predict: number;
  trainRuns: number[];
  predictRuns: number[];
}

/** Training samples/s at batch 32 and predict samples/s at batch 1024 for one workload on one tfjs backend. */
export async function benchTf(backendName: 'cpu' | 'wasm', name: WorkloadName | 'W4', d: Dataset, opts: MeasureOptions): Promise<PeerResult> {
  const tf = await loadTf(backendName);
  const model = name === 'W4' ? buildW4Tfjs(tf) : buildModel(tf, name);
  // W4 reads the same rows as [batch, 28, 28, 1] images (channels last).
  const xShape = (rows: number): number[] => (name === 'W4' ? [rows, ...W4_INPUT] : [rows, N_FEATURES]);
  let offset = 0;
  let train: { median: number; runs: number[] } | string;
  try {
    // A W4 step on tfjs cpu takes seconds: one warm-up step is enough to size the timed runs.
    train = await measure(async () => {
      if (offset + BATCH > d.y.length) offset = 0;
      const xs = tf.tensor(d.x.subarray(offset * N_FEATURES, (offset + BATCH) * N_FEATURES), xShape(BATCH));
      const ys = tf.tensor1d(Float32Array.from(d.y.subarray(offset, offset + BATCH)));
      offset += BATCH;
      try {
        await model.trainOnBatch(xs, ys);
      } finally {
        xs.dispose();
        ys.dispose();
      }
    }, BATCH, { ...opts, warmupSteps: name === 'W4' ? 1 : 2 });
  } catch (e) {
    train = `failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
  }
  const px = tf.tensor(d.x.subarray(0, PREDICT_BATCH * N_FEATURES), xShape(PREDICT_BATCH));
  const predict = await measure(() => {
    const y = model.predict(px) as import('@tensorflow/tfjs').Tensor;
    y.dataSync();
    y.dispose();
  }, PREDICT_BATCH, { ...opts, warmupSteps: 1 });
  px.dispose();
  model.dispose();
  void N_CLASSES;
  return typeof train === 'string'
    ? { train, predict: predict.median, trainRuns: [], predictRuns: predict.runs }
    : { train: train.median, predict: predict.median, trainRuns: train.runs, predictRuns: predict.runs };
}

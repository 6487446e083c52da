// W4 (wired into run.ts next to W1-W3): a LeNet-style CNN on 28x28x1 images, batch 32 training and batch 1024 predict, built
// the same way in layerwise, TensorFlow.js and PyTorch (the PyTorch net reads the channels-last batch permuted to NCHW).
// run.ts builds it with buildW4Sequential, tfjs_peer.ts with buildW4Tfjs; torch_bench.py's build() holds W4_TORCH's net
// (its Workload permutes x: x.view(-1, 28, 28, 1).permute(0, 3, 1, 2)); keep the two in step.
import { Sequential, layers, optimizers } from '../src/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { BATCH, N_CLASSES, N_FEATURES, PREDICT_BATCH, type Dataset } from './common.js';

export const W4_INPUT = [28, 28, 1] as const;

/** Batches of the shared data set as [batch, 28, 28, 1] views (no copy per step, like PyTorch's slices). */
export function imageBatches(d: Dataset, batch = BATCH): () => { x: Tensor; y: Tensor } {
  let offset = 0;
  const n = d.y.length;
  return () => {
    if (offset + batch > n) offset = 0;
    const x = new Tensor(d.x.subarray(offset * N_FEATURES, (offset + batch) * N_FEATURES), [batch, ...W4_INPUT], 'float32');
    const y = new Tensor(d.y.subarray(offset, offset + batch), [batch], 'int32');
    offset += batch;
    return { x, y };
  };
}

/** Conv2D(32, 3, same, relu) - MaxPool2 - Conv2D(64, 3, same, relu) - MaxPool2 - Flatten - Dense(128, relu) - Dense(10, softmax). */
export function w4Model(): Sequential {
  return new Sequential([
    new layers.Input({ shape: [...W4_INPUT] }),
    new layers.Conv2D(32, 3, { padding: 'same', activation: 'relu' }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Conv2D(64, 3, { padding: 'same', activation: 'relu' }),
    new layers.MaxPooling2D({ poolSize: 2 }),
    new layers.Flatten(),
    new layers.Dense(128, { activation: 'relu' }),
    new layers.Dense(N_CLASSES, { activation: 'softmax' }),
  ]);
}

/** The bench item: a compiled W4 (SGD 0.01, as W1-W3), a batch source and one predict batch. */
export function buildW4Sequential(d: Dataset): { model: Sequential; next: () => { x: Tensor; y: Tensor }; px: Tensor } {
  const model = w4Model();
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy' });
  return { model, next: imageBatches(d), px: imageBatches(d, PREDICT_BATCH)().x };
}

type TF = typeof import('@tensorflow/tfjs');

/** The same net in TensorFlow.js (channels last, as tfjs and Keras default). */
export function buildW4Tfjs(tf: TF): import('@tensorflow/tfjs').Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [...W4_INPUT], filters: 32, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: 'same', activation: 'relu' }));
  m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 128, activation: 'relu' }));
  m.add(tf.layers.dense({ units: N_CLASSES, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

/** The PyTorch net for torch_bench.py (softmax folded into CrossEntropyLoss for training, as W1-W3). */
export const W4_TORCH = `
if name == 'W4':
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, ${N_CLASSES}))
`;

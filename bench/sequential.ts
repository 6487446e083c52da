// The workloads through layerwise's Keras-style Sequential API (trainOnBatch / predictOnBatch).
import { Sequential, layers, optimizers } from '../src/index.js';
import { Tensor } from '../src/tensor/tensor.js';
import { architecture, batches, type WorkloadName } from './workloads.js';
import { BATCH, N_FEATURES, PREDICT_BATCH, type Dataset, measure, type MeasureOptions } from './common.js';

function build(name: WorkloadName): Sequential {
  const model = new Sequential([new layers.Flatten({ inputShape: [N_FEATURES] })]);
  const arch = architecture(name);
  arch.forEach((spec, i) => {
    if ('bn' in spec) {
      model.add(new layers.BatchNormalization());
    } else {
      const last = i === arch.length - 1;
      const init = spec.activation === 'selu' ? 'lecun_normal' : last ? 'glorot_uniform' : 'he_normal';
      model.add(new layers.Dense(spec.units, { activation: last ? 'softmax' : spec.activation, kernelInitializer: init }));
    }
  });
  model.compile({ optimizer: new optimizers.SGD({ learningRate: 0.01 }), loss: 'sparse_categorical_crossentropy' });
  return model;
}

/** Training samples/s (batch 32) and predict samples/s (batch 1024) of the Sequential model. */
export async function benchSequential(name: WorkloadName, d: Dataset, opts: MeasureOptions): Promise<{ train: number; predict: number }> {
  const model = build(name);
  const next = batches(d);
  const train = await measure(() => {
    const b = next();
    return model.trainOnBatch(b.x, b.y);
  }, BATCH, opts);
  const px: Tensor = batches(d, PREDICT_BATCH)().x;
  const predict = await measure(() => model.predictOnBatch(px), PREDICT_BATCH, { ...opts, warmupSteps: 1 });
  return { train: train.median, predict: predict.median };
}

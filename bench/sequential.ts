// The workloads through layerwise's Keras-style Sequential API (trainOnBatch / predictOnBatch), built once and
// kept alive across the bench rounds.
import { Sequential, layers, optimizers } from '../src/index.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { architecture, batches, type WorkloadName } from './workloads.js';
import { N_FEATURES, PREDICT_BATCH, type Dataset } from './common.js';

/** The workload as a layerwise Sequential model kept alive across rounds. */
export interface SequentialBench { model: Sequential; next: () => { x: Tensor; y: Tensor }; px: Tensor }

export function buildSequential(name: WorkloadName, d: Dataset): SequentialBench {
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
  return { model, next: batches(d), px: batches(d, PREDICT_BATCH)().x };
}


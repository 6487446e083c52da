// Listing 11.1.3: Batch normalization after and before the activation.
import { Sequential, layers } from 'layerwise';

const bn = new Sequential([
  new layers.Flatten({ inputShape: [28, 28] }),
  new layers.BatchNormalization(),
  new layers.Dense(300, { activation: 'elu', kernelInitializer: 'he_normal' }),
  new layers.BatchNormalization(),
  new layers.Dense(100, { activation: 'elu', kernelInitializer: 'he_normal' }),
  new layers.BatchNormalization(),
  new layers.Dense(10, { activation: 'softmax' }),
]);
bn.summary();
const bnBefore = new Sequential([
  new layers.Flatten({ inputShape: [28, 28] }),
  new layers.BatchNormalization(),
  new layers.Dense(300, { kernelInitializer: 'he_normal', useBias: false }),
  new layers.BatchNormalization(),
  new layers.Activation('elu'),
  new layers.Dense(100, { kernelInitializer: 'he_normal', useBias: false }),
  new layers.BatchNormalization({ momentum: 0.99, epsilon: 1e-3, axis: -1 }),
  new layers.Activation('elu'),
  new layers.Dense(10, { activation: 'softmax' }),
]);
bnBefore.summary();
console.log(bn.layers[1].weights.map((w) => `${w.name} ${JSON.stringify(w.shape)} trainable=${w.trainable}`).join('\n'));

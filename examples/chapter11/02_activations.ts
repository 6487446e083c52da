// Listing 11.1.2: LeakyReLU, PReLU, RReLU, ELU and a 100-layer SELU network.
import { Sequential, layers } from 'layerwise';

const leaky = new Sequential([
  new layers.Flatten({ inputShape: [28, 28] }),
  new layers.Dense(10, { kernelInitializer: 'he_normal' }),
  new layers.LeakyReLU({ negativeSlope: 0.2 }),
]);
const prelu = new Sequential([
  new layers.Flatten({ inputShape: [28, 28] }),
  new layers.Dense(300, { kernelInitializer: 'he_normal' }), new layers.PReLU(),
  new layers.Dense(100, { kernelInitializer: 'he_normal' }), new layers.PReLU(),
  new layers.Dense(10, { activation: 'softmax' }),
]);
const rrelu = new layers.RReLU({ lower: 1 / 8, upper: 1 / 3 });
const elu = new layers.ELU({ alpha: 1.0 });
const selu = new Sequential();
selu.add(new layers.Flatten({ inputShape: [28, 28] }));
selu.add(new layers.Dense(300, { activation: 'selu', kernelInitializer: 'lecun_normal' }));
for (let i = 0; i < 99; i++) selu.add(new layers.Dense(100, { activation: 'selu', kernelInitializer: 'lecun_normal' }));
selu.add(new layers.Dense(10, { activation: 'softmax' }));

console.log(`LeakyReLU model: ${leaky.countParams()} params; PReLU model: ${prelu.countParams()} params`);
console.log(`${rrelu.name}, ${elu.name}; SELU net: ${selu.layers.length} layers, ${selu.countParams().toLocaleString('en-US')} params`);

// Listing 11.1.4: gradient clipping (exactly one of clipValue, clipNorm, globalClipNorm).
import { Sequential, layers, optimizers, randomNormal, setRandomSeed } from 'layerwise';

setRandomSeed(42);
const model = new Sequential([
  new layers.Dense(30, { activation: 'relu', inputShape: [8] }),
  new layers.Dense(1),
]);
const clipped = new optimizers.SGD({ learningRate: 0.01, clipValue: 1.0 });
model.compile({ loss: 'mse', optimizer: clipped });
const x = randomNormal([256, 8]);
const y = x.sum(1, true);
const history = await model.fit(x, y, { epochs: 3, verbose: 0 });
console.log('loss per epoch with clipValue 1.0:', history.history.loss.map((v) => v.toFixed(4)).join(', '));
try {
  new optimizers.SGD({ clipValue: 1, clipNorm: 1 });
} catch (e) {
  console.log('two clipping options at once:', (e as Error).message);
}
const adam = new optimizers.Adam({ learningRate: 1e-3, clipNorm: 1.0 });
const sgdGlobal = new optimizers.SGD({ learningRate: 1e-3, globalClipNorm: 1.0 });
console.log(`Adam clipnorm ${adam.getConfig().clipnorm}, SGD global_clipnorm ${sgdGlobal.getConfig().global_clipnorm}`);

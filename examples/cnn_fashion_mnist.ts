// A LeNet-style CNN on Fashion-MNIST (the README's CNN quick start): train, evaluate, save, reload.
// `node build/examples/cnn_fashion_mnist.js` trains on the 60,000 images; `--quick` on 3,000 for one epoch.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sequential, layers, datasets, loadModel, setRandomSeed } from 'layerwise';

const quick = process.argv.includes('--quick');
setRandomSeed(42);
const [[xTrainFull, yTrainFull], [xTestFull, yTestFull]] = await datasets.fashionMnist.loadData();
const nTrain = quick ? 3000 : 60000;
const nTest = quick ? 2000 : 10000;
// images as [n, 28, 28, 1] in [0, 1] (channels last, as Keras)
const xTrain = xTrainFull.sliceAxis(0, 0, nTrain).astype('float32').div(255).reshape([nTrain, 28, 28, 1]);
const yTrain = yTrainFull.sliceAxis(0, 0, nTrain);
const xTest = xTestFull.sliceAxis(0, 0, nTest).astype('float32').div(255).reshape([nTest, 28, 28, 1]);
const yTest = yTestFull.sliceAxis(0, 0, nTest);

const model = new Sequential([
  new layers.Input({ shape: [28, 28, 1] }),
  new layers.Conv2D(32, 3, { padding: 'same', activation: 'relu' }),
  new layers.MaxPooling2D({ poolSize: 2 }),
  new layers.Conv2D(64, 3, { padding: 'same', activation: 'relu' }),
  new layers.MaxPooling2D({ poolSize: 2 }),
  new layers.Flatten(),
  new layers.Dense(128, { activation: 'relu' }),
  new layers.Dense(10, { activation: 'softmax' }),
]);
model.summary();
model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: 'adam', metrics: ['accuracy'] });
const start = performance.now();
await model.fit(xTrain, yTrain, { epochs: quick ? 1 : 5, batchSize: 32, validationSplit: 0.1, verbose: quick ? 0 : 1 });
const seconds = (performance.now() - start) / 1000;
const [loss, accuracy] = await model.evaluate(xTest, yTest, { verbose: 0 });
console.log(`CNN test accuracy ${accuracy.toFixed(4)} (loss ${loss.toFixed(4)}) on ${nTest} images after ${seconds.toFixed(1)} s of training on ${nTrain}`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'layerwise-cnn-'));
try {
  await model.save(path.join(dir, 'cnn.keras'));
  const back = await loadModel(path.join(dir, 'cnn.keras'));
  const probe = xTest.sliceAxis(0, 0, 8);
  const a = (await model.predict(probe, { verbose: 0 })).dataSync();
  const b = (await back.predict(probe, { verbose: 0 })).dataSync();
  const same = a.every((v, i) => v === b[i]);
  console.log(`saved and reloaded cnn.keras: ${back.layers.length} layers, ${same ? 'identical' : 'DIFFERENT'} predictions`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

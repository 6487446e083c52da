// Listing 11.2.2-11.2.3: unsupervised pretraining (an autoencoder on unlabelled images), its encoder reused for a low-data task.
import { Sequential, layers, optimizers, datasets, setRandomSeed } from 'layerwise';

setRandomSeed(42);
const [[xTrainFull, yTrainFull], [xTestFull, yTestFull]] = await datasets.fashionMnist.loadData();
const scale = (t: typeof xTrainFull) => t.cast('float32').div(255);
const xUnlabeled = scale(xTrainFull.sliceAxis(0, 5200, 6200));   // plenty of images, labels unused
const xLabeled = scale(xTrainFull.sliceAxis(0, 5000, 5200));     // only 200 labelled images
const yLabeled = yTrainFull.sliceAxis(0, 5000, 5200).cast('int32');
const xTest = scale(xTestFull.sliceAxis(0, 0, 1000));
const yTest = yTestFull.sliceAxis(0, 0, 1000).cast('int32');

// 1. Train an autoencoder on the unlabelled images: the encoder learns features without any label.
const encoder = [
  new layers.Flatten({ inputShape: [28, 28] }),
  new layers.Dense(100, { activation: 'selu', kernelInitializer: 'lecun_normal' }),
  new layers.Dense(30, { activation: 'selu', kernelInitializer: 'lecun_normal' }),
];
const autoencoder = new Sequential([
  ...encoder,
  new layers.Dense(100, { activation: 'selu', kernelInitializer: 'lecun_normal' }),
  new layers.Dense(28 * 28, { activation: 'sigmoid' }),
  new layers.Reshape({ targetShape: [28, 28] }),
]);
autoencoder.compile({ loss: 'mse', optimizer: new optimizers.Nadam({ learningRate: 1e-3 }) });
await autoencoder.fit(xUnlabeled, xUnlabeled, { epochs: 2, verbose: 2 });

// 2. Reuse the encoder's layers (shared instances) under a new head for the 200-image task:
//    first with the reused layers frozen, then fine-tuned with a lower learning rate.
const classifier = new Sequential([...encoder, new layers.Dense(10, { activation: 'softmax' })]);
for (const layer of encoder) layer.trainable = false;
classifier.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.Nadam({ learningRate: 1e-2 }), metrics: ['accuracy'] });
await classifier.fit(xLabeled, yLabeled, { epochs: 4, verbose: 2 });
for (const layer of encoder) layer.trainable = true;
classifier.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.Nadam({ learningRate: 1e-3 }), metrics: ['accuracy'] });
await classifier.fit(xLabeled, yLabeled, { epochs: 4, verbose: 2 });
const [, pretrainedAccuracy] = await classifier.evaluate(xTest, yTest, { verbose: 0 });

// 3. The same classifier from scratch, for comparison.
const scratch = new Sequential([
  new layers.Flatten({ inputShape: [28, 28] }),
  new layers.Dense(100, { activation: 'selu', kernelInitializer: 'lecun_normal' }),
  new layers.Dense(30, { activation: 'selu', kernelInitializer: 'lecun_normal' }),
  new layers.Dense(10, { activation: 'softmax' }),
]);
scratch.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.Nadam({ learningRate: 1e-3 }), metrics: ['accuracy'] });
await scratch.fit(xLabeled, yLabeled, { epochs: 8, verbose: 2 });
const [, scratchAccuracy] = await scratch.evaluate(xTest, yTest, { verbose: 0 });
console.log(`test accuracy with 200 labels: pretrained encoder ${pretrainedAccuracy.toFixed(4)}, from scratch ${scratchAccuracy.toFixed(4)}`);

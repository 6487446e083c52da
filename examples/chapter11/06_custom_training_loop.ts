// Listing: building blocks and a custom training loop (valueAndGrads / GradientTape + optimizer.applyGradients).
import {
  Sequential, layers, optimizers, losses, metrics, datasets, variable, tensor, valueAndGrads, GradientTape, setRandomSeed,
  randomPermutation, add,
} from 'layerwise';

// The building blocks of API.md.
const w = variable(tensor([1, 2, 3]), { name: 'w' });
const { value, grads } = valueAndGrads(() => w.value.square().sum(), [w]);
console.log(`f(w) = ${value.item()}, df/dw = ${JSON.stringify(grads[0].array())} (2w)`);
const opt = new optimizers.Adam({ learningRate: 0.01, clipNorm: 1.0 });
opt.applyGradients([[grads[0], w]]);
console.log(`after one clipped Adam step: w = ${JSON.stringify(Array.from(w.value.dataSync(), (v) => Number(v.toFixed(4))))}`);
opt.learningRate = 1e-4;
console.log(`learning rate is now ${opt.learningRate}`);

// A custom training loop on Fashion-MNIST (a slice, so it runs in seconds).
setRandomSeed(42);
const [[xTrainFull, yTrainFull]] = await datasets.fashionMnist.loadData();
const xTrain = xTrainFull.sliceAxis(0, 5000, 6024).cast('float32').div(255);
const yTrain = yTrainFull.sliceAxis(0, 5000, 6024).cast('int32');
const model = new Sequential([
  new layers.Flatten({ inputShape: [28, 28] }),
  new layers.Dense(100, { activation: 'elu', kernelInitializer: 'he_normal', kernelRegularizer: 'l2' }),
  new layers.Dense(10, { activation: 'softmax' }),
]);
const lossFn = losses.get('sparse_categorical_crossentropy');
const optimizer = new optimizers.Nadam({ learningRate: 1e-3 });
const meanLoss = new metrics.Mean();
const accuracy = new metrics.SparseCategoricalAccuracy();
const batchSize = 32;
const steps = Math.floor(xTrain.shape[0] / batchSize);
for (let epoch = 1; epoch <= 2; epoch++) {
  const order = randomPermutation(xTrain.shape[0]);
  for (let step = 0; step < steps; step++) {
    const idx = order.sliceAxis(0, step * batchSize, (step + 1) * batchSize);
    const xBatch = xTrain.gather(idx);
    const yBatch = yTrain.gather(idx);
    // GradientTape: trainable variables read inside run() are watched automatically.
    const tape = new GradientTape();
    let yPred = xBatch;
    const loss = tape.run(() => {
      yPred = model.apply(xBatch, { training: true }) as typeof xBatch;
      return model.regularizationLosses().reduce((total, r) => add(total, r), lossFn.apply(yBatch, yPred));
    });
    const gradients = tape.gradient(loss, model.trainableWeights);
    optimizer.applyGradients(gradients.map((g, i) => [g, model.trainableWeights[i]]));
    for (const layer of model.layers) layer.applyConstraints();
    meanLoss.update(loss);
    accuracy.update(yBatch, yPred);
  }
  console.log(`epoch ${epoch}: loss ${meanLoss.result().toFixed(4)}, accuracy ${accuracy.result().toFixed(4)}`);
  meanLoss.reset();
  accuracy.reset();
}

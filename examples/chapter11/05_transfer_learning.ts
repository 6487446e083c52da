// Listing 11.2.1: transfer learning: model A (8 classes) saved to my_model_A.h5, reused for model B (shirt vs sandal, 200 images).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sequential, layers, optimizers, datasets, loadModel, cloneModel, setRandomSeed, Tensor } from 'layerwise';

setRandomSeed(42);
const [[xTrainFull, yTrainFull], [xTestFull, yTestFull]] = await datasets.fashionMnist.loadData();

/** The book's split_dataset: task A drops sandals (5) and shirts (6), labels above 6 shift down by 2; task B is "shirt?". */
function splitDataset(x: Tensor, y: Tensor): [[Tensor, Tensor], [Tensor, Tensor]] {
  const y5or6 = y.equal(5).logicalOr(y.equal(6));
  const yA = y.booleanMask(y5or6.logicalNot()).cast('int32');
  const yB = y.booleanMask(y5or6).equal(6).cast('float32').reshape([-1, 1]);
  return [[x.booleanMask(y5or6.logicalNot()), yA.sub(yA.greater(6).cast('int32').mul(2))], [x.booleanMask(y5or6), yB]];
}
const scale = (t: Tensor): Tensor => t.cast('float32').div(255);
// The book's split (first 5,000 training images for validation); small slices so the listing runs in seconds.
const [[xTrainA, yTrainA], [xTrainBAll, yTrainBAll]] = splitDataset(scale(xTrainFull.sliceAxis(0, 5000, 7000)), yTrainFull.sliceAxis(0, 5000, 7000));
const [, [xValidB, yValidB]] = splitDataset(scale(xTrainFull.sliceAxis(0, 0, 2000)), yTrainFull.sliceAxis(0, 0, 2000));
const [, [xTestB, yTestB]] = splitDataset(scale(xTestFull), yTestFull);
const xTrainB = xTrainBAll.sliceAxis(0, 0, 200);
const yTrainB = yTrainBAll.sliceAxis(0, 0, 200);

// First, a small model A on task A, saved as my_model_A.h5 (and .keras) in a temporary directory.
const workDir = mkdtempSync(path.join(os.tmpdir(), 'layerwise-listing-11-2-1-'));
process.chdir(workDir);
process.on('exit', () => rmSync(workDir, { recursive: true, force: true }));
const trainA = new Sequential([
  new layers.Flatten({ inputShape: [28, 28] }),
  new layers.Dense(100, { activation: 'selu' }),
  new layers.Dense(50, { activation: 'selu' }),
  new layers.Dense(8, { activation: 'softmax' }),
]);
trainA.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate: 1e-2 }), metrics: ['accuracy'] });
await trainA.fit(xTrainA, yTrainA, { epochs: 3, verbose: 2 });
await trainA.save('my_model_A.keras');
await trainA.save('my_model_A.h5');
console.log(`model A trained on ${xTrainA.shape[0]} images and saved in ${process.cwd()}`);

// The listing, as in API.md.
const modelA = await loadModel('my_model_A.h5');              // also .keras and tfjs model.json
const modelBonA = new Sequential(modelA.layers.slice(0, -1));  // shares layer instances with model A
modelBonA.add(new layers.Dense(1, { activation: 'sigmoid' }));
const modelAClone = cloneModel(modelA);                        // same architecture, fresh weights
modelAClone.setWeights(modelA.getWeights());
for (const layer of modelBonA.layers.slice(0, -1)) layer.trainable = false;
modelBonA.compile({ loss: 'binary_crossentropy', optimizer: 'sgd', metrics: ['accuracy'] });
let history = await modelBonA.fit(xTrainB, yTrainB, { epochs: 4, validationData: [xValidB, yValidB] });
for (const layer of modelBonA.layers.slice(0, -1)) layer.trainable = true;
modelBonA.compile({ loss: 'binary_crossentropy', optimizer: new optimizers.SGD({ learningRate: 1e-4 }), metrics: ['accuracy'] });
history = await modelBonA.fit(xTrainB, yTrainB, { epochs: 16, validationData: [xValidB, yValidB] });
const [testLoss, testAccuracy] = await modelBonA.evaluate(xTestB, yTestB);
await modelBonA.save('my_model_B_on_A.keras');

console.log(`final val_accuracy ${history.history.val_accuracy.at(-1)?.toFixed(4)}`);
console.log(`model B on A: test loss ${testLoss.toFixed(4)}, test accuracy ${testAccuracy.toFixed(4)} on ${xTestB.shape[0]} shirts and sandals`);
console.log(`model A's clone has ${modelAClone.countParams()} params; saved my_model_B_on_A.keras`);

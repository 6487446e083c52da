// Helper process for determinism.test.ts: trains a small seeded model and prints its history as JSON.
// Does nothing unless run with --run (the test runner may load every file under test/).
import { Sequential } from '../../src/models/index.js';
import { Dense, Dropout, BatchNormalization } from '../../src/layers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';

async function main(): Promise<void> {
  setRandomSeed(42);
  const x = randomNormal([64, 4]);
  const y = tensor((x.array() as number[][]).map((r) => (r[0] - r[1] + r[2] * r[3] > 0 ? 1 : 0)), [64], 'int32');
  const model = new Sequential([
    new Dense(16, { inputShape: [4], activation: 'relu', kernelInitializer: 'he_normal' }),
    new BatchNormalization(),
    new Dropout(0.2),
    new Dense(2, { activation: 'softmax' }),
  ]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  const h = await model.fit(x, y, { epochs: 3, batchSize: 16, validationSplit: 0.25, verbose: 0 });
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  process.stdout.write(JSON.stringify({ history: h.history, weights }));
}

if (process.argv.includes('--run')) await main();

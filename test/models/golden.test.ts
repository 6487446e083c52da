// fit's numerics against a PyTorch reference loop (scripts/golden/models.py): updates, penalties, epoch means, val_loss.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { SGD } from '../../src/optimizers/index.js';
import { tensor } from '../../src/tensor/creation.js';
import { loadGolden } from '../helpers/golden.js';
import { describeEachBackend } from '../helpers/each_backend.js';

interface Golden {
  x: number[][]; y: number[][]; xv: number[][]; yv: number[][];
  initial: any[]; final: any[];
  history: { loss: number[]; val_loss: number[] };
}

const g = loadGolden<Golden>('models.json');

function close(actual: number, expected: number, what: string, rtol = 2e-5): void {
  assert.ok(Math.abs(actual - expected) <= rtol * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

describeEachBackend('fit matches a PyTorch training loop', () => {
  it('gives the same epoch losses, val_loss and final weights', async () => {
    const model = new Sequential([
      new Dense(4, { inputShape: [3], activation: 'relu', kernelRegularizer: 'l2' }),
      new Dense(2),
    ]);
    model.setWeights(g.initial.map((w) => tensor(w)));
    model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
    const h = await model.fit(tensor(g.x), tensor(g.y), {
      epochs: 3, batchSize: 4, shuffle: false, verbose: 0, validationData: [tensor(g.xv), tensor(g.yv)], validationBatchSize: 4,
    });
    g.history.loss.forEach((v, i) => close(h.history.loss[i], v, `loss[${i}]`));
    g.history.val_loss.forEach((v, i) => close(h.history.val_loss[i], v, `val_loss[${i}]`));
    model.getWeights().forEach((w, i) => {
      const expected = (g.final[i] as number[] | number[][]).flat();
      Array.from(w.dataSync()).forEach((v, j) => close(v, expected[j], `weight ${i}[${j}]`));
    });
  });
});

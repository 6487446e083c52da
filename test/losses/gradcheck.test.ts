// Finite-difference gradient checks (float64) of every loss with respect to y_pred.
import { describe, it } from 'node:test';
import type { Tensor } from '../../src/tensor/tensor.js';
import { tensor } from '../../src/tensor/creation.js';
import '../../src/ops/index.js';
import * as losses from '../../src/losses/index.js';
import { f64, gradcheck, randF64 } from '../helpers/gradcheck.js';

const yReg = randF64([3, 4], 11);
const pReg = randF64([3, 4], 12);
const yPos = randF64([3, 4], 13, 0.5, 3);
const pPos = randF64([3, 4], 14, 0.2, 3);
const yBin = f64([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1], [3, 4]);
const probs = randF64([3, 4], 15, 0.05, 0.95);
const logits = randF64([3, 4], 16, -3, 3);
const oneHot = f64([0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0], [3, 4]);
const labels = tensor([1, 3, 0], [3], 'int32');
const dist = f64([0.1, 0.2, 0.3, 0.4, 0.25, 0.25, 0.25, 0.25, 0.7, 0.1, 0.1, 0.1], [3, 4]);
const pm1 = f64([1, -1, 1, 1, -1, -1, 1, -1, 1, -1, -1, 1], [3, 4]);
const sw = f64([0.5, 2, 1], [3]);

const cases: [string, losses.Loss, Tensor, Tensor, Tensor?][] = [
  ['MeanSquaredError', new losses.MeanSquaredError(), yReg, pReg],
  ['MeanSquaredError weighted, sum', new losses.MeanSquaredError({ reduction: 'sum' }), yReg, pReg, sw],
  ['MeanAbsoluteError', new losses.MeanAbsoluteError(), yReg, pReg],
  ['MeanAbsolutePercentageError', new losses.MeanAbsolutePercentageError(), yPos, pPos],
  ['MeanSquaredLogarithmicError', new losses.MeanSquaredLogarithmicError(), yPos, pPos],
  ['BinaryCrossentropy', new losses.BinaryCrossentropy(), yBin, probs],
  ['BinaryCrossentropy fromLogits smoothing', new losses.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }), yBin, logits],
  ['CategoricalCrossentropy', new losses.CategoricalCrossentropy(), oneHot, probs],
  ['CategoricalCrossentropy fromLogits', new losses.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }), oneHot, logits],
  ['SparseCategoricalCrossentropy', new losses.SparseCategoricalCrossentropy(), labels, probs],
  ['SparseCategoricalCrossentropy fromLogits ignoreClass', new losses.SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 0 }), labels, logits],
  ['Huber', new losses.Huber({ delta: 0.7 }), yReg, pReg],
  ['KLDivergence', new losses.KLDivergence(), dist, probs],
  ['Hinge', new losses.Hinge(), pm1, logits],
  ['SquaredHinge', new losses.SquaredHinge(), yBin, logits],
  ['CategoricalHinge', new losses.CategoricalHinge(), oneHot, logits],
  ['LogCosh', new losses.LogCosh(), yReg, pReg],
];

describe('loss gradients (finite differences, float64)', () => {
  for (const [name, loss, yTrue, yPred, weights] of cases) {
    it(name, () => {
      gradcheck((p) => loss.apply(yTrue, p, weights ?? null), [yPred], { atol: 1e-6, rtol: 1e-5 });
    });
  }
});

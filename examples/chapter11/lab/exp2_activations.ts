// Experiment 2: ReLU, LeakyReLU(0.2), PReLU, RReLU, ELU and SELU on Fashion-MNIST: validation accuracy, time per epoch, curves.
import { Sequential, layers, optimizers } from 'layerwise';
import type { Layer } from 'layerwise';
import { epochTime, fitTimed, last, type Ctx } from './common.js';
import { fmt } from './report.js';

interface Variant {
  label: string;
  /** One hidden block: the Dense layer (and its separate activation layer, if any). */
  block: (units: number) => Layer[];
}

const VARIANTS: Variant[] = [
  { label: 'ReLU', block: (u) => [new layers.Dense(u, { activation: 'relu', kernelInitializer: 'he_normal' })] },
  { label: 'LeakyReLU(0.2)', block: (u) => [new layers.Dense(u, { kernelInitializer: 'he_normal' }), new layers.LeakyReLU({ negativeSlope: 0.2 })] },
  { label: 'PReLU', block: (u) => [new layers.Dense(u, { kernelInitializer: 'he_normal' }), new layers.PReLU()] },
  { label: 'RReLU(1/8, 1/3)', block: (u) => [new layers.Dense(u, { kernelInitializer: 'he_normal' }), new layers.RReLU({ lower: 1 / 8, upper: 1 / 3 })] },
  { label: 'ELU', block: (u) => [new layers.Dense(u, { activation: 'elu', kernelInitializer: 'he_normal' })] },
  { label: 'SELU', block: (u) => [new layers.Dense(u, { activation: 'selu', kernelInitializer: 'lecun_normal' })] },
];

export async function activationsExperiment({ cfg, data, section }: Ctx): Promise<void> {
  const { hidden, epochs, trainSize, learningRate } = cfg.activations;
  const n = Math.min(trainSize, data.sizes.train);
  const x = data.std.train.sliceAxis(0, 0, n);
  const y = data.train.y.sliceAxis(0, 0, n);
  section.text(
    `Each net: Flatten, ${hidden.map((u) => `Dense(${u})`).join(', ')} with the activation under test (He normal init; LeCun normal for SELU), Dense(10, softmax). ` +
    `All get standardized inputs; SGD (learning rate ${learningRate}, momentum 0.9), batch 32, ${epochs} epochs on ${n} training images, ` +
    `validated on ${data.sizes.valid}. Time per epoch leaves out the first epoch when there are several.`,
  );
  const rows: (string | number)[][] = [];
  const valAcc: Record<string, number[]> = {};
  const loss: Record<string, number[]> = {};
  for (const v of VARIANTS) {
    const model = new Sequential([new layers.Flatten({ inputShape: [28, 28] })]);
    for (const u of hidden) for (const l of v.block(u)) model.add(l);
    model.add(new layers.Dense(10, { activation: 'softmax' }));
    model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate, momentum: 0.9 }), metrics: ['accuracy'] });
    console.log(`\n[2] ${v.label}`);
    const h = await fitTimed(model, x, y, { epochs, validationData: [data.std.valid, data.valid.y] });
    valAcc[v.label] = h.history.val_accuracy;
    loss[v.label] = h.history.loss;
    rows.push([v.label, model.countParams().toLocaleString('en-US'), last(h.history.loss), last(h.history.accuracy), last(h.history.val_accuracy), Math.max(...h.history.val_accuracy), fmt(epochTime(h.secondsPerEpoch), 2)]);
  }
  section.table(['Activation', 'params', 'final loss', 'final accuracy', 'final val_accuracy', 'best val_accuracy', 's / epoch'], rows);
  const best = rows.reduce((a, r) => ((r[5] as number) > (a[5] as number) ? r : a));
  section.text(`Best validation accuracy in this run: ${best[0]} (${fmt(best[5] as number)}).`);
  await section.lineChart('activations-val-accuracy.svg', 'Validation accuracy per epoch', valAcc, { xTitle: 'Epoch', yTitle: 'val_accuracy', xStart: 1 });
  await section.lineChart('activations-loss.svg', 'Training loss per epoch', loss, { xTitle: 'Epoch', yTitle: 'loss', xStart: 1 });
}

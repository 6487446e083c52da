// Experiment 2: ReLU, LeakyReLU(0.2), PReLU, RReLU, ELU and SELU on Fashion-MNIST over the lab's seeds: validation accuracy, time per epoch, curves.
import { Sequential, layers, optimizers, setRandomSeed } from 'layerwise';
import type { Layer } from 'layerwise';
import { epochTime, fitTimed, type Ctx } from './common.js';
import { fmt } from './report.js';
import { fmtSpread, pairedVerdict, spread, verdict } from './verdict.js';

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

interface Run { valAcc: number[]; loss: number[]; secondsPerEpoch: number[]; params: number }

export async function activationsExperiment({ cfg, data, section }: Ctx): Promise<void> {
  const { hidden, epochs, trainSize, learningRate } = cfg.activations;
  const n = Math.min(trainSize, data.sizes.train);
  const x = data.std.train.sliceAxis(0, 0, n);
  const y = data.train.y.sliceAxis(0, 0, n);
  section.text(
    `Each net: Flatten, ${hidden.map((u) => `Dense(${u})`).join(', ')} with the activation under test (He normal init; LeCun normal for SELU), Dense(10, softmax). ` +
    `All get standardized inputs; SGD (learning rate ${learningRate}, momentum 0.9), batch 32, ${epochs} epochs on ${n} training images, ` +
    `validated on ${data.sizes.valid}; once per seed (seeds 1 to ${cfg.seeds}; one seed gives every activation the same shuffling and initializer draws). ` +
    'Time per epoch leaves out the first epoch when there are several.',
  );
  const runs: Record<string, Run[]> = Object.fromEntries(VARIANTS.map((v) => [v.label, []]));
  for (let s = 1; s <= cfg.seeds; s++) {
    for (const v of VARIANTS) {
      setRandomSeed(s);
      const model = new Sequential([new layers.Flatten({ inputShape: [28, 28] })]);
      for (const u of hidden) for (const l of v.block(u)) model.add(l);
      model.add(new layers.Dense(10, { activation: 'softmax' }));
      model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate, momentum: 0.9 }), metrics: ['accuracy'] });
      console.log(`\n[2] seed ${s}: ${v.label}`);
      const h = await fitTimed(model, x, y, { epochs, validationData: [data.std.valid, data.valid.y] });
      runs[v.label].push({ valAcc: h.history.val_accuracy, loss: h.history.loss, secondsPerEpoch: h.secondsPerEpoch, params: model.countParams() });
    }
  }
  const best = (r: Run): number => Math.max(...r.valAcc);
  const final = (r: Run): number => r.valAcc[r.valAcc.length - 1];
  section.table(['Activation', 'params', 'final loss', 'final val_accuracy', 'best val_accuracy', 'best, per seed', 's / epoch (median)'],
    VARIANTS.map(({ label }) => {
      const rs = runs[label];
      return [label, rs[0].params.toLocaleString('en-US'), fmtSpread(rs.map((r) => r.loss[r.loss.length - 1])), fmtSpread(rs.map(final)), fmtSpread(rs.map(best)),
        rs.map((r) => fmt(best(r))).join(', '), fmt(spread(rs.map((r) => epochTime(r.secondsPerEpoch))).median, 2)];
    }));
  const bests = Object.fromEntries(VARIANTS.map(({ label }) => [label, runs[label].map(best)]));
  const winners = Array.from({ length: cfg.seeds }, (_, i) => VARIANTS.reduce((a, v) => (bests[v.label][i] > bests[a.label][i] ? v : a)).label);
  const tally = VARIANTS.map(({ label }) => [label, winners.filter((w) => w === label).length] as const).filter(([, c]) => c > 0).map(([l, c]) => `${l} ${c}`).join(', ');
  const seluBest = verdict(winners, (w) => w === 'SELU', 'SELU has the best val_accuracy');
  const seluOverRelu = pairedVerdict(bests.SELU, bests.ReLU, 'SELU above ReLU (same seed)');
  const eluOverRelu = pairedVerdict(bests.ELU, bests.ReLU, 'ELU above ReLU (same seed)');
  section.text(
    `Best validation accuracy per seed goes to: ${tally}. The book's ranking (SELU > ELU > leaky ReLU and variants > ReLU, "in general"): ` +
    `${seluBest.text}; ${seluOverRelu.text}; ${eluOverRelu.text}.`,
  );
  section.claim({
    claim: 'SELU > ELU > leaky ReLU (and variants) > ReLU, in general',
    measured: `best val_accuracy: SELU ${fmtSpread(bests.SELU)}, ELU ${fmtSpread(bests.ELU)}, ReLU ${fmtSpread(bests.ReLU)}; best activation per seed: ${tally}`,
    test: 'per seed, compare the best val_accuracy',
    verdict: `${seluBest.text}; ${seluOverRelu.text}; ${eluOverRelu.text}`,
  });
  const curves = (f: (r: Run) => number[]): Record<string, number[][]> => Object.fromEntries(VARIANTS.map(({ label }) => [label, runs[label].map(f)]));
  await section.spreadChart('activations-val-accuracy.svg', 'Validation accuracy per epoch', curves((r) => r.valAcc), { xTitle: 'Epoch', yTitle: 'val_accuracy', xStart: 1 });
  await section.spreadChart('activations-loss.svg', 'Training loss per epoch', curves((r) => r.loss), { xTitle: 'Epoch', yTitle: 'loss', xStart: 1 });
}

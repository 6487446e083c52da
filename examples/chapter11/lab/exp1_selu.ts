// Experiment 1, second part: the book's 100-layer SELU net keeps its activations normalized and trains, over the lab's seeds.
import { optimizers, diagnostics, setRandomSeed } from 'layerwise';
import { fitTimed, last, mlp, testScores, type Ctx } from './common.js';
import { fmt } from './report.js';
import { THRESHOLDS, fmtSpread, verdict } from './verdict.js';

interface SeedRun {
  stds: number[];
  valLossBefore: number;
  history: Record<string, number[]>;
  seconds: number;
}

/** The book's deep SELU net (Dense(first) then depth - 1 Dense(units), LeCun normal, standardized inputs), once per seed. */
export async function deepSelu({ cfg, data, section }: Ctx): Promise<void> {
  const { depth, first, units, epochs, trainSize } = cfg.deepSelu;
  const n = Math.min(trainSize, data.sizes.train);
  const probe = cfg.gradients.batch;
  const k = THRESHOLDS.seluStdFactor;
  const runs: SeedRun[] = [];
  let params = 0;
  for (let s = 1; s <= cfg.seeds; s++) {
    setRandomSeed(s);
    const model = mlp([
      { units: first, activation: 'selu', kernelInitializer: 'lecun_normal' },
      ...Array.from({ length: depth - 1 }, () => ({ units, activation: 'selu', kernelInitializer: 'lecun_normal' })),
      { units: 10, activation: 'softmax' },
    ]);
    model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate: 1e-3 }), metrics: ['accuracy'] });
    params = model.countParams();
    const rep = await diagnostics.gradientReport(model, data.std.train.sliceAxis(0, 0, probe), data.train.y.sliceAxis(0, 0, probe));
    const before = await testScores(model, data.std.valid, data.valid.y);
    console.log(`\n[1] seed ${s}: training the ${depth}-layer SELU net on ${n} images`);
    const h = await fitTimed(model, data.std.train.sliceAxis(0, 0, n), data.train.y.sliceAxis(0, 0, n), { epochs, validationData: [data.std.valid, data.valid.y] });
    runs.push({ stds: rep.layers.slice(0, -1).map((l) => l.activationStd), valLossBefore: before.loss, history: h.history, seconds: h.seconds });
  }
  section.text(
    `**Deep SELU net** (${depth} hidden SELU layers: Dense(${first}) then ${depth - 1} x Dense(${units}), LeCun normal, standardized inputs, ` +
    `SGD learning rate 1e-3, ${n} training images, ${epochs} epoch(s), ${params.toLocaleString('en-US')} params), once per seed (seeds 1 to ${cfg.seeds}): ` +
    `the activation std of every hidden layer at initialization (on ${probe} training images), then training.`,
  );
  const minStd = (r: SeedRun): number => Math.min(...r.stds);
  const maxStd = (r: SeedRun): number => Math.max(...r.stds);
  section.table(
    ['Seed', 'act. std layer 1', `act. std layer ${depth}`, 'min / max std over layers', 'val_loss before training', 'val_loss after', 'val_accuracy after', 'seconds'],
    runs.map((r, i) => [String(i + 1), r.stds[0], r.stds[r.stds.length - 1], `${fmt(minStd(r))} / ${fmt(maxStd(r))}`, r.valLossBefore, last(r.history.val_loss), last(r.history.val_accuracy), fmt(r.seconds, 1)]),
  );
  const normalized = verdict(runs, (r) => minStd(r) >= 1 / k && maxStd(r) <= k, `every hidden layer's std within [${fmt(1 / k, 2)}, ${fmt(k, 2)}]`);
  const trains = verdict(runs, (r) => last(r.history.val_loss) < r.valLossBefore, 'validation loss lower after training than before');
  section.text(`Thresholds: self-normalized when every hidden layer's output std at initialization lies within [${fmt(1 / k, 2)}, ${fmt(k, 2)}]; trains when the validation loss falls. ` +
    `Self-normalization ${normalized.text}. Training ${trains.text} (val_accuracy after ${epochs} epoch(s): ${fmtSpread(runs.map((r) => last(r.history.val_accuracy)))}).`);
  section.claim({
    claim: `SELU self-normalizes a ${depth}-layer net (and it trains)`,
    measured: `std of layer ${depth}'s output at init ${fmtSpread(runs.map((r) => r.stds[r.stds.length - 1]))}; val_accuracy after ${epochs} epoch(s) ${fmtSpread(runs.map((r) => last(r.history.val_accuracy)))}`,
    test: `every hidden std within [${fmt(1 / k, 2)}, ${fmt(k, 2)}]; val_loss falls`,
    verdict: `${normalized.text}; ${trains.text}`,
  });
  await section.spreadChart('selu-activation-std.svg', `Deep SELU net: activation std per layer at initialization`, { [`SELU, ${depth} layers`]: runs.map((r) => r.stds) }, { xTitle: 'Hidden layer', yTitle: 'Std of the layer output', xStart: 1 });
}

// Experiment 1: vanishing/exploding gradients: per-layer gradient norms and activation statistics of deep nets.
import { initializers, optimizers, diagnostics, plotGradientNorms } from 'layerwise';
import { fitTimed, mlp, type Ctx } from './common.js';
import { fmt, pct } from './report.js';

type GradientReport = Awaited<ReturnType<typeof diagnostics.gradientReport>>;
type LayerHealth = GradientReport['layers'][number];

interface Setup {
  label: string;
  activation: string;
  init: () => unknown;
  standardized: boolean;
}

const SETUPS: Setup[] = [
  { label: 'sigmoid + N(0, 1)', activation: 'sigmoid', init: () => new initializers.RandomNormal({ mean: 0, stddev: 1 }), standardized: false },
  { label: 'sigmoid + Glorot', activation: 'sigmoid', init: () => 'glorot_uniform', standardized: false },
  { label: 'ReLU + He', activation: 'relu', init: () => 'he_normal', standardized: false },
  { label: 'ELU + He', activation: 'elu', init: () => 'he_normal', standardized: false },
  { label: 'SELU + LeCun', activation: 'selu', init: () => 'lecun_normal', standardized: true },
];

export async function gradientsExperiment({ cfg, data, section }: Ctx): Promise<void> {
  const { depth, units, batch } = cfg.gradients;
  section.text(
    `Each net: Flatten, ${depth} Dense(${units}) hidden layers, Dense(10, softmax); one forward/backward pass ` +
    `(sparse categorical cross-entropy) on ${batch} training images, before any training. ` +
    'SELU gets standardized inputs; the others get pixels scaled to [0, 1]. ' +
    'The first/last ratio divides the first hidden layer\'s gradient norm by the output layer\'s: far below 1 means the lower layers barely learn.',
  );
  const reports: { setup: Setup; rep: GradientReport }[] = [];
  for (const setup of SETUPS) {
    const model = mlp([...Array.from({ length: depth }, () => ({ units, activation: setup.activation, kernelInitializer: setup.init() })), { units: 10, activation: 'softmax' }]);
    model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate: 1e-3 }) });
    const x = (setup.standardized ? data.std.train : data.train.x).sliceAxis(0, 0, batch);
    reports.push({ setup, rep: await diagnostics.gradientReport(model, x, data.train.y.sliceAxis(0, 0, batch)) });
  }
  const hidden = (rep: GradientReport) => rep.layers.slice(0, -1);
  section.table(
    ['Setup', 'grad norm, layer 1', `grad norm, layer ${depth}`, 'grad norm, output', 'first/last ratio', 'act. std layer 1', `act. std layer ${depth}`, 'dead units', 'saturated units', 'warnings'],
    reports.map(({ setup, rep }) => {
      const h = hidden(rep);
      const avg = (f: (l: LayerHealth) => number) => h.reduce((a, l) => a + f(l), 0) / h.length;
      return [
        setup.label, h[0].gradientNorm, h[h.length - 1].gradientNorm, rep.layers[rep.layers.length - 1].gradientNorm,
        fmt(rep.firstToLastGradientRatio), h[0].activationStd, h[h.length - 1].activationStd,
        pct(avg((l) => l.deadFraction)), pct(avg((l) => l.saturatedFraction)),
        rep.warnings.length > 0 ? rep.warnings.map((w) => w.split(/[:.(]/)[0]).join('; ') : 'none',
      ];
    }),
  );
  const vanishing = reports[0].rep;
  section.text(
    `**sigmoid + N(0, 1)**: the first hidden layer's gradient norm is ${fmt(vanishing.firstToLastGradientRatio)} times the output layer's ` +
    `(${vanishing.firstToLastGradientRatio < 1e-3 ? 'vanishing gradients: below 1e-3' : 'not below the 1e-3 vanishing threshold at this depth'}). ` +
    `Compare SELU + LeCun: ${fmt(reports[4].rep.firstToLastGradientRatio)}, ReLU + He: ${fmt(reports[2].rep.firstToLastGradientRatio)}.`,
  );
  const named = (test: (r: number) => boolean): string => reports.filter(({ rep }) => test(rep.firstToLastGradientRatio)).map(({ setup }) => setup.label).join(', ') || 'none';
  section.text(`Vanishing (ratio below 1e-3): ${named((r) => r < 1e-3)}. Exploding (ratio above 1e3): ${named((r) => r > 1e3)}. In between: ${named((r) => r >= 1e-3 && r <= 1e3)}.`);
  const byDepth = (f: (l: LayerHealth) => number) =>
    Object.fromEntries(reports.map(({ setup, rep }) => [setup.label, rep.layers.map(f)]));
  await section.lineChart('gradient-norms.svg', 'Gradient norm per layer (log scale)', byDepth((l) => l.gradientNorm), { xTitle: 'Layer (1 = first hidden, last = output)', yTitle: 'Gradient norm', logY: true, xStart: 1 });
  await section.lineChart('activation-std.svg', 'Activation standard deviation per layer', byDepth((l) => l.activationStd), { xTitle: 'Layer', yTitle: 'Std of the layer output', xStart: 1 });
  await section.plot('gradient-norms-sigmoid-normal.svg', 'plotGradientNorms: sigmoid + N(0, 1)', (f) => plotGradientNorms(vanishing, f, { title: 'sigmoid + N(0, 1): gradient norm per layer' }));
  await deepSelu({ cfg, data, section });
}

/** The book's deep SELU net (Dense(300) then 99 Dense(100), LeCun normal, standardized inputs) trains. */
async function deepSelu({ cfg, data, section }: Ctx): Promise<void> {
  const { depth, first, units, epochs, trainSize } = cfg.deepSelu;
  const model = mlp([
    { units: first, activation: 'selu', kernelInitializer: 'lecun_normal' },
    ...Array.from({ length: depth - 1 }, () => ({ units, activation: 'selu', kernelInitializer: 'lecun_normal' })),
    { units: 10, activation: 'softmax' },
  ]);
  model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate: 1e-3 }), metrics: ['accuracy'] });
  const n = Math.min(trainSize, data.sizes.train);
  console.log(`\n[1] training the ${depth}-layer SELU net on ${n} images`);
  const h = await fitTimed(model, data.std.train.sliceAxis(0, 0, n), data.train.y.sliceAxis(0, 0, n), { epochs, validationData: [data.std.valid, data.valid.y] });
  const loss = h.history.loss;
  section.text(
    `**Deep SELU net** (${depth} hidden SELU layers: Dense(${first}) then ${depth - 1} x Dense(${units}), LeCun normal, standardized inputs, ` +
    `SGD learning rate 1e-3, ${n} training images, ${epochs} epochs, ${model.countParams().toLocaleString('en-US')} params):`,
  );
  section.table(['Epoch', 'loss', 'accuracy', 'val_loss', 'val_accuracy', 'seconds'], loss.map((l, i) => [
    String(i + 1), l, h.history.accuracy[i], h.history.val_loss?.[i] ?? NaN, h.history.val_accuracy?.[i] ?? NaN, h.secondsPerEpoch[i],
  ]));
  const fell = loss[loss.length - 1] < loss[0];
  section.text(`Training loss ${fell ? 'fell' : 'did not fall'}: ${fmt(loss[0])} -> ${fmt(loss[loss.length - 1])}${loss.every(Number.isFinite) ? '' : ' (non-finite values appeared)'}.`);
}

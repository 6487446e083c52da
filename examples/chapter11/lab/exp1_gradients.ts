// Experiment 1: vanishing/exploding gradients over the lab's seeds (per-layer gradient norms, activation statistics), beside PyTorch.
import { initializers, optimizers, diagnostics, plotGradientNorms, setRandomSeed } from 'layerwise';
import { mlp, type Ctx } from './common.js';
import { fmt, fmtThreshold, pct } from './report.js';
import { gradientReference } from './reference.js';
import { THRESHOLDS, fmtSpread, rangesOverlap, spread, verdict } from './verdict.js';
import { deepSelu } from './exp1_selu.js';

type GradientReport = Awaited<ReturnType<typeof diagnostics.gradientReport>>;
type LayerHealth = GradientReport['layers'][number];

interface Setup {
  label: string;
  activation: string;
  init: () => unknown;
  standardized: boolean;
}

/** The setups, in the order of scripts/reference/gradients_torch.py (same labels). */
export const SETUPS: Setup[] = [
  { label: 'sigmoid + N(0, 1)', activation: 'sigmoid', init: () => new initializers.RandomNormal({ mean: 0, stddev: 1 }), standardized: false },
  { label: 'sigmoid + Glorot', activation: 'sigmoid', init: () => 'glorot_uniform', standardized: false },
  { label: 'ReLU + He', activation: 'relu', init: () => 'he_normal', standardized: false },
  { label: 'ELU + He', activation: 'elu', init: () => 'he_normal', standardized: false },
  { label: 'SELU + LeCun', activation: 'selu', init: () => 'lecun_normal', standardized: true },
];

const med = (xs: number[]): number => spread(xs).median;

export async function gradientsExperiment(ctx: Ctx): Promise<void> {
  const { cfg, data, section } = ctx;
  const { depth, units, batch } = cfg.gradients;
  const { vanishingRatio: low, explodingRatio: high } = THRESHOLDS;
  section.text(
    `Each net: Flatten, ${depth} Dense(${units}) hidden layers, Dense(10, softmax) (glorot_uniform); one forward/backward pass ` +
    `(sparse categorical cross-entropy) on the first ${batch} training images, before any training, once per seed (seeds 1 to ${cfg.seeds}: the seed draws the weights). ` +
    'SELU gets standardized inputs; the others get pixels scaled to [0, 1]. ' +
    'The first/last ratio divides the first hidden layer\'s kernel gradient norm by the output layer\'s: far below 1 means the lower layers barely learn. ' +
    'Figures are the median [min, max] over the seeds; "PyTorch, same setup" is scripts/reference/gradients_torch.py (the same nets, inputs and loss in PyTorch, its own seeds), committed as JSON.',
  );
  const runs: { setup: Setup; reps: GradientReport[] }[] = [];
  for (const setup of SETUPS) {
    const reps: GradientReport[] = [];
    const x = (setup.standardized ? data.std.train : data.train.x).sliceAxis(0, 0, batch);
    const y = data.train.y.sliceAxis(0, 0, batch);
    for (let s = 1; s <= cfg.seeds; s++) {
      setRandomSeed(s);
      const model = mlp([...Array.from({ length: depth }, () => ({ units, activation: setup.activation, kernelInitializer: setup.init() })), { units: 10, activation: 'softmax' }]);
      model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate: 1e-3 }) });
      reps.push(await diagnostics.gradientReport(model, x, y));
    }
    runs.push({ setup, reps });
  }
  const found = await gradientReference({ depth, units, batch, trainSize: data.sizes.train });
  const torch = (label: string): number[] | null => (typeof found === 'string' ? null : found.config.setups.find((r) => r.label === label)?.ratio ?? null);
  const ratios = (reps: GradientReport[]): number[] => reps.map((r) => r.firstToLastGradientRatio);
  const hidden = (rep: GradientReport): LayerHealth[] => rep.layers.slice(0, -1);
  const seedCount = (pred: (rep: GradientReport) => boolean, reps: GradientReport[]): string => `${reps.filter(pred).length} of ${reps.length}`;
  section.table(
    ['Setup', 'first/last ratio', 'PyTorch, same setup', 'ranges overlap', 'grad norm, layer 1', 'grad norm, output', 'act. std layer 1', `act. std layer ${depth}`, 'dead units', 'saturated units', 'seeds warning of vanishing / exploding'],
    runs.map(({ setup, reps }) => {
      const ref = torch(setup.label);
      const avg = (rep: GradientReport, f: (l: LayerHealth) => number): number => hidden(rep).reduce((a, l) => a + f(l), 0) / hidden(rep).length;
      return [
        setup.label, fmtSpread(ratios(reps)), ref ? fmtSpread(ref) : 'n/a', ref ? (rangesOverlap(ratios(reps), ref) ? 'yes' : '**no**') : 'n/a',
        fmtSpread(reps.map((r) => hidden(r)[0].gradientNorm)), fmtSpread(reps.map((r) => r.layers[r.layers.length - 1].gradientNorm)),
        fmtSpread(reps.map((r) => hidden(r)[0].activationStd)), fmtSpread(reps.map((r) => hidden(r)[depth - 1].activationStd)),
        pct(med(reps.map((r) => avg(r, (l) => l.deadFraction)))), pct(med(reps.map((r) => avg(r, (l) => l.saturatedFraction)))),
        `${seedCount((r) => r.warnings.some((w) => w.startsWith('vanishing')), reps)} / ${seedCount((r) => r.warnings.some((w) => w.startsWith('exploding')), reps)}`,
      ];
    }),
  );
  section.table(['Setup', ...Array.from({ length: cfg.seeds }, (_, i) => `ratio, seed ${i + 1}`)], runs.map(({ setup, reps }) => [setup.label, ...ratios(reps).map((r) => fmt(r))]));
  const withRef = runs.filter(({ setup }) => torch(setup.label));
  if (typeof found === 'string') section.text(`PyTorch reference: ${found}.`);
  else {
    const overlap = withRef.filter(({ setup, reps }) => rangesOverlap(ratios(reps), torch(setup.label)!)).length;
    section.text(
      `PyTorch reference (torch ${found.ref.torch}, ${found.config.seeds} seeds): the first/last ratio ranges of layerwise and PyTorch overlap for ${overlap} of ${withRef.length} setups` +
      `${found.config.seeds !== cfg.seeds ? ` (note: the reference has ${found.config.seeds} seeds, this run ${cfg.seeds})` : ''}.`,
    );
  }
  section.text(`Thresholds: vanishing when the ratio is below ${fmtThreshold(low)}, exploding above ${fmtThreshold(high)} (diagnostics' defaults). Verdicts per setup:`);
  section.text(runs.map(({ setup, reps }) => `- ${setup.label}: vanishing ${verdict(ratios(reps), (r) => r < low, `ratio below ${fmtThreshold(low)}`).text}; exploding ${verdict(ratios(reps), (r) => r > high, `ratio above ${fmtThreshold(high)}`).text}.`).join('\n'));

  const sigmoidNormal = ratios(runs[0].reps);
  const others = runs.filter(({ setup }) => setup.activation !== 'sigmoid');
  const belowOthers = verdict(sigmoidNormal, (r, i) => others.every(({ reps }) => r < reps[i].firstToLastGradientRatio), 'ratio below every non-sigmoid setup\'s (same seed)');
  const vanish = verdict(sigmoidNormal, (r) => r < low, `ratio below ${fmtThreshold(low)}`);
  const ref0 = torch(SETUPS[0].label);
  section.text(`**sigmoid + N(0, 1)**: first/last ratio ${fmtSpread(sigmoidNormal)}; vanishing ${vanish.text}; ${belowOthers.text}.`);
  section.claim({
    claim: 'Sigmoid + N(0, 1) weights make the gradients vanish in a deep net',
    measured: `first/last gradient ratio ${fmtSpread(sigmoidNormal)}${ref0 ? `; PyTorch, same setup: ${fmtSpread(ref0)}` : ''}`,
    test: `ratio < ${fmtThreshold(low)}; and below the ReLU/ELU/SELU nets' ratios`,
    verdict: `${vanish.text}; ${belowOthers.text}`,
  });

  const byLayer = (f: (l: LayerHealth) => number): Record<string, number[][]> =>
    Object.fromEntries(runs.map(({ setup, reps }) => [setup.label, reps.map((r) => r.layers.map(f))]));
  await section.spreadChart('gradient-norms.svg', 'Gradient norm per layer (log scale)', byLayer((l) => l.gradientNorm), { xTitle: 'Layer (1 = first hidden, last = output)', yTitle: 'Gradient norm', logY: true, xStart: 1 });
  await section.spreadChart('activation-std.svg', 'Activation standard deviation per layer', byLayer((l) => l.activationStd), { xTitle: 'Layer', yTitle: 'Std of the layer output', xStart: 1 });
  await section.plot('gradient-norms-sigmoid-normal.svg', 'plotGradientNorms: sigmoid + N(0, 1), one line per seed',
    (f) => plotGradientNorms(runs[0].reps.map((r, i) => ({ layers: r.layers, epoch: i + 1 })), f, { title: 'sigmoid + N(0, 1): gradient norm per layer (colour: seed)' }));
  await deepSelu(ctx);
}

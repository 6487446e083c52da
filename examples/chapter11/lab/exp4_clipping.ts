// Experiment 4: gradient clipping: a deep net with a high learning rate diverges unclipped and trains with clipNorm / clipValue.
import { callbacks, optimizers } from 'layerwise';
import { fitTimed, last, mlp, testScores, type Ctx } from './common.js';
import { fmt } from './report.js';

/** Records every batch loss (the running mean Keras logs) so a blow-up shows even inside the first epoch. */
class BatchLosses extends callbacks.Callback {
  readonly losses: number[] = [];
  override onBatchEnd(_batch: number, logs: Record<string, number> = {}): void {
    this.losses.push(logs.loss);
  }
}

const CLIPS: { label: string; options: Record<string, number> }[] = [
  { label: 'no clipping', options: {} },
  { label: 'clipValue 1.0', options: { clipValue: 1.0 } },
  { label: 'clipNorm 1.0', options: { clipNorm: 1.0 } },
  { label: 'globalClipNorm 1.0', options: { globalClipNorm: 1.0 } },
];

export async function clippingExperiment({ cfg, data, section }: Ctx): Promise<void> {
  const { depth, units, epochs, trainSize, learningRate, momentum } = cfg.clipping;
  const n = Math.min(trainSize, data.sizes.train);
  const x = data.train.x.sliceAxis(0, 0, n);
  const y = data.train.y.sliceAxis(0, 0, n);
  section.text(
    `Each net: Flatten, ${depth} Dense(${units}, ELU, He normal), Dense(10, softmax); SGD with a high learning rate ` +
    `(${learningRate}, momentum ${momentum}), batch 32, ${epochs} epochs on ${n} training images. Training stops at the first non-finite loss (TerminateOnNaN). ` +
    'Same seed for every variant: only the clipping differs.',
  );
  const rows: (string | number)[][] = [];
  const curves: Record<string, number[]> = {};
  for (const clip of CLIPS) {
    const model = mlp([...Array.from({ length: depth }, () => ({ units, activation: 'elu', kernelInitializer: 'he_normal' })), { units: 10, activation: 'softmax' }]);
    model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate, momentum, ...clip.options }), metrics: ['accuracy'] });
    const batches = new BatchLosses();
    console.log(`\n[4] ${clip.label}`);
    const h = await fitTimed(model, x, y, { epochs, validationData: [data.valid.x, data.valid.y], callbacks: [batches, new callbacks.TerminateOnNaN()] });
    const losses = batches.losses;
    const firstBad = losses.findIndex((l) => !Number.isFinite(l));
    const maxLoss = Math.max(...losses.filter(Number.isFinite));
    const test = await testScores(model, data.test.x, data.test.y);
    curves[clip.label] = losses;
    rows.push([
      clip.label, losses[0], maxLoss, last(losses),
      firstBad >= 0 ? `step ${firstBad + 1}` : 'never',
      last(h.history.val_accuracy), test.accuracy,
    ]);
  }
  section.table(['Optimizer', 'loss after step 1', 'max finite loss', 'final loss', 'loss became NaN/inf', 'final val_accuracy', 'test accuracy'], rows);
  const verdict = (r: (string | number)[]): string => {
    const [first, max, final] = [Number(r[1]), Number(r[2]), Number(r[3])];
    if (r[4] !== 'never') return 'diverged (the loss became NaN/inf)';
    if (max > 2 * first && final > first) return `exploded (running loss rose from ${fmt(first)} to ${fmt(max)})`;
    return final < first ? `trained (running loss ${fmt(first)} -> ${fmt(final)})` : `did not improve (running loss ${fmt(first)} -> ${fmt(final)})`;
  };
  section.text('Verdicts (computed from the losses above; the running loss is the mean over the epoch so far, as Keras logs it; cross-entropy clips probabilities, so a blown-up net shows a loss near 15 rather than inf):');
  section.text(rows.map((r) => `- ${r[0]}: ${verdict(r)}.`).join('\n'));
  await section.lineChart('clipping-batch-loss.svg', 'Running training loss per step (log scale; non-finite values not shown)', curves, { xTitle: 'Step', yTitle: 'loss', logY: true, xStart: 1 });
}

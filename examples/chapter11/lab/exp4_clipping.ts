// Experiment 4: gradient clipping over the lab's seeds: a deep net with a high learning rate diverges unclipped and trains with clipNorm / clipValue.
import { callbacks, optimizers, setRandomSeed } from 'layerwise';
import { fitTimed, last, mlp, testScores, type Ctx } from './common.js';
import { THRESHOLDS, fmtSpread, verdict } from './verdict.js';

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
    `Once per seed (seeds 1 to ${cfg.seeds}); within a seed every variant gets the same initial weights and shuffling: only the clipping differs.`,
  );
  const runs: Record<string, { losses: number[]; valAcc: number; test: number }[]> = Object.fromEntries(CLIPS.map((c) => [c.label, []]));
  for (let s = 1; s <= cfg.seeds; s++) {
    for (const clip of CLIPS) {
      setRandomSeed(s);
      const model = mlp([...Array.from({ length: depth }, () => ({ units, activation: 'elu', kernelInitializer: 'he_normal' })), { units: 10, activation: 'softmax' }]);
      model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.SGD({ learningRate, momentum, ...clip.options }), metrics: ['accuracy'] });
      const batches = new BatchLosses();
      console.log(`\n[4] seed ${s}: ${clip.label}`);
      const h = await fitTimed(model, x, y, { epochs, validationData: [data.valid.x, data.valid.y], callbacks: [batches, new callbacks.TerminateOnNaN()] });
      runs[clip.label].push({ losses: batches.losses, valAcc: last(h.history.val_accuracy), test: (await testScores(model, data.test.x, data.test.y)).accuracy });
    }
  }
  const outcomes = Object.fromEntries(CLIPS.map(({ label }) => [label, runs[label].map((r) => outcome(r.losses))]));
  const count = (label: string, kind: Outcome['kind']): number => outcomes[label].filter((o) => o.kind === kind).length;
  const f = THRESHOLDS.explodedLossFactor;
  section.text(
    `Outcome of each run, from its losses (the running loss is the mean over the epoch so far, as Keras logs it; cross-entropy clips probabilities, so a blown-up net shows a loss near 15 rather than inf). ` +
    `Thresholds: **diverged** when the loss became NaN/inf; **exploded** when the running loss rose above ${f} x its first value and ended above it; ` +
    '**trained** when the final running loss is below the first; otherwise **did not improve**.',
  );
  section.table(['Optimizer', 'loss after step 1', 'max finite loss', 'final loss', 'diverged / exploded / trained / did not improve (seeds)', 'final val_accuracy', 'test accuracy', 'outcome per seed'],
    CLIPS.map(({ label }) => {
      const rs = runs[label];
      const finite = (xs: number[]): number[] => xs.filter(Number.isFinite);
      return [label, fmtSpread(rs.map((r) => r.losses[0])), fmtSpread(rs.map((r) => Math.max(...finite(r.losses)))), fmtSpread(rs.map((r) => last(r.losses))),
        `${count(label, 'diverged')} / ${count(label, 'exploded')} / ${count(label, 'trained')} / ${count(label, 'did not improve')}`,
        fmtSpread(rs.map((r) => r.valAcc)), fmtSpread(rs.map((r) => r.test)), outcomes[label].map((o) => o.kind).join(', ')];
    }));
  const blewUp = (o: Outcome): boolean => o.kind === 'diverged' || o.kind === 'exploded';
  const unclipped = verdict(outcomes['no clipping'], blewUp, 'no clipping diverged or exploded');
  const tamed = CLIPS.slice(1).map(({ label }) => verdict(outcomes['no clipping'], (o, i) => blewUp(o) && outcomes[label][i].kind === 'trained', `unclipped blew up while ${label} trained (same seed)`));
  section.text(`Verdicts: ${unclipped.text}; ${tamed.map((v) => v.text).join('; ')}.`);
  section.claim({
    claim: 'Gradient clipping tames exploding gradients',
    measured: `no clipping: ${count('no clipping', 'diverged')} diverged, ${count('no clipping', 'exploded')} exploded of ${cfg.seeds}; ` +
      `test accuracy: no clipping ${fmtSpread(runs['no clipping'].map((r) => r.test))}, ` + CLIPS.slice(1).map(({ label }) => `${label} ${fmtSpread(runs[label].map((r) => r.test))}`).join(', '),
    test: `blew up = loss NaN/inf or running loss > ${f} x its first value; trained = final running loss below the first`,
    verdict: `${unclipped.text}; ${tamed.map((v) => v.text).join('; ')}`,
  });
  await section.spreadChart('clipping-batch-loss.svg', 'Running training loss per step (log scale; non-finite values not shown)', Object.fromEntries(CLIPS.map(({ label }) => [label, runs[label].map((r) => r.losses)])), { xTitle: 'Step', yTitle: 'loss', logY: true, xStart: 1 });
}

interface Outcome { kind: 'diverged' | 'exploded' | 'trained' | 'did not improve' }

/** Classifies one run from its running batch losses (thresholds in THRESHOLDS). */
export function outcome(losses: readonly number[]): Outcome {
  const first = losses[0];
  const finite = losses.filter(Number.isFinite);
  if (finite.length < losses.length || finite.length === 0) return { kind: 'diverged' };
  const max = Math.max(...finite);
  const final = losses[losses.length - 1];
  if (max > THRESHOLDS.explodedLossFactor * first && final > first) return { kind: 'exploded' };
  return { kind: final < first ? 'trained' : 'did not improve' };
}

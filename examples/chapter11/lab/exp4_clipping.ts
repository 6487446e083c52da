// Experiment 4: gradient clipping over the lab's seeds: a deep net with a too-high learning rate whose gradients explode
// unclipped (loss NaN within a few steps), trained with clipValue / clipNorm / globalClipNorm; per-step loss and gradient norm.
import { callbacks, losses, optimizers, setRandomSeed } from 'layerwise';
import type { optimizers as Optimizers } from 'layerwise';
import { fitTimed, mlp, testScores, type Ctx } from './common.js';
import { fmt, fmtThreshold } from './report.js';
import { THRESHOLDS, fmtSpread, verdict } from './verdict.js';

/** Records every batch loss (the running mean Keras logs) so a blow-up shows even inside the first epoch. */
class BatchLosses extends callbacks.Callback {
  readonly losses: number[] = [];
  override onBatchEnd(_batch: number, logs: Record<string, number> = {}): void {
    this.losses.push(logs.loss);
  }
}

/** SGD that records the global L2 norm of every step's gradients before any clipping (summed in float64: no overflow). */
class NormRecordingSGD extends optimizers.SGD {
  readonly norms: number[] = [];
  override applyGradients(pairs: readonly Optimizers.GradientPair[]): void {
    let sq = 0;
    for (const [g] of pairs) {
      if (!g) continue;
      const d = g.dataSync();
      for (let i = 0; i < d.length; i++) sq += d[i] * d[i];
    }
    this.norms.push(Math.sqrt(sq));
    super.applyGradients(pairs);
  }
}

/** The book's clipping options (Keras: clipvalue=1.0, clipnorm=1.0, global_clipnorm=1.0). */
const CLIPS: { label: string; options: Record<string, number> }[] = [
  { label: 'no clipping', options: {} },
  { label: 'clipValue 1.0', options: { clipValue: 1.0 } },
  { label: 'clipNorm 1.0', options: { clipNorm: 1.0 } },
  { label: 'globalClipNorm 1.0', options: { globalClipNorm: 1.0 } },
];

interface ClipRun { losses: number[]; norms: number[]; test: number }

export async function clippingExperiment({ cfg, data, section }: Ctx): Promise<void> {
  const { depth, units, epochs, trainSize, learningRate, momentum } = cfg.clipping;
  const n = Math.min(trainSize, data.sizes.train);
  const x = data.train.x.sliceAxis(0, 0, n);
  const y = data.train.y.sliceAxis(0, 0, n);
  const g = THRESHOLDS.explodedGradientFactor;
  const f = THRESHOLDS.explodedLossFactor;
  section.text(
    `Each net: Flatten, ${depth} Dense(${units}, ELU, He normal), Dense(10) returning logits, sparse categorical cross-entropy from logits; ` +
    `SGD with a too-high learning rate (${learningRate}, momentum ${momentum}), batch 32, ${epochs} epoch(s) on ${n} training images (pixels in [0, 1], not standardized). ` +
    'The loss takes logits so that a blow-up shows as it is: with a softmax output, Keras clips the probabilities to [1e-7, 1 - 1e-7], the loss caps near 16 and its gradient becomes 0, so the net dies silently instead of diverging. ' +
    `Training stops at the first non-finite loss (TerminateOnNaN). Once per seed (seeds 1 to ${cfg.seeds}); within a seed every variant gets the same initial weights and shuffling: only the clipping differs. ` +
    'The gradient norm is the global L2 norm of each step\'s gradients, before clipping.',
  );
  const runs: Record<string, ClipRun[]> = Object.fromEntries(CLIPS.map((c) => [c.label, []]));
  for (let s = 1; s <= cfg.seeds; s++) {
    for (const clip of CLIPS) {
      setRandomSeed(s);
      const model = mlp([...Array.from({ length: depth }, () => ({ units, activation: 'elu', kernelInitializer: 'he_normal' })), { units: 10 }]);
      const optimizer = new NormRecordingSGD({ learningRate, momentum, ...clip.options });
      model.compile({ loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }), optimizer, metrics: ['accuracy'] });
      const batches = new BatchLosses();
      console.log(`\n[4] seed ${s}: ${clip.label}`);
      await fitTimed(model, x, y, { epochs, callbacks: [batches, new callbacks.TerminateOnNaN()] });
      runs[clip.label].push({ losses: batches.losses, norms: optimizer.norms, test: (await testScores(model, data.test.x, data.test.y)).accuracy });
    }
  }
  const outcomes = Object.fromEntries(CLIPS.map(({ label }) => [label, runs[label].map(outcome)]));
  const count = (label: string, kind: Outcome['kind']): number => outcomes[label].filter((o) => o.kind === kind).length;
  section.text(
    `Outcome of each run (the running loss is the mean over the epoch so far, as Keras logs it). Thresholds: **diverged** when the loss or the gradient norm became NaN/inf; ` +
    `**exploded** when the gradient norm rose above ${fmtThreshold(g)} x its first step's, or the running loss above ${f} x its first value and ended above it; ` +
    '**trained** otherwise when the final running loss is below the first; otherwise **did not improve**.',
  );
  const finite = (xs: number[]): number[] => xs.filter(Number.isFinite);
  const nonFiniteStep = (r: ClipRun): number => r.losses.findIndex((l) => !Number.isFinite(l)) + 1;
  section.table(['Optimizer', 'gradient norm, step 1', 'max finite gradient norm', 'max / step 1', 'max finite loss', 'final loss', 'step of the first NaN/inf loss (seeds with one)',
    'diverged / exploded / trained / did not improve (seeds)', 'test accuracy', 'outcome per seed'],
  CLIPS.map(({ label }) => {
    const rs = runs[label];
    const nanSteps = rs.map(nonFiniteStep).filter((i) => i > 0);
    return [label, fmtSpread(rs.map((r) => r.norms[0]), 2), fmtSpread(rs.map((r) => Math.max(...finite(r.norms))), 2), fmtSpread(rs.map((r) => Math.max(...finite(r.norms)) / r.norms[0]), 2),
      fmtSpread(rs.map((r) => Math.max(...finite(r.losses))), 3), fmtSpread(rs.map((r) => r.losses[r.losses.length - 1]), 3),
      nanSteps.length > 0 ? `${nanSteps.join(', ')} (${nanSteps.length} of ${rs.length})` : `none (0 of ${rs.length})`,
      `${count(label, 'diverged')} / ${count(label, 'exploded')} / ${count(label, 'trained')} / ${count(label, 'did not improve')}`,
      fmtSpread(rs.map((r) => r.test)), outcomes[label].map((o) => o.kind).join(', ')];
  }));
  const blewUp = (o: Outcome): boolean => o.kind === 'diverged' || o.kind === 'exploded';
  const unclipped = verdict(outcomes['no clipping'], blewUp, 'no clipping diverged or exploded');
  const tamed = CLIPS.slice(1).map(({ label }) => verdict(outcomes['no clipping'], (o, i) => blewUp(o) && !blewUp(outcomes[label][i]), `unclipped blew up while ${label} stayed finite and bounded (same seed)`));
  const trained = CLIPS.slice(1).map(({ label }) => verdict(outcomes[label], (o) => o.kind === 'trained', `${label} trained (final running loss below the first)`));
  section.text(
    `Verdicts (tamed = neither diverged nor exploded): ${unclipped.text}; ${tamed.map((v) => v.text).join('; ')}. ` +
    `Beyond taming, whether the net learns in these ${epochs} epoch(s): ${trained.map((v) => v.text).join('; ')}. ` +
    `clipValue bounds each gradient element, not the step: with this learning rate and momentum each of the 784 x ${units} weights of the first layer alone may still move by up to ` +
    `${fmt(learningRate / (1 - momentum), 2)} per step, so it may fail where the norm-based clippings tame the net (the book: try clipping by value and by norm, with different thresholds).`,
  );
  section.claim({
    claim: 'Gradient clipping tames exploding gradients',
    measured: `max gradient norm: no clipping ${fmtSpread(runs['no clipping'].map((r) => Math.max(...finite(r.norms))), 2)} (loss NaN/inf in ${runs['no clipping'].filter((r) => nonFiniteStep(r) > 0).length} of ${cfg.seeds}), ` +
      CLIPS.slice(1).map(({ label }) => `${label} ${fmtSpread(runs[label].map((r) => Math.max(...finite(r.norms))), 2)}`).join(', ') +
      `; trained (final running loss below the first): ${CLIPS.slice(1).map(({ label }) => `${label} ${count(label, 'trained')} of ${cfg.seeds}`).join(', ')}` +
      `; test accuracy: ${CLIPS.slice(1).map(({ label }) => `${label} ${fmtSpread(runs[label].map((r) => r.test))}`).join(', ')}`,
    test: `blew up = loss or gradient norm NaN/inf, or gradient norm > ${fmtThreshold(g)} x step 1's, or running loss > ${f} x its first (and ending above it); tamed = did not blow up`,
    verdict: `${unclipped.text}; ${tamed.map((v) => v.text).join('; ')}`,
  });
  const series = (pick: (r: ClipRun) => number[]): Record<string, number[][]> => Object.fromEntries(CLIPS.map(({ label }) => [label, runs[label].map(pick)]));
  await section.spreadChart('clipping-gradient-norm.svg', 'Gradient norm per step, before clipping (log scale; non-finite values not shown)', series((r) => r.norms), { xTitle: 'Step', yTitle: 'global gradient norm', logY: true, xStart: 1 });
  await section.spreadChart('clipping-batch-loss.svg', 'Running training loss per step (log scale; non-finite values not shown)', series((r) => r.losses), { xTitle: 'Step', yTitle: 'loss', logY: true, xStart: 1 });
}

interface Outcome { kind: 'diverged' | 'exploded' | 'trained' | 'did not improve' }

/** Classifies one run from its running batch losses and its per-step gradient norms (thresholds in THRESHOLDS). */
export function outcome({ losses, norms }: { losses: readonly number[]; norms: readonly number[] }): Outcome {
  const finiteLosses = losses.filter(Number.isFinite);
  if (losses.length === 0 || finiteLosses.length < losses.length || norms.some((v) => !Number.isFinite(v))) return { kind: 'diverged' };
  const first = losses[0];
  const final = losses[losses.length - 1];
  const gradBlowUp = norms.length > 0 && Math.max(...norms) > THRESHOLDS.explodedGradientFactor * norms[0];
  const lossBlowUp = Math.max(...finiteLosses) > THRESHOLDS.explodedLossFactor * first && final > first;
  if (gradBlowUp || lossBlowUp) return { kind: 'exploded' };
  return { kind: final < first ? 'trained' : 'did not improve' };
}

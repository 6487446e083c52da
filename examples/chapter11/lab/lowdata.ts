// The low-data task of experiments 6 and 7 (10 classes, 200 labelled images): pretrained lower layers vs from scratch.
import { Sequential, layers, optimizers, setRandomSeed } from 'layerwise';
import type { Layer } from 'layerwise';
import { fitTimed, testScores, type Ctx } from './common.js';
import { take } from './data.js';
import { fmt, meanStd } from './report.js';
import { fmtSpread, pairedVerdict } from './verdict.js';

/** Builds the lower layers (Flatten first, with inputShape [28, 28]); fresh instances on every call. */
export type LowerBuilder = () => Layer[];

/** The reused lower layers of experiments 6 and 7: Flatten, then Dense(u, SELU, LeCun normal) for each u. */
export function lowerLayers(units: readonly number[]): LowerBuilder {
  return () => [
    new layers.Flatten({ inputShape: [28, 28] }),
    ...units.map((u) => new layers.Dense(u, { activation: 'selu', kernelInitializer: 'lecun_normal' })),
  ];
}

/** 'Flatten, Dense(150, SELU), Dense(100, SELU)' for the report. */
export const describeLower = (units: readonly number[]): string => `Flatten, ${units.map((u) => `Dense(${u}, SELU)`).join(', ')}`;

/** A built copy of `arch` carrying `source`'s weights, layer by layer. */
export function copyWeights(arch: LowerBuilder, source: readonly Layer[]): Layer[] {
  const copy = new Sequential(arch());
  copy.layers.forEach((l, i) => l.setWeights(source[i].getWeights()));
  return copy.layers;
}

/** From-scratch accuracies per setting: experiments 6 and 7 share the same baseline runs. */
const scratchCache = new Map<string, number[]>();

interface Variant {
  label: string;
  lower: () => Layer[];
  frozen: boolean;
}

/**
 * Trains a new Dense(10, softmax) head on `lower` layers with the first `labeled` training images,
 * per seed, for: from scratch, pretrained frozen, pretrained fine-tuned; reports test accuracy.
 * @returns the mean test accuracy per variant label.
 */
export async function compareOnLowData(ctx: Ctx, tag: string, arch: LowerBuilder, pretrained: readonly Layer[]): Promise<Record<string, number>> {
  const { cfg, data, section } = ctx;
  const { labeled, headEpochs } = cfg.pretraining;
  const train = take(data.train, labeled);
  const variants: Variant[] = [
    { label: 'from scratch', lower: arch, frozen: false },
    { label: `${tag}, frozen`, lower: () => copyWeights(arch, pretrained), frozen: true },
    { label: `${tag}, fine-tuned`, lower: () => copyWeights(arch, pretrained), frozen: false },
  ];
  const acc: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v.label, []]));
  const key = JSON.stringify([arch().map((l) => l.getConfig().units ?? null), labeled, headEpochs, cfg.seeds, data.sizes]);
  const cached = scratchCache.get(key);
  if (cached) acc['from scratch'] = cached;
  for (let s = 1; s <= cfg.seeds; s++) {
    for (const v of variants) {
      if (cached && v.label === 'from scratch') continue;
      setRandomSeed(1000 + s);
      const lower = v.lower();
      for (const l of lower) l.trainable = !v.frozen;
      const model = new Sequential([...lower, new layers.Dense(10, { activation: 'softmax' })]);
      model.compile({ loss: 'sparse_categorical_crossentropy', optimizer: new optimizers.Nadam({ learningRate: 1e-2 }), metrics: ['accuracy'] });
      console.log(`\n[${section.number}] low-data task, seed ${s}: ${v.label}`);
      await fitTimed(model, train.x, train.y, { epochs: headEpochs });
      acc[v.label].push((await testScores(model, data.test.x, data.test.y)).accuracy);
    }
  }
  if (cached) section.text('(The from-scratch runs are the same as earlier in this report, with the same architecture, data and seeds: reused, not re-run.)');
  else scratchCache.set(key, acc['from scratch']);
  section.text(
    `Low-data task: all 10 classes with only the first ${train.x.shape[0]} labelled training images; a new Dense(10, softmax) head, ` +
    `Nadam (learning rate 1e-2), ${headEpochs} epochs, tested on ${data.sizes.test} images; ${cfg.seeds} seed(s) (the seed sets the head's initial weights and the shuffling).`,
  );
  const stats = variants.map((v) => ({ label: v.label, ...meanStd(acc[v.label]), min: Math.min(...acc[v.label]), max: Math.max(...acc[v.label]) }));
  section.table(['Lower layers', 'mean test accuracy', 'std over seeds', 'min', 'max'], stats.map((r) => [r.label, r.mean, r.std, r.min, r.max]));
  const scratch = stats[0].mean;
  const bestPre = stats[1].mean > stats[2].mean ? stats[1] : stats[2];
  const verdicts = variants.slice(1).map((v) => pairedVerdict(acc[v.label], acc['from scratch'], `${v.label} above from scratch (same seed)`));
  section.text(`Best pretrained variant on average (${bestPre.label}): ${fmt(bestPre.mean)} vs ${fmt(scratch)} from scratch (${bestPre.mean > scratch ? '+' : ''}${fmt(bestPre.mean - scratch)}). ` +
    `Verdicts (per seed, test accuracy): ${verdicts.map((v) => v.text).join('; ')}.`);
  section.claim({
    claim: `Pretraining helps with few labels: ${tag} lower layers (${train.x.shape[0]} labelled images)`,
    measured: `test accuracy: frozen ${fmtSpread(acc[variants[1].label])}, fine-tuned ${fmtSpread(acc[variants[2].label])}, from scratch ${fmtSpread(acc['from scratch'])}`,
    test: 'per seed: pretrained test accuracy above from scratch',
    verdict: verdicts.map((v) => v.text).join('; '),
  });
  return Object.fromEntries(stats.map((r) => [r.label, r.mean]));
}

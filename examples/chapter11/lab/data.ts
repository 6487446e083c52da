// Fashion-MNIST for the lab: the book's split (first 5,000 training images for validation), /255 scaling, standardization, derived tasks.
import { datasets, tensor, concat, Tensor } from 'layerwise';
import type { LabConfig } from './config.js';

/** Images (float32 [n, 28, 28]) and labels. */
export interface Split {
  x: Tensor;
  y: Tensor;
}

export interface LabData {
  train: Split;
  valid: Split;
  test: Split;
  /** The same images standardized with the training set's per-pixel mean and std (for SELU nets). */
  std: { train: Tensor; valid: Tensor; test: Tensor };
  /** How many images each split has, for the report. */
  sizes: { train: number; valid: number; test: number };
}

/** The first n samples of a split (all of them when n is larger). */
export function take(split: Split, n: number): Split {
  const m = Math.min(n, split.x.shape[0]);
  return { x: split.x.sliceAxis(0, 0, m), y: split.y.sliceAxis(0, 0, m) };
}

function firstN(t: Tensor, from: number, n: number): Tensor {
  return t.sliceAxis(0, from, Math.min(t.shape[0], from + n));
}

/** Loads Fashion-MNIST and applies the book's preprocessing, shrunk to the configured sizes. */
export async function loadLabData(cfg: LabConfig): Promise<LabData> {
  const [[xTrainFull, yTrainFull], [xTestRaw, yTestRaw]] = await datasets.fashionMnist.loadData();
  const scale = (t: Tensor): Tensor => t.cast('float32').div(255);
  const nValid = Math.min(cfg.validSize, 5000);
  const valid = { x: scale(firstN(xTrainFull, 0, nValid)), y: firstN(yTrainFull, 0, nValid).cast('int32') };
  const train = { x: scale(firstN(xTrainFull, 5000, cfg.trainSize)), y: firstN(yTrainFull, 5000, cfg.trainSize).cast('int32') };
  const test = { x: scale(firstN(xTestRaw, 0, cfg.testSize)), y: firstN(yTestRaw, 0, cfg.testSize).cast('int32') };
  const means = train.x.mean(0, true);
  // NOTE: a few border pixels are (nearly) always 0; flooring their std keeps standardized test images finite.
  const stds = train.x.sub(means).square().mean(0, true).sqrt().maximum(1e-2);
  const standardize = (x: Tensor): Tensor => x.sub(means).div(stds);
  return {
    train, valid, test,
    std: { train: standardize(train.x), valid: standardize(valid.x), test: standardize(test.x) },
    sizes: { train: train.x.shape[0], valid: valid.x.shape[0], test: test.x.shape[0] },
  };
}

/** Keeps the samples whose label `map` sends to a number, relabelled by it. */
export function relabel(split: Split, map: (label: number) => number | null, binary = false): Split {
  const labels = split.y.dataSync();
  const keep: number[] = [];
  const ys: number[] = [];
  labels.forEach((label, i) => {
    const m = map(label);
    if (m !== null) {
      keep.push(i);
      ys.push(m);
    }
  });
  const idx = tensor(keep, [keep.length], 'int32');
  return {
    x: split.x.gather(idx, 0),
    y: binary ? tensor(ys, [ys.length, 1], 'float32') : tensor(ys, [ys.length], 'int32'),
  };
}

/** Task A of the book: the 8 classes other than sandal (5) and shirt (6); labels above 6 shifted down by 2. */
export function taskA(split: Split): Split {
  return relabel(split, (l) => (l === 5 || l === 6 ? null : l > 6 ? l - 2 : l));
}

/** Task B of the book: shirt (6) -> 1 vs sandal (5) -> 0, float labels [n, 1] for binary cross-entropy. */
export function taskB(split: Split): Split {
  return relabel(split, (l) => (l === 6 ? 1 : l === 5 ? 0 : null), true);
}

/** Rotates every image by 90 degrees counter-clockwise, `times` times (np.rot90 on each image). */
export function rot90(x: Tensor, times: number): Tensor {
  const n = x.shape[1];
  const reversed = tensor(Array.from({ length: n }, (_, i) => n - 1 - i), [n], 'int32');
  let out = x;
  for (let k = 0; k < ((times % 4) + 4) % 4; k++) out = out.transpose([0, 2, 1]).gather(reversed, 1);
  return out;
}

/**
 * The self-supervised rotation task: each image rotated by k * 90 degrees with k = i mod 4,
 * label k. The labels come from the data itself; no class label is used.
 */
export function rotationTask(x: Tensor): Split {
  const n = x.shape[0];
  const parts: Tensor[] = [];
  const labels: number[] = [];
  for (let k = 0; k < 4; k++) {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => i % 4 === k);
    if (idx.length === 0) continue;
    parts.push(rot90(x.gather(tensor(idx, [idx.length], 'int32'), 0), k));
    for (let j = 0; j < idx.length; j++) labels.push(k);
  }
  return { x: concat(parts, 0), y: tensor(labels, [labels.length], 'int32') };
}

// The training position fit exposes to BackupAndRestore, and the position a restored backup asks fit to resume from.
import type { Model } from './functional.js';
import type { Layer } from '../layers/layer.js';
import { SeedStream } from '../layers/utils.js';

/** A generator state (see Generator.getState). */
export interface RngState {
  s: number[];
  spare: number | null;
}

/**
 * Where fit is: `step` batches of `epoch` are done; `position` is what the feed needs to come back there;
 * `epochRng` is the global generator's state when the epoch drew its shuffle; `loss` the running loss tracker.
 */
export interface TrainingPosition {
  epoch: number;
  step: number;
  position: number;
  epochRng: RngState;
  loss: { total: number; count: number };
  /** Each output's running loss (models with several outputs). */
  outputLosses?: { total: number; count: number }[];
  /** With stepsPerEpoch on tensors: the generator state the open pass drew its shuffle from (it may predate this epoch). */
  passRng?: RngState;
  /** The position the next epoch starts from (0, or the batches consumed by an iterator kept across epochs). */
  carry: number;
}

/** A position to resume from, with the global generator's state at that point. */
export interface ResumePoint extends TrainingPosition {
  rng: RngState;
  /** The private generators of seeded layers (seedStreams order; null for unseeded ones). */
  layerRngs?: (RngState | null)[];
  /** The compiled metrics' accumulators (Metric.getState, compile order), so a resumed epoch's logs are exact. */
  metrics?: Record<string, number | number[]>[];
}

/** The compiled metrics' accumulated states (compile order). */
export function metricStates(model: Model): Record<string, number | number[]>[] {
  return (model.compiled?.metrics ?? []).map((m) => m.metric.getState());
}

/** Restores metricStates' output (a list of another length is an error: the model was compiled differently). */
export function restoreMetricStates(model: Model, states: readonly Record<string, number | number[]>[]): void {
  const ms = model.compiled?.metrics ?? [];
  if (states.length !== ms.length) throw new Error(`resume: the backup holds ${states.length} metric state(s) but the model is compiled with ${ms.length} metric(s) (${ms.map((m) => m.name).join(', ')})`);
  ms.forEach((m, i) => m.metric.setState(states[i]));
}

const current = new WeakMap<Model, TrainingPosition>();
const pending = new WeakMap<Model, ResumePoint>();

/** fit's live position (read by BackupAndRestore when it saves). */
export function trainingPosition(model: Model): TrainingPosition | undefined {
  return current.get(model);
}

/** @internal */
export function setTrainingPosition(model: Model, p: TrainingPosition | null): void {
  if (p) current.set(model, p);
  else current.delete(model);
}

/** Asks the running fit (in onTrainBegin) to resume from `point`. */
export function requestResume(model: Model, point: ResumePoint): void {
  pending.set(model, point);
}

/** @internal */
export function takeResume(model: Model): ResumePoint | undefined {
  const p = pending.get(model);
  pending.delete(model);
  return p;
}

/** The seed streams of a model's layers (seeded ones carry a private generator), in layer order. */
export function seedStreams(model: Model): SeedStream[] {
  const out: SeedStream[] = [];
  const seen = new Set<Layer>();
  const walk = (layer: Layer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    for (const v of Object.values(layer)) if (v instanceof SeedStream) out.push(v);
    for (const l of layer.sublayers()) walk(l);
  };
  walk(model);
  return out;
}

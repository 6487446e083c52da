// Helpers shared by the experiments: progress-bar verbosity, timed fit, model builders, test accuracy.
import { Sequential, layers, callbacks, Tensor } from 'layerwise';
import type { Model } from 'layerwise';
import type { LabConfig } from './config.js';
import type { LabData } from './data.js';
import type { Section } from './report.js';

type FitArgs = NonNullable<Parameters<Model['fit']>[2]>;

/** What every experiment receives. */
export interface Ctx {
  cfg: LabConfig;
  data: LabData;
  section: Section;
}

/** Keras-style progress bars on a terminal (1), one line per epoch otherwise (2). */
export const verbose = (): number => (process.stdout.isTTY ? 1 : 2);

/** Records the wall time of every epoch. */
export class EpochTimer extends callbacks.Callback {
  readonly seconds: number[] = [];
  private start = 0;
  override onEpochBegin(): void {
    this.start = performance.now();
  }
  override onEpochEnd(): void {
    this.seconds.push((performance.now() - this.start) / 1000);
  }
}

export interface TimedHistory {
  history: Record<string, number[]>;
  secondsPerEpoch: number[];
  seconds: number;
}

let board: { logDir: string; prefix: string } | null = null;

/** Every later fitTimed logs its run for the training board under `logDir` (run names start with `prefix`); null stops. */
export function logFitsTo(logDir: string | null, prefix = ''): void {
  board = logDir ? { logDir, prefix } : null;
}

/** model.fit with the lab's verbosity, per-epoch timing and (after logFitsTo) a run log for the training board. */
export async function fitTimed(model: Model, x: Tensor, y: Tensor, args: FitArgs = {}): Promise<TimedHistory> {
  const timer = new EpochTimer();
  const t0 = performance.now();
  const extra: callbacks.Callback[] = [timer];
  if (board) extra.push(new callbacks.Dashboard({ logDir: board.logDir, runName: `${board.prefix}${model.name}`, print: null }));
  // NOTE: validation in batches of 256 (same metrics as batches of 32, about half the time).
  const h = await model.fit(x, y, { verbose: verbose(), validationBatchSize: 256, ...args, callbacks: [...(args.callbacks ?? []), ...extra] });
  return { history: h.history as Record<string, number[]>, secondsPerEpoch: timer.seconds, seconds: (performance.now() - t0) / 1000 };
}

export interface DenseSpec {
  units: number;
  activation?: string;
  kernelInitializer?: unknown;
}

/** Flatten([28, 28]) followed by the given Dense layers. */
export function mlp(hidden: DenseSpec[], name?: string): Sequential {
  const model = new Sequential([], { name });
  model.add(new layers.Flatten({ inputShape: [28, 28] }));
  for (const h of hidden) model.add(new layers.Dense(h.units, { activation: h.activation, kernelInitializer: h.kernelInitializer as never }));
  return model;
}

/** Evaluates a compiled model and returns [loss, accuracy]. */
export async function testScores(model: Model, x: Tensor, y: Tensor): Promise<{ loss: number; accuracy: number }> {
  const [loss, accuracy] = await model.evaluate(x, y, { verbose: 0, batchSize: 256 });
  return { loss, accuracy };
}

/** The last value of a history series (NaN when absent). */
export const last = (xs: number[] | undefined): number => (xs && xs.length > 0 ? xs[xs.length - 1] : NaN);

/** Mean seconds per epoch, leaving out the first epoch when there are several (warm-up). */
export function epochTime(s: number[]): number {
  const xs = s.length > 1 ? s.slice(1) : s;
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

// The Callback base (Keras hooks: train/epoch/batch begin and end) and the CallbackList fit drives.
import type { Model } from '../models/functional.js';

/** Values logged by fit: 'loss', metrics, and 'val_*' at epoch end. */
export type Logs = Record<string, number>;

/** What fit tells callbacks about the run (Keras' callback.params). */
export interface TrainingParams {
  epochs: number;
  /** Batches per epoch (null while unknown: a stream without a length, before its first epoch ends). */
  steps: number | null;
  verbose: number;
  [key: string]: unknown;
}

/**
 * Base class of fit callbacks: override the hooks you need. Hooks may be async (fit awaits them).
 * `this.model.stopTraining = true` ends fit after the current batch (Keras' stop_training).
 */
export class Callback {
  model: Model | null = null;
  params: TrainingParams = { epochs: 0, steps: 0, verbose: 0 };

  setModel(model: Model): void {
    this.model = model;
  }

  setParams(params: TrainingParams): void {
    this.params = params;
  }

  onTrainBegin(_logs: Logs = {}): void | Promise<void> {}
  onTrainEnd(_logs: Logs = {}): void | Promise<void> {}
  onEpochBegin(_epoch: number, _logs: Logs = {}): void | Promise<void> {}
  onEpochEnd(_epoch: number, _logs: Logs = {}): void | Promise<void> {}
  onBatchBegin(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  onBatchEnd(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  onTestBegin(_logs: Logs = {}): void | Promise<void> {}
  onTestEnd(_logs: Logs = {}): void | Promise<void> {}
  onTestBatchBegin(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  onTestBatchEnd(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  onPredictBegin(_logs: Logs = {}): void | Promise<void> {}
  onPredictEnd(_logs: Logs = {}): void | Promise<void> {}
  onPredictBatchBegin(_batch: number, _logs: Logs = {}): void | Promise<void> {}
  onPredictBatchEnd(_batch: number, _logs: Logs = {}): void | Promise<void> {}
}

type Hook = 'onTrainBegin' | 'onTrainEnd' | 'onTestBegin' | 'onTestEnd' | 'onPredictBegin' | 'onPredictEnd';
type IndexedHook = 'onEpochBegin' | 'onEpochEnd' | 'onBatchBegin' | 'onBatchEnd' | 'onTestBatchBegin' | 'onTestBatchEnd' | 'onPredictBatchBegin' | 'onPredictBatchEnd';

/** Calls every callback's hook in order, awaiting each. */
export class CallbackList {
  constructor(readonly callbacks: Callback[]) {}

  setModel(model: Model): void {
    for (const c of this.callbacks) c.setModel(model);
  }

  setParams(params: TrainingParams): void {
    for (const c of this.callbacks) c.setParams(params);
  }

  async call(hook: Hook, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c[hook](logs);
  }

  async callAt(hook: IndexedHook, index: number, logs: Logs = {}): Promise<void> {
    for (const c of this.callbacks) await c[hook](index, logs);
  }
}

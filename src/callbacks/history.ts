// History: records each epoch's logs; fit returns it (history.history.loss, .val_loss, ...).
import { Callback, type Logs } from './callback.js';

/** Per-epoch values of every logged quantity, as Keras' History.history. */
export class History extends Callback {
  /** `{ loss: [...], accuracy: [...], val_loss: [...], ... }`, one entry per epoch. */
  history: Record<string, number[]> = {};
  /** The epoch indices recorded. */
  epoch: number[] = [];

  override onTrainBegin(): void {
    this.epoch = [];
    if (this.model) this.model.history = this;
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}

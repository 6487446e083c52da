// TerminateOnNaN: stop fit as soon as a batch loss is NaN or infinite.
import { Callback, type Logs } from './callback.js';

/**
 * Keras' TerminateOnNaN: prints `Batch N: Invalid loss, terminating training` and sets
 * model.stopTraining; fit then ends the epoch (its logs hold the NaN) and returns the history.
 */
export class TerminateOnNaN extends Callback {
  constructor(private readonly print: (line: string) => void = (line) => console.log(line)) {
    super();
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void {
    const loss = logs.loss;
    if (loss !== undefined && !Number.isFinite(loss)) {
      this.print(`Batch ${batch}: Invalid loss, terminating training`);
      this.model!.stopTraining = true;
    }
  }
}

// LambdaCallback: a callback from plain functions.
import { Callback, type Logs } from './callback.js';

type Indexed = (index: number, logs: Logs) => void | Promise<void>;
type Plain = (logs: Logs) => void | Promise<void>;

export interface LambdaCallbackOptions {
  onTrainBegin?: Plain;
  onTrainEnd?: Plain;
  onEpochBegin?: Indexed;
  onEpochEnd?: Indexed;
  onBatchBegin?: Indexed;
  onBatchEnd?: Indexed;
}

/**
 * Keras' LambdaCallback.
 * @example new callbacks.LambdaCallback({ onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss) })
 */
export class LambdaCallback extends Callback {
  constructor(private readonly fns: LambdaCallbackOptions = {}) {
    super();
  }

  override onTrainBegin(logs: Logs = {}): void | Promise<void> {
    return this.fns.onTrainBegin?.(logs);
  }

  override onTrainEnd(logs: Logs = {}): void | Promise<void> {
    return this.fns.onTrainEnd?.(logs);
  }

  override onEpochBegin(epoch: number, logs: Logs = {}): void | Promise<void> {
    return this.fns.onEpochBegin?.(epoch, logs);
  }

  override onEpochEnd(epoch: number, logs: Logs = {}): void | Promise<void> {
    return this.fns.onEpochEnd?.(epoch, logs);
  }

  override onBatchBegin(batch: number, logs: Logs = {}): void | Promise<void> {
    return this.fns.onBatchBegin?.(batch, logs);
  }

  override onBatchEnd(batch: number, logs: Logs = {}): void | Promise<void> {
    return this.fns.onBatchEnd?.(batch, logs);
  }
}

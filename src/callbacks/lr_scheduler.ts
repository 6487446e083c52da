// LearningRateScheduler: sets the optimizer's learning rate from schedule(epoch, lr) at each epoch start.
import { Callback, type Logs } from './callback.js';

/** What the LR callbacks need from the compiled optimizer. */
export function optimizerOf(cb: Callback, what: string): { learningRate: number } {
  const opt = cb.model?.optimizer as { learningRate: number } | undefined;
  if (!opt || typeof opt.learningRate !== 'number') throw new Error(`${what}: the model must be compiled with an optimizer that has a numeric learningRate`);
  return opt;
}

/**
 * Keras' LearningRateScheduler; logs the rate as `learning_rate`.
 * @example new callbacks.LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * Math.exp(-0.1)))
 */
export class LearningRateScheduler extends Callback {
  constructor(private readonly schedule: (epoch: number, lr: number) => number, private readonly verbose = 0) {
    super();
  }

  override onEpochBegin(epoch: number): void {
    const opt = optimizerOf(this, 'LearningRateScheduler');
    const lr = this.schedule(epoch, opt.learningRate);
    if (typeof lr !== 'number' || !Number.isFinite(lr)) throw new Error(`LearningRateScheduler: the schedule must return a finite number, received ${String(lr)}`);
    opt.learningRate = lr;
    if (this.verbose > 0) console.log(`\nEpoch ${epoch + 1}: LearningRateScheduler setting learning rate to ${lr}.`);
  }

  override onEpochEnd(_epoch: number, logs: Logs = {}): void {
    logs.learning_rate = optimizerOf(this, 'LearningRateScheduler').learningRate;
  }
}

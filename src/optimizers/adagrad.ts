// Adagrad (Keras 3): acc += g^2; w -= lr g / sqrt(acc + eps), accumulators starting at 0.1.
import type { OptimizerKind } from '../backend/backend.js';
import { registerSerializable } from '../saving/registry.js';
import { baseOptionsFromConfig, Optimizer, type OptimizerOptions, type SlotSpec } from './optimizer.js';

export interface AdagradOptions extends OptimizerOptions {
  /** Starting value of the accumulators (default 0.1). */
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** Adagrad (learning rate 0.001 by default). */
export class Adagrad extends Optimizer {
  static override readonly className = 'Adagrad';
  protected readonly kind: OptimizerKind = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super(options, { learningRate: 0.001, name: 'adagrad' });
    this.initialAccumulatorValue = options.initialAccumulatorValue ?? 0.1;
    if (this.initialAccumulatorValue < 0) throw new Error(`Adagrad "${this.name}": initialAccumulatorValue must be non-negative, received ${this.initialAccumulatorValue}`);
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected slotSpecs(): SlotSpec[] {
    return [{ name: 'accumulator', initialValue: this.initialAccumulatorValue }];
  }

  protected hyper(): Record<string, number> {
    return { epsilon: this.epsilon };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }

  static override fromConfig(c: Record<string, any>): Adagrad {
    return new Adagrad({ ...baseOptionsFromConfig(c), initialAccumulatorValue: c.initial_accumulator_value, epsilon: c.epsilon });
  }
}

registerSerializable('optimizer', Adagrad);

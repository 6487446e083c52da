// Adadelta (Keras 3): running averages of g^2 and of squared updates; w += lr * delta.
import type { OptimizerKind } from '../backend/backend.js';
import { registerSerializable } from '../saving/registry.js';
import { baseOptionsFromConfig, Optimizer, type OptimizerOptions, type SlotSpec } from './optimizer.js';

export interface AdadeltaOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

/** Adadelta (learning rate 0.001, rho 0.95 by default; use learningRate 1 for the paper's form). */
export class Adadelta extends Optimizer {
  static override readonly className = 'Adadelta';
  protected readonly kind: OptimizerKind = 'adadelta';
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    super(options, { learningRate: 0.001, name: 'adadelta' });
    this.rho = options.rho ?? 0.95;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected slotSpecs(): SlotSpec[] {
    return [{ name: 'accumulated_grad' }, { name: 'accumulated_delta_var' }];
  }

  protected hyper(): Record<string, number> {
    return { rho: this.rho, epsilon: this.epsilon };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, epsilon: this.epsilon };
  }

  static override fromConfig(c: Record<string, any>): Adadelta {
    return new Adadelta({ ...baseOptionsFromConfig(c), rho: c.rho, epsilon: c.epsilon });
  }
}

registerSerializable('optimizer', Adadelta);

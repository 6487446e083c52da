// Adamax (Keras 3): m += (g-m)(1-b1); u = max(b2 u, |g|); w -= lr m / ((1-b1^t)(u + eps)).
import type { OptimizerKind } from '../backend/backend.js';
import { registerSerializable } from '../saving/registry.js';
import { baseOptionsFromConfig, Optimizer, type OptimizerOptions, type SlotSpec } from './optimizer.js';

export interface AdamaxOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adamax, Adam's infinity-norm variant (learning rate 0.001 by default). */
export class Adamax extends Optimizer {
  static override readonly className = 'Adamax';
  protected readonly kind: OptimizerKind = 'adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super(options, { learningRate: 0.001, name: 'adamax' });
    // NOTE: Keras builds Adamax's slots with add_optimizer_variables(vars, ['momentum', 'norm']): m0, u0, m1, u1...
    this.slotLayout = 'interleaved';
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected slotSpecs(): SlotSpec[] {
    return [{ name: 'momentum' }, { name: 'norm' }];
  }

  protected hyper(): Record<string, number> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }

  static override fromConfig(c: Record<string, any>): Adamax {
    return new Adamax({ ...baseOptionsFromConfig(c), beta1: c.beta_1, beta2: c.beta_2, epsilon: c.epsilon });
  }
}

registerSerializable('optimizer', Adamax);

// Nadam (Keras 3): Adam with Nesterov momentum and the 0.96 momentum schedule (u_product state).
import { scalar } from '../tensor/creation.js';
import { Variable } from '../autograd/variable.js';
import type { OptimizerKind } from '../backend/backend.js';
import { registerSerializable } from '../saving/registry.js';
import { baseOptionsFromConfig, Optimizer, type OptimizerOptions, type SlotSpec } from './optimizer.js';

export interface NadamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Nadam (learning rate 0.001 by default). */
export class Nadam extends Optimizer {
  static override readonly className = 'Nadam';
  protected readonly kind: OptimizerKind = 'nadam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private readonly uProduct = new Variable(scalar(1), { name: 'u_product', trainable: false });

  constructor(options: NadamOptions = {}) {
    super(options, { learningRate: 0.001, name: 'nadam' });
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }

  protected slotSpecs(): SlotSpec[] {
    return [{ name: 'momentum' }, { name: 'velocity' }];
  }

  protected hyper(): Record<string, number> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  protected override extraVariables(): Variable[] {
    return [this.uProduct];
  }

  // NOTE: u_product *= b1 * (1 - 0.5 * 0.96^t) once per step, before the per-variable updates (Keras _backend_update_step).
  protected override beforeUpdate(hyper: Record<string, number>): void {
    const t = hyper.iteration;
    const next = this.uProduct.value.item() * this.beta1 * (1 - 0.5 * Math.pow(0.96, t));
    this.uProduct.assign(scalar(next));
    hyper.uProduct = this.uProduct.value.item();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }

  static override fromConfig(c: Record<string, any>): Nadam {
    return new Nadam({ ...baseOptionsFromConfig(c), beta1: c.beta_1, beta2: c.beta_2, epsilon: c.epsilon });
  }
}

registerSerializable('optimizer', Nadam);

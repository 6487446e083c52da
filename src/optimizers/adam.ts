// Adam (optionally AMSGrad) and AdamW: Keras 3 form with epsilon added to sqrt(v), bias correction folded into the rate.
import type { OptimizerKind } from '../backend/backend.js';
import { registerSerializable } from '../saving/registry.js';
import { baseOptionsFromConfig, Optimizer, type OptimizerOptions, type SlotSpec } from './optimizer.js';

export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

/**
 * Adam: a = lr*sqrt(1-b2^t)/(1-b1^t); m += (g-m)(1-b1); v += (g^2-v)(1-b2); w -= a*m/(sqrt(v)+eps).
 * @example new optimizers.Adam({ learningRate: 1e-3, clipNorm: 1 })
 */
export class Adam extends Optimizer {
  static override readonly className: string = 'Adam';
  protected readonly kind: OptimizerKind = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  constructor(options: AdamOptions = {}, defaultName = 'adam') {
    super(options, { learningRate: 0.001, name: defaultName });
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.amsgrad = options.amsgrad ?? false;
  }

  protected slotSpecs(): SlotSpec[] {
    const specs: SlotSpec[] = [{ name: 'momentum' }, { name: 'velocity' }];
    if (this.amsgrad) specs.push({ name: 'velocity_hat' });
    return specs;
  }

  protected hyper(): Record<string, number> {
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }

  protected override flags(): Record<string, boolean> {
    return { amsgrad: this.amsgrad };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }

  static override fromConfig(c: Record<string, any>): Adam {
    return new Adam({ ...baseOptionsFromConfig(c), beta1: c.beta_1, beta2: c.beta_2, epsilon: c.epsilon, amsgrad: c.amsgrad });
  }
}

/** Adam with decoupled weight decay (default 0.004): w -= w*wd*lr before the Adam step. */
export class AdamW extends Adam {
  static override readonly className: string = 'AdamW';

  constructor(options: AdamOptions = {}) {
    super({ ...options, weightDecay: options.weightDecay === undefined ? 0.004 : options.weightDecay }, 'adamw');
    if (this.weightDecay === null) throw new Error(`AdamW "${this.name}": weightDecay must be a number, received null`);
  }

  static override fromConfig(c: Record<string, any>): AdamW {
    return new AdamW({ ...baseOptionsFromConfig(c), weightDecay: c.weight_decay ?? 0.004, beta1: c.beta_1, beta2: c.beta_2, epsilon: c.epsilon, amsgrad: c.amsgrad });
  }
}

registerSerializable('optimizer', Adam);
registerSerializable('optimizer', AdamW);

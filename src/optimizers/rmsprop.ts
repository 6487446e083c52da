// RMSprop (Keras 3): v = rho v + (1-rho) g^2; w -= lr g / sqrt(v + eps); optional momentum and centering.
import type { OptimizerKind } from '../backend/backend.js';
import { registerSerializable } from '../saving/registry.js';
import { baseOptionsFromConfig, Optimizer, type OptimizerOptions, type SlotSpec } from './optimizer.js';

export interface RMSpropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

/**
 * RMSprop (learning rate 0.001, rho 0.9, epsilon 1e-7 by default).
 * @example new optimizers.RMSprop({ learningRate: 0.001, rho: 0.9 })
 */
export class RMSprop extends Optimizer {
  static override readonly className = 'RMSprop';
  protected readonly kind: OptimizerKind = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSpropOptions = {}) {
    super(options, { learningRate: 0.001, name: 'rmsprop' });
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
  }

  protected slotSpecs(): SlotSpec[] {
    const specs: SlotSpec[] = [{ name: 'velocity' }];
    if (this.momentum > 0) specs.push({ name: 'momentum' });
    if (this.centered) specs.push({ name: 'average_gradient' });
    return specs;
  }

  protected hyper(): Record<string, number> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon };
  }

  protected override flags(): Record<string, boolean> {
    return { centered: this.centered };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }

  static override fromConfig(c: Record<string, any>): RMSprop {
    return new RMSprop({ ...baseOptionsFromConfig(c), rho: c.rho, momentum: c.momentum, epsilon: c.epsilon, centered: c.centered });
  }
}

registerSerializable('optimizer', RMSprop);

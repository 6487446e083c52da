// SGD with optional (Nesterov) momentum, Keras 3 form: m = mu*m - lr*g; w += m.
import type { OptimizerKind } from '../backend/backend.js';
import { registerSerializable } from '../saving/registry.js';
import { baseOptionsFromConfig, Optimizer, type OptimizerOptions, type SlotSpec } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  /** Default 0 (plain gradient descent); must be in [0, 1]. */
  momentum?: number;
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent (learning rate 0.01 by default).
 * @example new optimizers.SGD({ learningRate: 0.01, momentum: 0.9, nesterov: true })
 */
export class SGD extends Optimizer {
  static override readonly className = 'SGD';
  protected readonly kind: OptimizerKind = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super(options, { learningRate: 0.01, name: 'SGD' });
    this.momentum = options.momentum ?? 0;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`SGD "${this.name}": momentum must be a number in [0, 1], received ${this.momentum}`);
    this.nesterov = options.nesterov ?? false;
  }

  override fusableSgdRate(): number | null {
    // NOTE: exact SGD instances only: a subclass may override applyGradients or the update, which fusing would skip.
    const plain = Object.getPrototypeOf(this) === SGD.prototype && this.momentum === 0 && this.clipValue === null &&
      this.clipNorm === null && this.globalClipNorm === null && !this.weightDecay;
    return plain ? Math.fround(this.learningRate) : null;
  }

  protected slotSpecs(): SlotSpec[] {
    return this.momentum !== 0 ? [{ name: 'momentum' }] : [];
  }

  protected hyper(): Record<string, number> {
    return { momentum: this.momentum };
  }

  protected override flags(): Record<string, boolean> {
    return { nesterov: this.nesterov };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), momentum: this.momentum, nesterov: this.nesterov };
  }

  static override fromConfig(c: Record<string, any>): SGD {
    return new SGD({ ...baseOptionsFromConfig(c), momentum: c.momentum, nesterov: c.nesterov });
  }
}

registerSerializable('optimizer', SGD);

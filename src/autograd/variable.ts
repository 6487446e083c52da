// Variable: a named, mutable holder of a tensor; what layers own as weights and optimizers update.
import { Tensor } from '../tensor/tensor.js';
import { tensor as makeTensor } from '../tensor/creation.js';
import { convertArray, type DType } from '../tensor/dtype.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { onVariableRead } from './tape.js';

let nextVariableId = 1;
let trainableVersion = 0;

/**
 * A counter that changes whenever a variable's or a layer's trainable flag is set or a layer adds a weight: fit
 * re-derives its trainable set only when it moved.
 * @internal
 */
export function trainableStateVersion(): number {
  return trainableVersion;
}

/** @internal */
export function bumpTrainableState(): void {
  trainableVersion++;
}

export interface VariableOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
}

export class Variable {
  readonly id = nextVariableId++;
  name: string;
  private _trainable: boolean;
  private current: Tensor;

  constructor(initial: Tensor, options: VariableOptions = {}) {
    const dtype = options.dtype ?? initial.dtype;
    // A variable owns its storage: copy so in-place updates never alias the caller's tensor.
    this.current = new Tensor(convertArray(initial.data, dtype), initial.shape, dtype);
    this.name = options.name ?? `variable_${this.id}`;
    this._trainable = options.trainable ?? true;
  }

  /** Whether optimizers update this variable (and gradient tapes watch it automatically). */
  get trainable(): boolean {
    return this._trainable;
  }

  set trainable(value: boolean) {
    this._trainable = value;
    trainableVersion++;
  }

  /** The current value (read inside a GradientTape, a trainable variable is watched). */
  get value(): Tensor {
    onVariableRead(this.current, this.trainable);
    return this.current;
  }

  get shape(): number[] {
    return this.current.shape;
  }

  get dtype(): DType {
    return this.current.dtype;
  }

  /** Replaces the value; the shape must stay the same. */
  assign(value: Tensor | ArrayLike<number>): void {
    const t = value instanceof Tensor ? value : makeTensor(Array.from(value), this.shape, this.dtype);
    if (!shapesEqual(t.shape, this.shape)) {
      throw new Error(`Variable "${this.name}": cannot assign a value of shape ${formatShape(t.shape)} to a variable of shape ${formatShape(this.shape)}`);
    }
    this.current = new Tensor(convertArray(t.data, this.dtype), this.shape, this.dtype);
  }

  /**
   * The live storage, for in-place updates by optimizers and backends only.
   * @internal
   */
  storage(): Float32Array {
    return this.current.data as Float32Array;
  }

  /** A copy of the current value as a tensor. */
  read(): Tensor {
    return new Tensor(this.current.data.slice(), this.shape, this.dtype);
  }
}

/** Creates a Variable: `variable(tensor([1, 2, 3]), { name: 'w' })`. */
export function variable(initial: Tensor, options: VariableOptions = {}): Variable {
  return new Variable(initial, options);
}

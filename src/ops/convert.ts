// Turning op arguments (numbers, arrays, tensors) into tensors of a common dtype.
import { Tensor } from '../tensor/tensor.js';
import { tensor, type TensorLike } from '../tensor/creation.js';
import { isFloat, promote, type DType } from '../tensor/dtype.js';

export type Arg = TensorLike;

/** A tensor from an op argument; a bare number takes `like`'s dtype when it fits. */
export function toTensor(x: Arg, like?: DType): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number') {
    const dtype: DType = like && (isFloat(like) || Number.isInteger(x)) ? (like === 'bool' ? 'float32' : like) : 'float32';
    return tensor(x, [], dtype);
  }
  if (typeof x === 'boolean') return tensor(x, [], 'bool');
  return tensor(x);
}

/** Two operands as tensors, with the dtype they will be computed in. */
export function operands(a: Arg, b: Arg): [Tensor, Tensor, DType] {
  const ta = a instanceof Tensor ? a : toTensor(a, b instanceof Tensor ? b.dtype : undefined);
  const tb = b instanceof Tensor ? b : toTensor(b, ta.dtype);
  return [ta, tb, promote(ta.dtype, tb.dtype)];
}

// Activation ops: forward on the backend, backward through the backend's fused activationGrad.
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationOp } from '../backend/backend.js';
import { floatOf } from '../tensor/dtype.js';
import { defineOp } from './define.js';
import { toTensor, type Arg } from './convert.js';
import { castTo } from './layout.js';

interface ActAttrs { op: ActivationOp; alpha?: number }

/** dy * f'(x), computed by the backend in one pass (not itself differentiable). */
export const activationGrad = defineOp<ActAttrs>({
  name: 'activationGrad',
  forward: (bk, [x, y, dy], { op, alpha }) => bk.activationGrad(op, x, y, dy, { alpha }),
});

const activationOp = defineOp<ActAttrs>({
  name: 'activation',
  forward: (bk, [x], { op, alpha }) => bk.unary(op, x, { alpha }),
  vjp: (dy, { inputs: [x], output, attrs }) => [activationGrad([x, output, dy], attrs)],
});

function act(op: ActivationOp, x: Arg, alpha?: number): Tensor {
  const t = toTensor(x);
  return activationOp([castTo(t, floatOf(t.dtype))], { op, alpha });
}

export const relu = (x: Arg): Tensor => act('relu', x);
export const relu6 = (x: Arg): Tensor => act('relu6', x);
/** x if x >= 0 else alpha*x (alpha defaults to 0.2 like keras.activations.leaky_relu). */
export const leakyRelu = (x: Arg, alpha = 0.2): Tensor => act('leakyRelu', x, alpha);
/** x if x > 0 else alpha*(exp(x)-1). */
export const elu = (x: Arg, alpha = 1): Tensor => act('elu', x, alpha);
/** scale * elu(x, alpha) with the self-normalizing constants. */
export const selu = (x: Arg): Tensor => act('selu', x);
export const sigmoid = (x: Arg): Tensor => act('sigmoid', x);
export const tanh = (x: Arg): Tensor => act('tanh', x);
/** log(1 + exp(x)), stable for large |x|. */
export const softplus = (x: Arg): Tensor => act('softplus', x);
/** Applies a backend activation by name (used by fused layers). */
export const applyActivation = (op: ActivationOp, x: Arg, alpha?: number): Tensor => act(op, x, alpha);

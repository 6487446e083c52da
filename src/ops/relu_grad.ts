// The ReLU gradient folded into the next op's vjp: an op recorded with a fused ReLU (conv2d) marks its output, a max
// pool over that output routes dy and applies relu'(y) = (y > 0) in the same pass (backend pool2dGrad's `relu`), and
// marks the gradient it returns, so the producer's vjp skips its own activationGrad pass over the full map.
// Exact: the mask is idempotent, so a gradient that also collects other uses (a sum, unmarked) is masked again, and
// the pool does not fold the mask when its input is a source whose gradient is returned as it is.
import type { Tensor } from '../tensor/tensor.js';

const reluOutputs = new WeakSet<Tensor>();
const maskedFor = new WeakMap<Tensor, Tensor>();
let enabled = true;

/** For tests and A/B runs: turns the folding on or off (off: every vjp does its own pass); returns the previous setting. */
export function setReluGradFusion(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** y is the output of an op whose vjp first multiplies its dy by relu'(y), i.e. y = relu(z). */
export function markReluOutput(y: Tensor): Tensor {
  reluOutputs.add(y);
  return y;
}

export function isReluOutput(y: Tensor): boolean {
  return enabled && reluOutputs.has(y);
}

/** dy, a gradient with respect to the ReLU output y, already holds the factor relu'(y). */
export function markThroughRelu(dy: Tensor, y: Tensor): Tensor {
  maskedFor.set(dy, y);
  return dy;
}

/** Whether dy (the gradient reaching y's producer) already holds relu'(y): the producer then skips that pass. */
export function isThroughRelu(dy: Tensor, y: Tensor): boolean {
  return maskedFor.get(dy) === y;
}

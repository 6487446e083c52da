// defineOp: one place where an op's forward (on the backend) and its vjp (on tensors) are declared together.
import { Tensor } from '../tensor/tensor.js';
import type { Backend, RawTensor } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { type APPLIED, isRecording, recordOp, type SgdStep } from '../autograd/tape.js';

export interface OpContext<A> {
  inputs: Tensor[];
  output: Tensor;
  attrs: A;
  /** needs[i]: whether input i needs a gradient (false: the vjp may return null for it and skip the work). */
  needs: readonly boolean[];
  /** An in-place SGD step the vjp may take for some inputs (see SgdStep); most ops ignore it. */
  sgd?: SgdStep;
  /** returned[i]: input i is a source, its gradient goes to the caller as returned (see Vjp); most ops ignore it. */
  returned?: readonly boolean[];
}

export interface OpSpec<A> {
  name: string;
  forward: (b: Backend, inputs: Tensor[], attrs: A) => RawTensor;
  /** Gradients of the inputs given dy; omit for non-differentiable ops. */
  vjp?: (dy: Tensor, ctx: OpContext<A>) => (Tensor | null | typeof APPLIED)[];
}

export type Op<A> = (inputs: Tensor[], attrs: A) => Tensor;

export function wrap(raw: RawTensor): Tensor {
  // Always a fresh handle: the tape keys nodes by tensor id, so an op never returns its input object.
  return new Tensor(raw.data, raw.shape, raw.dtype);
}

export function defineOp<A = Record<string, never>>(spec: OpSpec<A>): Op<A> {
  const { name, forward, vjp } = spec;
  return (inputs: Tensor[], attrs: A): Tensor => {
    const output = wrap(forward(backend(), inputs, attrs));
    if (isRecording()) {
      recordOp(name, inputs, output, vjp ? (dy, needs, sgd, returned) => vjp(dy, { inputs, output, attrs, needs, sgd, returned }) : null);
    }
    return output;
  };
}

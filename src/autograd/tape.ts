// The tape: op nodes recorded while a gradient computation is active, then walked backward.
import type { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';

/**
 * A plain SGD step offered to a vjp (see backward's `sgd` option): `inputs[i]` marks the inputs that are variable
 * values used nowhere else on the tape. A vjp may step such an input in place, w -= learningRate * g, once it has
 * no further use for its value, and return APPLIED in place of its gradient; a vjp that ignores the offer just
 * returns gradients as usual.
 */
export interface SgdStep {
  learningRate: number;
  inputs: readonly boolean[];
}

/** What a vjp returns for an input whose SGD step it took in place. */
export const APPLIED: unique symbol = Symbol('applied');

/**
 * Input gradients given dy; `needs[i]` is false when input i leads to no source (its gradient may be skipped);
 * `returned[i]` is true when input i is itself a source, so its gradient is handed to the caller as it is (a vjp
 * that folds the producer's work into the gradient it returns, see src/ops/relu_grad.ts, must not then).
 */
export type Vjp = (dy: Tensor, needs: readonly boolean[], sgd?: SgdStep, returned?: readonly boolean[]) => (Tensor | null | typeof APPLIED)[];

export interface OpNode {
  name: string;
  inputs: Tensor[];
  output: Tensor;
  /** null for ops without a gradient (argmax, comparisons...): reaching one with a gradient is an error. */
  vjp: Vjp | null;
}

export class Tape {
  readonly nodes: OpNode[] = [];
  readonly tracked = new Set<number>();
  /** Tensors that depend on a watched tensor only through a non-differentiable op, mapped to that op's name. */
  readonly blocked = new Map<number, string>();
  /** Auto-watch trainable variables read while this tape is active (GradientTape semantics). */
  constructor(readonly watchAccessedVariables = false) {}

  watch(t: Tensor): void {
    this.tracked.add(t.id);
  }
}

const active: Tape[] = [];
let pauseDepth = 0;

export function pushTape(tape: Tape): void {
  active.push(tape);
}

export function popTape(tape: Tape): void {
  const i = active.lastIndexOf(tape);
  if (i >= 0) active.splice(i, 1);
}

export function isRecording(): boolean {
  return active.length > 0 && pauseDepth === 0;
}

/**
 * Records an op on every active tape that tracks one of its inputs. Like PyTorch, only float outputs of
 * differentiable ops carry gradients: other outputs (argmax, comparisons, casts to integers) are marked blocked,
 * so differentiating a value that depends on the sources only through them is a clear error, not silent zeros.
 */
export function recordOp(name: string, inputs: Tensor[], output: Tensor, vjp: Vjp | null): void {
  if (pauseDepth > 0) return;
  for (const tape of active) {
    if (inputs.some((x) => tape.tracked.has(x.id))) {
      if (vjp && isFloat(output.dtype)) {
        tape.nodes.push({ name, inputs, output, vjp });
        tape.tracked.add(output.id);
      } else {
        tape.blocked.set(output.id, vjp ? `${name} (to ${output.dtype})` : name);
      }
    } else if (tape.blocked.size > 0) {
      for (const x of inputs) {
        const why = tape.blocked.get(x.id);
        if (why !== undefined) {
          tape.blocked.set(output.id, why);
          break;
        }
      }
    }
  }
}

/** Called when a variable's value is read: tapes that auto-watch take it. */
export function onVariableRead(t: Tensor, trainable: boolean): void {
  if (!trainable || pauseDepth > 0) return;
  for (const tape of active) if (tape.watchAccessedVariables) tape.watch(t);
}

/** Runs fn with recording paused (nothing inside is differentiated). */
export function noGrad<T>(fn: () => T): T {
  pauseDepth++;
  try {
    return fn();
  } finally {
    pauseDepth--;
  }
}

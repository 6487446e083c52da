// StepTap: a callback's one-step look inside training (the step's layer outputs and gradients), set on model.stepTap.
import type { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../autograd/variable.js';
import type { NodeObserver } from './graph.js';

/** What a StepTap is handed after backward, before the update. */
export interface TappedStep {
  xs: Tensor[];
  ys: Tensor[];
  loss: Tensor;
  /** The compiled variables and their gradients (the step's own: read them now, they are recycled after the step). */
  vars: readonly Variable[];
  grads: readonly Tensor[];
}

/**
 * A look inside one training step, so a callback (Dashboard's health reports) needs no pass of its own: set
 * `model.stepTap` before a step; the step takes it (and clears it), runs its forward under `observe` (see
 * graph.observingGraphs) and calls `gradients` between backward and the update. That step applies its optimizer
 * unfused (the same weights as the fused path), then hands its buffers back to the backend like any step: a tap reads
 * what it needs during `gradients` and keeps none of the step's tensors. @internal
 */
export interface StepTap {
  observe: NodeObserver;
  gradients(step: TappedStep): void;
}

// StepReport: a gradient report read from a training step itself (model.stepTap), so it costs no pass of its own.
import type { Model } from '../models/functional.js';
import type { NodeObserver } from '../models/graph.js';
import type { StepTap, TappedStep } from '../models/step_tap.js';
import { LayerRecorder } from './forward.js';
import { summarizePass, type GradientReport, type GradientReportOptions } from './report.js';

/**
 * Set as `model.stepTap` before a training step: the step's forward outputs and gradients become a report
 * equal to `gradientReport(model, x, y, { training: true })` taken on the step's batch with the weights the
 * step started from (its gradients, before the update; its training-mode forward, random layers with the
 * step's draws). The figures are computed during the step, before its buffers are reused, and the step's tensors
 * are let go of then. `options.loss` and
 * `options.training` do not apply: the step's compiled loss (with its sample or class weights) and training
 * mode are what it reports.
 */
export class StepReport implements StepTap {
  /** The report, once the step has run (null before, or when the figures failed: see `error`). */
  report: GradientReport | null = null;
  error: Error | null = null;
  /** When the figures started (performance.now()) and how long they took (ms). */
  startedAt = 0;
  ms = 0;
  private readonly recorder: LayerRecorder;
  readonly observe: NodeObserver;

  constructor(private readonly model: Model, private readonly options: GradientReportOptions = {}) {
    this.recorder = new LayerRecorder(options.cache?.activations);
    this.observe = this.recorder.observe;
  }

  /** Whether `model` can be reported on this way (a graph model: its layers' outputs are observable). */
  static supports(model: Model): boolean {
    return model.graphInfo !== null && !model.isSubclassed;
  }

  gradients(step: TappedStep): void {
    this.startedAt = performance.now();
    try {
      this.report = summarizePass(this.model, {
        records: this.recorder.records, vars: step.vars, grads: step.grads, xs: step.xs,
        loss: step.loss.item(), lossNames: this.model.outputs.map(() => 'compiled'),
      }, this.options);
    } catch (e) {
      this.error = e as Error;
    } finally {
      // The step recycles its buffers after the update: no output it produced stays referenced here.
      this.recorder.clear();
    }
    this.ms = performance.now() - this.startedAt;
  }
}

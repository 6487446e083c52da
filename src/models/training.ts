// compile() and the training/test steps (Keras Trainer): loss + regularization, gradients over the compiled variables.
import { envVar } from '../utils/env.js';
import { Tensor } from '../tensor/tensor.js';
import { trainableStateVersion, Variable } from '../autograd/variable.js';
import { noGrad } from '../autograd/tape.js';
import { backend } from '../backend/registry.js';
import { valueAndGrads, valueAndGradsWithSgd, type TapeCapture } from '../autograd/gradients.js';
import { recycleStepBuffers, reuseStepBuffers } from './step_buffers.js';
import { add, concat, mul } from '../ops/index.js';
import { Loss } from '../losses/loss.js';
import { get as getLoss, canonicalLossName } from '../losses/index.js';
import type { Metric, MetricFn } from '../metrics/metric.js';
import { get as getMetric } from '../metrics/index.js';
import { get as getOptimizer } from '../optimizers/index.js';
import type { Model } from './functional.js';
import { numSamples, sampleWeights, toTensorList, type ModelData } from './data.js';
import type { Callback } from '../callbacks/callback.js';
import type { Dataset } from '../data/dataset.js';
import { observingGraphs } from './graph.js';
import type { Element } from '../data/structure.js';

/** A stream of batches fit/evaluate/predict accept instead of tensors: a Dataset or an async iterable of [x, y] batches. */
export type DataSource = Dataset | AsyncIterable<Element>;

export type { ModelData } from './data.js';

/** What compile needs from an optimizer (src/optimizers implements it). */
export interface OptimizerLike {
  applyGradients(gradsAndVars: [Tensor, Variable][]): void;
  learningRate: number;
  variables?(): Variable[];
  /** See Optimizer.fusableSgdRate (built-in optimizers only). */
  fusableSgdRate?(): number | null;
  /** See Optimizer.completeStep (built-in optimizers only). */
  completeStep?(pairs: readonly (readonly [Tensor | null, Variable])[], stepped: ReadonlySet<Variable>): void;
}

export type LossSpec = string | Loss | ((yTrue: Tensor, yPred: Tensor) => Tensor);
export type MetricSpec = string | Metric | MetricFn;

export interface CompileArgs {
  /** 'sgd', 'adam', ... or an optimizer instance. */
  optimizer: string | OptimizerLike;
  /** One loss for every output, one per output, or keyed by output name. */
  loss: LossSpec | LossSpec[] | Record<string, LossSpec>;
  /** Metrics for every output, or keyed by output name. */
  metrics?: MetricSpec[] | Record<string, MetricSpec | MetricSpec[]>;
  /** Weights of the per-output losses in the total loss. */
  lossWeights?: number[] | Record<string, number>;
}

interface CompiledMetric {
  name: string;
  output: number;
  metric: Metric;
}

/** What compile() stored. @internal */
export interface CompiledState {
  optimizer: OptimizerLike;
  losses: (Loss | null)[];
  lossWeights: number[];
  metrics: CompiledMetric[];
  /** The variables fit trains (snapshot of trainableWeights at compile, or at the first step of an unbuilt model). */
  trainable: Variable[] | null;
  warned: boolean;
  /** trainableStateVersion() when the trainable set was last compared (none moved since: no need to again). */
  checkedVersion?: number;
}

export interface FitArgs {
  /** Samples per batch for in-memory tensors (a Dataset batches itself). */
  batchSize?: number;
  /** Batches per epoch from a Dataset or iterable (Keras' steps_per_epoch): the iterator then continues across epochs. */
  stepsPerEpoch?: number;
  /** Batches of a streamed validationData per validation (default: the whole pass). */
  validationSteps?: number;
  epochs?: number;
  /** 0 silent, 1 progress bar, 2 one line per epoch. */
  verbose?: number;
  validationData?: [ModelData, ModelData] | [ModelData, ModelData, Tensor] | DataSource;
  /** Fraction of the data (the LAST samples, before shuffling) held out for validation. */
  validationSplit?: number;
  validationBatchSize?: number;
  /** Validate every n epochs (default 1). */
  validationFreq?: number;
  /** Shuffle the training samples every epoch with the seeded generator (default true). */
  shuffle?: boolean;
  callbacks?: Callback[];
  initialEpoch?: number;
  classWeight?: Record<number, number>;
  sampleWeight?: Tensor;
  /** Aborting stops training cleanly before the next batch; fit resolves with the history so far. */
  signal?: AbortSignal;
}

export interface EvaluateArgs {
  batchSize?: number;
  /** Batches to evaluate from a Dataset or iterable (default: the whole pass). */
  steps?: number;
  verbose?: number;
  sampleWeight?: Tensor;
}

export interface PredictArgs {
  batchSize?: number;
  /** Batches to predict from a Dataset or iterable (default: the whole pass). */
  steps?: number;
  /** 1 (default, as Keras): progress bar; 0: silent. */
  verbose?: number;
}

export interface BatchArgs {
  sampleWeight?: Tensor;
  classWeight?: Record<number, number>;
}

function perOutput<T>(spec: T | T[] | Record<string, T>, names: string[], what: string, isSingle: (x: unknown) => boolean): (T | null)[] {
  if (Array.isArray(spec)) {
    if (spec.length !== names.length) throw new Error(`compile: ${what} has ${spec.length} entries but the model has ${names.length} output(s) (${names.join(', ')})`);
    return spec;
  }
  if (isSingle(spec)) return names.map(() => spec as T);
  const rec = spec as Record<string, T>;
  for (const k of Object.keys(rec)) if (!names.includes(k)) throw new Error(`compile: ${what} names unknown output "${k}" (outputs: ${names.join(', ')})`);
  return names.map((n) => rec[n] ?? null);
}

const isLossSingle = (x: unknown): boolean => typeof x === 'string' || typeof x === 'function' || x instanceof Loss;

/** Resolves optimizer, losses and metrics; remembers which variables are trainable now. */
export function compile(model: Model, args: CompileArgs): void {
  if (!args || args.loss === undefined || args.optimizer === undefined) throw new Error(`compile: pass { optimizer, loss } (received ${args ? Object.keys(args).join(', ') : args})`);
  const optimizer = (typeof args.optimizer === 'string' ? getOptimizer(args.optimizer) : args.optimizer) as OptimizerLike;
  if (!optimizer || typeof optimizer.applyGradients !== 'function') throw new Error('compile: optimizer must be a string or an optimizer with applyGradients');
  const names = model.inputs.length > 0 ? model.outputNames : ['output'];
  const lossSpecs = perOutput<LossSpec>(args.loss, names, 'loss', isLossSingle);
  const losses = lossSpecs.map((s) => (s === null ? null : getLoss(s as any)));
  let lossWeights = names.map(() => 1);
  if (args.lossWeights) lossWeights = perOutput<number>(args.lossWeights, names, 'lossWeights', (x) => typeof x === 'number').map((w) => w ?? 1);
  const metrics: CompiledMetric[] = [];
  if (args.metrics) {
    let lists: MetricSpec[][];
    if (Array.isArray(args.metrics)) {
      lists = names.map(() => args.metrics as MetricSpec[]);
    } else {
      const rec = args.metrics;
      for (const k of Object.keys(rec)) if (!names.includes(k)) throw new Error(`compile: metrics names unknown output "${k}" (outputs: ${names.join(', ')})`);
      lists = names.map((n) => (rec[n] === undefined ? [] : Array.isArray(rec[n]) ? rec[n] : [rec[n]]));
    }
    lists.forEach((list, output) => {
      const loss = lossSpecs[output];
      const lossName = typeof loss === 'string' ? canonicalLossName(loss) ?? loss : losses[output]?.name;
      for (const spec of list) {
        const metric = getMetric(spec as any, lossName ?? undefined);
        const base = typeof spec === 'string' ? spec : metric.name;
        metrics.push({ name: names.length > 1 ? `${names[output]}_${base}` : base, output, metric });
      }
    });
  }
  model.compiled = {
    optimizer,
    losses,
    lossWeights,
    metrics,
    trainable: model.built && model.weights.length > 0 ? [...model.trainableWeights] : null,
    warned: false,
  };
}

/** 'loss', per-output losses (several outputs), then the metrics' names. */
export function metricsNames(model: Model): string[] {
  const c = requireCompiled(model, 'metricsNames');
  const names = ['loss'];
  if (c.losses.length > 1) c.losses.forEach((l, i) => { if (l) names.push(`${model.outputNames[i]}_loss`); });
  return [...names, ...c.metrics.map((m) => m.name)];
}

export function requireCompiled(model: Model, what: string): CompiledState {
  if (!model.compiled) throw new Error(`${model.className} "${model.name}": you must call compile() before ${what}()`);
  return model.compiled;
}

/** The compiled trainable variables; warns once when `trainable` flags changed since compile (Keras keeps the compiled set). */
function trainableSet(model: Model, c: CompiledState): Variable[] {
  // NOTE: walking every layer's weights each step cost ~0.1 ms on the 101-layer SELU net; compare only after a change.
  const version = trainableStateVersion();
  if (c.trainable !== null && (c.warned || c.checkedVersion === version)) return c.trainable;
  c.checkedVersion = version;
  const current = model.trainableWeights;
  if (c.trainable === null) c.trainable = [...current];
  else if (!c.warned && (current.length !== c.trainable.length || current.some((v, i) => v !== c.trainable![i]))) {
    c.warned = true;
    console.warn(
      `Warning: ${model.className} "${model.name}": the trainable flag of some layers changed after compile() without recompiling; ` +
      'fit keeps training the variables that were trainable at compile time (as Keras does). Call compile() again to apply the change.',
    );
  }
  return c.trainable;
}

/** Inputs, targets and per-sample weights of one call, checked for consistency. */
export interface Prepared {
  xs: Tensor[];
  ys: Tensor[];
  sw: Tensor | null;
  n: number;
}

/** Normalises x/y, checks sample counts, builds a deferred model and checks input shapes. */
export function prepare(model: Model, x: ModelData, y: ModelData | null, sampleWeight?: Tensor | null, classWeight?: Record<number, number> | null): Prepared {
  const xs = toTensorList(x, model.inputNames, 'x');
  model.ensureBuilt(xs.map((t) => t.shape));
  const ys = y === null ? [] : toTensorList(y, model.outputNames, 'y');
  const subclassed = model.isSubclassed;
  if (y !== null && !subclassed && ys.length !== model.outputs.length) {
    throw new Error(`${model.className} "${model.name}": expected ${model.outputs.length} target(s), one per output (${model.outputNames.join(', ')}), received ${ys.length}`);
  }
  if (!subclassed && xs.length !== model.inputs.length) {
    throw new Error(`${model.className} "${model.name}": expected ${model.inputs.length} input(s) (${model.inputNames.join(', ')}), received ${xs.length}`);
  }
  const groups = [{ what: 'x', tensors: xs }, { what: 'y', tensors: ys }];
  if (sampleWeight) groups.push({ what: 'sampleWeight', tensors: [sampleWeight] });
  const n = numSamples(groups);
  model.checkInputShapes(xs.map((t) => t.shape));
  if (classWeight && ys.length > 1) throw new Error('classWeight is only supported for models with a single output');
  return { xs, ys, sw: sampleWeights(ys[0], classWeight, sampleWeight), n };
}

/** Keras' Mean tracker in float32: sum(value * weight) / sum(weight). */
export class MeanTracker {
  private total = 0;
  private count = 0;
  update(value: number, weight = 1): void {
    this.total = Math.fround(this.total + Math.fround(value * weight));
    this.count = Math.fround(this.count + weight);
  }
  result(): number {
    return this.count === 0 ? 0 : Math.fround(this.total / this.count);
  }
  reset(): void {
    this.total = 0;
    this.count = 0;
  }
  /** The running sums (saved by BackupAndRestore to resume an epoch exactly). */
  state(): { total: number; count: number } {
    return { total: this.total, count: this.count };
  }
  restore(s: { total: number; count: number }): void {
    this.total = s.total;
    this.count = s.count;
  }
}

/** Trackers for one loop (fit or evaluate): total loss and, with several outputs, each output's loss. */
export interface Trackers {
  loss: MeanTracker;
  outputs: MeanTracker[];
}

export function newTrackers(model: Model): Trackers {
  return { loss: new MeanTracker(), outputs: (model.compiled?.losses ?? []).map(() => new MeanTracker()) };
}

/** Total loss (weighted per-output losses + regularization) and the per-output values. */
function computeLoss(model: Model, c: CompiledState, ys: Tensor[], preds: Tensor[], sw: Tensor | null): { total: Tensor; parts: Tensor[] } {
  const parts: Tensor[] = [];
  let total: Tensor | null = null;
  c.losses.forEach((loss, i) => {
    if (!loss) return;
    const value = loss.apply(ys[i], preds[i], sw);
    parts.push(value);
    const weighted = c.lossWeights[i] === 1 ? value : mul(value, c.lossWeights[i]);
    total = total ? add(total, weighted) : weighted;
  });
  if (!total) throw new Error(`${model.className} "${model.name}": no loss to minimize (every output's loss is null)`);
  for (const r of model.regularizationLosses()) total = add(total, r);
  return { total, parts };
}

function record(c: CompiledState, t: Trackers, ys: Tensor[], preds: Tensor[], sw: Tensor | null, total: Tensor, parts: Tensor[], n: number): void {
  noGrad(() => {
    t.loss.update(total.item(), n);
    parts.forEach((p, i) => t.outputs[i]?.update(p.item(), n));
    for (const m of c.metrics) m.metric.update(ys[m.output], preds[m.output], sw);
  });
}

/**
 * Whether trainStep lets backward apply plain SGD in place (on by default; LAYERWISE_FUSED_SGD=0 turns it off).
 * Both paths give bit-identical weights: tests and the bench compare them through this switch.
 * @internal
 */
export const fusedSgd = { enabled: envVar('LAYERWISE_FUSED_SGD') !== '0' };

/** One gradient step: forward in training mode, loss, gradients over the compiled variables, update, constraints. */
export function trainStep(model: Model, xs: Tensor[], ys: Tensor[], sw: Tensor | null, trackers: Trackers): void {
  const c = requireCompiled(model, 'fit');
  // NOTE: an unbuilt model (deferred Sequential, subclassed) creates its weights on the first call: build before snapshotting.
  if (c.trainable === null) noGrad(() => model.callList(xs, { training: false }));
  const vars = trainableSet(model, c);
  const tap = model.stepTap;
  if (tap) model.stepTap = null;
  let preds: Tensor[] = [];
  let parts: Tensor[] = [];
  const forward = (): Tensor => {
    preds = tap ? observingGraphs(tap.observe, () => model.callList(xs, { training: true })) : model.callList(xs, { training: true });
    const out = computeLoss(model, c, ys, preds, sw);
    parts = out.parts;
    return out.total;
  };
  // Plain SGD is applied during backward where an op can fuse it (dense: the kernel's gradient is never stored).
  const opt = c.optimizer;
  const rate = !tap && fusedSgd.enabled && vars.length > 0 && opt.completeStep ? opt.fusableSgdRate?.() ?? null : null;
  const capture: TapeCapture = {};
  let value: Tensor;
  if (rate === null || !opt.completeStep) {
    const r = valueAndGrads(forward, vars, capture);
    value = r.value;
    tap?.gradients({ xs, ys, loss: value, vars, grads: r.grads });
    if (vars.length > 0) opt.applyGradients(r.grads.map((g, i) => [g, vars[i]] as [Tensor, Variable]));
    finishStep(model, c, trackers, r.grads, { value, preds, parts, ys, sw, n: xs[0].shape[0] });
  } else {
    const r = valueAndGradsWithSgd(forward, vars, { learningRate: rate, sources: vars.map((v) => v.dtype === 'float32') }, capture);
    value = r.value;
    opt.completeStep(r.grads.map((g, i) => [g, vars[i]] as const), new Set(vars.filter((_, i) => r.grads[i] === null)));
    finishStep(model, c, trackers, r.grads.filter((g): g is Tensor => g !== null), { value, preds, parts, ys, sw, n: xs[0].shape[0] });
  }
  // A tap read the step's tensors during gradients() and keeps none of them (StepTap): its step recycles too.
  if (capture.tape && reuseStepBuffers.enabled) {
    recycleStepBuffers(model, capture.tape, [...xs, ...ys, ...(sw ? [sw] : []), ...preds, value, ...parts]);
  }
}

/** After the update: recycles the step's gradients, applies constraints and records loss and metrics. */
function finishStep(model: Model, c: CompiledState, trackers: Trackers, grads: readonly Tensor[],
  r: { value: Tensor; preds: Tensor[]; parts: Tensor[]; ys: Tensor[]; sw: Tensor | null; n: number }): void {
  // The gradients never leave this step: their buffers can hold the next step's outputs.
  backend().recycle?.(grads.map((g) => g.data));
  model.applyConstraints();
  record(c, trackers, r.ys, r.preds, r.sw, r.value, r.parts, r.n);
}

/** One evaluation step (inference mode). */
export function testStep(model: Model, xs: Tensor[], ys: Tensor[], sw: Tensor | null, trackers: Trackers): void {
  const c = requireCompiled(model, 'evaluate');
  noGrad(() => {
    const preds = model.callList(xs, { training: false, reuseIntermediates: true });
    const { total, parts } = computeLoss(model, c, ys, preds, sw);
    record(c, trackers, ys, preds, sw, total, parts, xs[0].shape[0]);
  });
}

/** Current values: { loss, <output>_loss..., metrics... } with an optional prefix ('val_'). */
export function currentLogs(model: Model, trackers: Trackers, prefix = ''): Record<string, number> {
  const c = requireCompiled(model, 'fit');
  const logs: Record<string, number> = { [`${prefix}loss`]: trackers.loss.result() };
  if (c.losses.length > 1) c.losses.forEach((l, i) => { if (l) logs[`${prefix}${model.outputNames[i]}_loss`] = trackers.outputs[i].result(); });
  for (const m of c.metrics) logs[`${prefix}${m.name}`] = m.metric.result();
  return logs;
}

export function resetMetrics(model: Model): void {
  for (const m of model.compiled?.metrics ?? []) m.metric.reset();
}

/** Metrics reset, then one `step` over one batch: [loss, ...metrics] for this batch. */
function onBatch(model: Model, x: ModelData, y: ModelData, args: BatchArgs, what: string, step: typeof trainStep): number[] {
  requireCompiled(model, what);
  const p = prepare(model, x, y, args.sampleWeight, args.classWeight);
  resetMetrics(model);
  const t = newTrackers(model);
  step(model, p.xs, p.ys, p.sw, t);
  return Object.values(currentLogs(model, t));
}

/** Keras train_on_batch (metrics reset first): [loss, ...metrics] for this batch. */
export function trainOnBatch(model: Model, x: ModelData, y: ModelData, args: BatchArgs = {}): number[] {
  return onBatch(model, x, y, args, 'trainOnBatch', trainStep);
}

/** Keras test_on_batch: [loss, ...metrics] for this batch, without training. */
export function testOnBatch(model: Model, x: ModelData, y: ModelData, args: BatchArgs = {}): number[] {
  return onBatch(model, x, y, args, 'testOnBatch', testStep);
}

/** Outputs for one batch in inference mode. */
export function predictOnBatch(model: Model, x: ModelData): Tensor | Tensor[] {
  const p = prepare(model, x, null);
  const outs = noGrad(() => model.callList(p.xs, { training: false, reuseIntermediates: true }));
  return outs.length === 1 ? outs[0] : outs;
}

/** Concatenates per-batch outputs along the batch axis. */
export function joinBatches(batches: Tensor[][]): Tensor[] {
  if (batches.length === 0) return [];
  return batches[0].map((_, i) => (batches.length === 1 ? batches[0][i] : concat(batches.map((b) => b[i]), 0)));
}

export { fit, evaluate, predict } from './loops.js';

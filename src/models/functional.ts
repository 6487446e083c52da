// Model: a functional graph of layers (Keras' Functional), itself a Layer; compile/fit/... delegate to training.ts.
import { Tensor } from '../tensor/tensor.js';
import type { Variable } from '../autograd/variable.js';
import { Layer, type CallOptions, type LayerInput, type LayerOutput } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import { formatSymbolicShape, type SymbolicShape, type SymbolicTensor } from '../layers/symbolic.js';
import { registerSerializable } from '../saving/registry.js';
import { applyLayer, buildGraph, runGraph, type Graph } from './graph.js';
import { functionalConfig, functionalFromConfig } from './config.js';
import { summaryOf, type SummaryOptions } from './summary.js';
import * as training from './training.js';
import { modelIO } from './io.js';
import type { StepTap } from './step_tap.js';
import type { CompileArgs, CompiledState, EvaluateArgs, FitArgs, PredictArgs, BatchArgs, ModelData, DataSource } from './training.js';
import { isStream } from './feeds.js';
import type { History } from '../callbacks/history.js';

export interface ModelArgs {
  inputs?: SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor>;
  outputs?: SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor>;
  name?: string;
  trainable?: boolean;
}

function toList(x: SymbolicTensor | SymbolicTensor[] | Record<string, SymbolicTensor> | undefined): SymbolicTensor[] {
  if (!x) return [];
  if (Array.isArray(x)) return x;
  if ('sourceLayer' in x) return [x as SymbolicTensor];
  return Object.values(x);
}

/**
 * A graph of layers from `Input`s to outputs (Keras' functional Model). A Model is a Layer, so it can be
 * called inside another model.
 * @example const x = Input({ shape: [4] }); const y = new layers.Dense(1).apply(x); const m = new Model({ inputs: x, outputs: y });
 */
export class Model extends Layer {
  static override readonly className: string = 'Functional';
  /** Symbolic inputs (from Input(...)), in order. */
  inputs: SymbolicTensor[] = [];
  /** Symbolic outputs, in order. */
  outputs: SymbolicTensor[] = [];
  /** Set by a callback (EarlyStopping, TerminateOnNaN...) to end fit after the current batch. */
  stopTraining = false;
  /** The History of the last fit. */
  history: History | null = null;
  /** compile()'s state: optimizer, losses, metrics and the variables it trains. @internal */
  compiled: CompiledState | null = null;
  /** Set by BackupAndRestore in onTrainBegin: the epoch fit resumes from. @internal */
  resumeEpoch: number | null = null;
  /** The batch fit trained on last (read by the GradientHealth callback). @internal */
  lastTrainBatch: { xs: Tensor[]; ys: Tensor[] } | null = null;
  /** A look inside the next training step (step_tap.ts), taken and cleared by that step. @internal */
  stepTap: StepTap | null = null;
  protected graph: Graph | null = null;
  protected singleOutput = true;

  constructor(args: ModelArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    if (args.inputs !== undefined || args.outputs !== undefined) {
      const inputs = toList(args.inputs);
      const outputs = toList(args.outputs);
      if (inputs.length === 0 || outputs.length === 0) throw new Error(`Model "${this.name}": pass both inputs and outputs (symbolic tensors from Input(...))`);
      this.singleOutput = !Array.isArray(args.outputs) && outputs.length === 1 && 'sourceLayer' in (args.outputs as object);
      this.setGraph(inputs, outputs);
    }
  }

  /** (Re)defines the graph this model runs. @internal */
  protected setGraph(inputs: SymbolicTensor[], outputs: SymbolicTensor[]): void {
    this.graph = buildGraph(inputs, outputs, `${this.className} "${this.name}"`);
    this.inputs = inputs;
    this.outputs = outputs;
    this.batchInputShape = inputs.length === 1 ? [...inputs[0].shape] : null;
    this.built = true;
  }

  /** The graph's nodes and layers (null before a deferred Sequential is built). @internal */
  get graphInfo(): Graph | null {
    return this.graph;
  }

  /**
   * The layers, in order (Keras: a functional model lists its InputLayers too; Sequential does not).
   * A subclassed model (one overriding `call`, without inputs/outputs) lists the layers held in its properties.
   */
  get layers(): Layer[] {
    if (this.graph) return [...this.graph.layers];
    const found: Layer[] = [];
    for (const v of Object.values(this)) {
      for (const item of Array.isArray(v) ? v : [v]) if (item instanceof Layer && item !== this && !found.includes(item)) found.push(item);
    }
    return found;
  }

  /** True for a subclassed model: `call` overridden and no functional graph. */
  get isSubclassed(): boolean {
    return !this.graph && this.call !== Model.prototype.call;
  }

  /** The layer with this name, or at this index of `layers`. */
  getLayer(nameOrIndex: string | number): Layer {
    const ls = this.layers;
    const layer = typeof nameOrIndex === 'number' ? ls[nameOrIndex] : ls.find((l) => l.name === nameOrIndex);
    if (!layer) throw new Error(`${this.className} "${this.name}": no layer ${typeof nameOrIndex === 'number' ? `at index ${nameOrIndex} (it has ${ls.length})` : `named "${nameOrIndex}" (layers: ${ls.map((l) => l.name).join(', ')})`}`);
    return layer;
  }

  override sublayers(): Layer[] {
    return this.layers;
  }

  /** Keras order: the model's own weights, then layer by layer, each layer's trainable weights then its non-trainable ones. */
  override get weights(): Variable[] {
    const seen = new Set<Variable>();
    const out: Variable[] = [];
    for (const v of [...this.ownWeights(), ...this.layers.flatMap((l) => l.weights)]) {
      if (!seen.has(v)) {
        seen.add(v);
        out.push(v);
      }
    }
    return out;
  }

  override get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    return [...new Set([...this.ownWeights().filter((v) => v.trainable), ...this.layers.flatMap((l) => l.trainableWeights)])];
  }

  override get nonTrainableWeights(): Variable[] {
    if (!this.trainable) return this.weights;
    return [...new Set([...this.ownWeights().filter((v) => !v.trainable), ...this.layers.flatMap((l) => l.nonTrainableWeights)])];
  }

  override countParams(): number {
    return this.weights.reduce((acc, v) => acc + v.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Builds a deferred model from the shapes of the first data it sees (Sequential without an input shape). @internal */
  ensureBuilt(_shapes: readonly (readonly number[])[]): void {
    if (!this.graph && !this.isSubclassed) throw new Error(`${this.className} "${this.name}": the model has no inputs yet`);
  }

  override build(inputShape: SymbolicShape | SymbolicShape[]): void {
    const shapes = (Array.isArray(inputShape[0]) || inputShape.length === 0 ? inputShape : [inputShape]) as SymbolicShape[];
    this.ensureBuilt(shapes.map((s) => s.map((d) => d ?? 1)));
    this.built = true;
  }

  protected override assertInputCompatible(inputShape: SymbolicShape | SymbolicShape[]): void {
    if (!this.graph) return;
    const shapes = (this.inputs.length === 1 ? [inputShape] : inputShape) as SymbolicShape[];
    if (!Array.isArray(shapes) || shapes.length !== this.inputs.length || (this.inputs.length > 1 && !Array.isArray(shapes[0]))) {
      throw new Error(`${this.className} "${this.name}": expected ${this.inputs.length} inputs, received ${Array.isArray(inputShape[0]) ? inputShape.length : 1}`);
    }
    this.inputs.forEach((t, i) => {
      const got = shapes[i];
      const ok = got.length === t.shape.length && t.shape.every((d, k) => d === null || got[k] === null || d === got[k]);
      if (!ok) {
        const first = this.firstLayerFor(t);
        throw new Error(
          `${this.className} "${this.name}": input ${i} of layer "${first.name}" expects shape ${formatSymbolicShape(t.shape)}, ` +
          `received [${got.map((d) => d ?? 'None').join(', ')}]`,
        );
      }
    });
  }

  /** Throws a clear error (naming the first layer) when data shapes do not fit the model's inputs. @internal */
  checkInputShapes(shapes: readonly (readonly number[])[]): void {
    this.assertInputCompatible(this.inputs.length === 1 ? [...shapes[0]] : shapes.map((s) => [...s]));
  }

  /** The first real layer consuming an input (for error messages). */
  private firstLayerFor(input: SymbolicTensor): Layer {
    const node = this.graph?.nodes.find((n) => n.inputs.includes(input));
    return node ? node.layer : input.sourceLayer;
  }

  /** Runs the graph on concrete tensors. */
  call(inputs: LayerInput, options: CallOptions = {}): LayerOutput {
    if (!this.graph) throw new Error(`${this.className} "${this.name}": the model has no layers to call`);
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    const outs = runGraph(this.graph, this.inputs, this.outputs, xs, options);
    return this.outputs.length === 1 && this.singleOutput ? outs[0] : outs;
  }

  /** Runs the model on a list of inputs and returns the list of outputs (used by training). @internal */
  callList(xs: Tensor[], options: CallOptions = {}): Tensor[] {
    this.ensureBuilt(xs.map((x) => x.shape));
    return applyLayer(this, xs, options);
  }

  override computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    const batch = Array.isArray(inputShape[0]) ? (inputShape[0] as SymbolicShape)[0] : (inputShape as SymbolicShape)[0];
    const shapes = this.outputs.map((t) => [batch ?? null, ...t.shape.slice(1)]);
    return shapes.length === 1 && this.singleOutput ? shapes[0] : shapes;
  }

  /** Names of the outputs (their layers' names), used for per-output losses, metrics and logs. */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.sourceLayer.name);
  }

  /** Names of the inputs (their InputLayers' names), used when x is given as an object. */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name);
  }

  /**
   * Prints Keras' table of layers, output shapes and parameter counts, and returns it.
   * @example model.summary(); const text = model.summary({ printFn: () => {} });
   */
  summary(options: SummaryOptions | ((line: string) => void) = {}): string {
    return summaryOf(this, typeof options === 'function' ? { printFn: options } : options);
  }

  /** Keras 3 functional config: layers with inbound_nodes, input_layers, output_layers. */
  override getConfig(): Record<string, unknown> {
    return functionalConfig(this);
  }

  /** Rebuilds a functional model from its config (Keras 3 or Keras 2 layout). */
  static fromConfig(config: Record<string, any>): Model {
    const { inputs, outputs, name, trainable } = functionalFromConfig(config);
    return new Model({ inputs, outputs, name, trainable });
  }

  // ---- training (implemented in training.ts) ----

  /** Configures training: optimizer, loss(es), metrics. What is trainable now is what fit will train. */
  compile(args: CompileArgs): void {
    training.compile(this, args);
  }

  /**
   * Trains for `epochs` epochs on tensors `(x, y)` or on a Dataset / async iterable of `[x, y]` batches;
   * resolves with the History (its `history` holds per-epoch logs).
   */
  fit(x: DataSource, args?: FitArgs): Promise<History>;
  fit(x: ModelData, y: ModelData, args?: FitArgs): Promise<History>;
  fit(x: ModelData | DataSource, y?: ModelData | FitArgs, args: FitArgs = {}): Promise<History> {
    if (isStream(x)) return training.fit(this, x, undefined, (y as FitArgs | undefined) ?? {});
    return training.fit(this, x, y as ModelData, args);
  }

  /** Loss then metrics over the data (Keras order): tensors `(x, y)` or a Dataset / async iterable of `[x, y]` batches. */
  evaluate(x: DataSource, args?: EvaluateArgs): Promise<number[]>;
  evaluate(x: ModelData, y: ModelData, args?: EvaluateArgs): Promise<number[]>;
  evaluate(x: ModelData | DataSource, y?: ModelData | EvaluateArgs, args: EvaluateArgs = {}): Promise<number[]> {
    if (isStream(x)) return training.evaluate(this, x, undefined, (y as EvaluateArgs | undefined) ?? {});
    return training.evaluate(this, x, y as ModelData, args);
  }

  /** Outputs for the inputs (tensors, or a Dataset / async iterable of batches), in inference mode (a Tensor[] for several outputs). */
  predict(x: ModelData | DataSource, args: PredictArgs = {}): Promise<Tensor> {
    return training.predict(this, x, args) as Promise<any>;
  }

  /** One gradient step on one batch; returns [loss, ...metrics] for that batch. */
  trainOnBatch(x: ModelData, y: ModelData, args: BatchArgs = {}): number[] {
    return training.trainOnBatch(this, x, y, args);
  }

  /** [loss, ...metrics] on one batch, without training. */
  testOnBatch(x: ModelData, y: ModelData, args: BatchArgs = {}): number[] {
    return training.testOnBatch(this, x, y, args);
  }

  /** Outputs for one batch, in inference mode (a Tensor[] for a model with several outputs). */
  predictOnBatch(x: ModelData): Tensor {
    return training.predictOnBatch(this, x) as any;
  }

  /** Saves the model (.keras / .h5 / tfjs, by extension); provided by src/saving through registerModelIO. */
  save(path: string, options?: Record<string, unknown>): Promise<void> {
    return Promise.resolve().then(() => modelIO('save')(this, path, options));
  }

  /** Saves only the weights (e.g. `.weights.h5`); provided by src/saving. */
  saveWeights(path: string): Promise<void> {
    return Promise.resolve().then(() => modelIO('saveWeights')(this, path));
  }

  /** Loads weights saved by saveWeights (or from a model file); provided by src/saving. */
  loadWeights(path: string): Promise<void> {
    return Promise.resolve().then(() => modelIO('loadWeights')(this, path));
  }

  /** The compiled optimizer (undefined before compile). */
  get optimizer(): CompiledState['optimizer'] | undefined {
    return this.compiled?.optimizer;
  }

  /** Names of the values fit logs: 'loss', per-output losses, then metrics. */
  get metricsNames(): string[] {
    return this.compiled ? training.metricsNames(this) : [];
  }
}

/** True for the model classes (used where a Layer may be a nested model). */
export function isModel(x: unknown): x is Model {
  return x instanceof Model;
}

/** The InputLayers of a model, in input order. */
export function inputLayersOf(model: Model): InputLayer[] {
  return model.inputs.map((t) => t.sourceLayer as InputLayer);
}

registerSerializable('model', Model);
registerSerializable('layer', Model);
registerSerializable('model', Model, 'Model');
registerSerializable('layer', Model, 'Model');

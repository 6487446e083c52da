// The Layer contract (Keras 3): constructor = config, build = weights, call = math, getConfig = round trip.
import { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { bumpTrainableState, Variable } from '../autograd/variable.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { toSnakeCase, uniqueName } from '../utils/naming.js';
import { GraphNode, SymbolicTensor, isSymbolic, type SymbolicShape } from './symbolic.js';

export interface LayerArgs {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
  /** Shape of one sample (no batch dimension), as Keras' input_shape. */
  inputShape?: SymbolicShape;
  /** Full input shape including the batch dimension (null = any). */
  batchInputShape?: SymbolicShape;
  batchSize?: number;
}

export interface CallOptions {
  training?: boolean;
  /**
   * @internal Inference loops (predict, evaluate) set this: a model may then reuse the buffers of intermediate
   * outputs once their last consumer has run (only outputs of layers marked by markOutputsInternal).
   */
  reuseIntermediates?: boolean;
}

const internalOutputClasses = new Set<unknown>();

/** Declares layer classes that keep no reference to the tensors they return (exact classes, not subclasses). */
export function markOutputsInternal(...classes: unknown[]): void {
  for (const c of classes) internalOutputClasses.add(c);
}

/** Whether nothing but the caller holds this layer's outputs (so a graph may recycle them once consumed). */
export function outputsAreInternal(layer: object): boolean {
  return internalOutputClasses.has(layer.constructor);
}

/** Anything a weight's initializer can be: built by src/initializers. */
export interface InitializerLike {
  apply(shape: readonly number[], dtype?: DType): Tensor;
}

/** A weight penalty (src/regularizers): a scalar tensor added to the loss. */
export interface RegularizerLike {
  apply(w: Tensor): Tensor;
}

/** A projection applied after each optimizer update (src/constraints). */
export interface ConstraintLike {
  apply(w: Tensor): Tensor;
}

export interface AddWeightOptions {
  name: string;
  shape: readonly number[];
  initializer: InitializerLike;
  trainable?: boolean;
  dtype?: DType;
  regularizer?: RegularizerLike | null;
  constraint?: ConstraintLike | null;
}

export type LayerInput = Tensor | Tensor[];
export type LayerOutput = Tensor | Tensor[];

export abstract class Layer {
  /** Keras class name (set by each subclass), used for configs and auto-naming. */
  static readonly className: string = 'Layer';

  name: string;
  built = false;
  readonly dtype: DType;
  /** Full input shape with batch dimension when the layer was given inputShape/batchInputShape. */
  batchInputShape: SymbolicShape | null;
  /** Graph nodes where this layer was called on symbolic tensors (functional API). */
  readonly inboundNodes: GraphNode[] = [];
  protected _trainable: boolean;
  private readonly _weights: Variable[] = [];
  private readonly _regularizers: { variable: Variable; regularizer: RegularizerLike }[] = [];
  private readonly _constraints = new Map<Variable, ConstraintLike>();

  constructor(args: LayerArgs = {}) {
    const cls = this.constructor as typeof Layer;
    this.name = args.name ?? uniqueName(toSnakeCase(cls.className));
    this._trainable = args.trainable ?? true;
    this.dtype = args.dtype ?? 'float32';
    this.batchInputShape = args.batchInputShape
      ? [...args.batchInputShape]
      : args.inputShape ? [args.batchSize ?? null, ...args.inputShape] : null;
  }

  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  /** When false, fit leaves every weight of this layer unchanged (and BatchNormalization runs in inference mode). */
  get trainable(): boolean {
    return this._trainable;
  }

  set trainable(value: boolean) {
    this._trainable = value;
    bumpTrainableState();
    for (const l of this.sublayers()) l.trainable = value;
  }

  /** Layers nested inside this one (models, wrappers); their weights are part of this layer's. */
  sublayers(): Layer[] {
    return [];
  }

  /** Creates the weights for inputs of `inputShape` (batch dimension included, possibly null). */
  build(_inputShape: SymbolicShape | SymbolicShape[]): void {
    this.built = true;
  }

  /** The maths, on concrete tensors. */
  abstract call(inputs: LayerInput, options: CallOptions): LayerOutput;

  /** Output shape for an input shape (default: unchanged). */
  computeOutputShape(inputShape: SymbolicShape | SymbolicShape[]): SymbolicShape | SymbolicShape[] {
    return inputShape;
  }

  /** Checks an input shape before building/calling; throw errors naming the layer. */
  protected assertInputCompatible(_inputShape: SymbolicShape | SymbolicShape[]): void {}

  /**
   * Keras' __call__: eager on concrete tensors, symbolic (functional graph) on Input(...) tensors.
   * @example new layers.Dense(3).apply(tensor([[1, 2]]))
   */
  apply(inputs: Tensor, options?: CallOptions): Tensor;
  apply(inputs: SymbolicTensor, options?: CallOptions): SymbolicTensor;
  apply(inputs: Tensor[], options?: CallOptions): LayerOutput;
  apply(inputs: SymbolicTensor[], options?: CallOptions): SymbolicTensor | SymbolicTensor[];
  apply(inputs: LayerInput | SymbolicTensor | SymbolicTensor[], options: CallOptions = {}): any {
    if (isSymbolic(inputs)) return this.applySymbolic(inputs, options);
    const xs = inputs as LayerInput;
    const shape = Array.isArray(xs) ? xs.map((t) => t.shape) : xs.shape;
    this.assertInputCompatible(shape);
    this.maybeBuild(shape);
    return this.call(xs, options);
  }

  protected maybeBuild(shape: SymbolicShape | SymbolicShape[]): void {
    if (!this.built) {
      this.build(shape);
      this.built = true;
    }
  }

  private applySymbolic(inputs: SymbolicTensor | SymbolicTensor[], options: CallOptions): SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const shape = Array.isArray(inputs) ? list.map((t) => t.shape) : list[0].shape;
    this.assertInputCompatible(shape);
    this.maybeBuild(shape);
    const outShape = this.computeOutputShape(shape);
    const node = new GraphNode(this, list, options.training === undefined ? {} : { training: options.training });
    this.inboundNodes.push(node);
    const multi = Array.isArray(outShape[0]);
    const shapes = (multi ? outShape : [outShape]) as SymbolicShape[];
    node.outputs = shapes.map((s, i) => new SymbolicTensor(s, this.dtype, this, node, i, `${this.name}/output_${i}`));
    return multi ? node.outputs : node.outputs[0];
  }

  /** Creates and tracks a weight (Keras add_weight). */
  addWeight(options: AddWeightOptions): Variable {
    const dtype = options.dtype ?? this.dtype;
    const value = options.initializer.apply(options.shape, dtype);
    if (!shapesEqual(value.shape, options.shape)) {
      throw new Error(`${this.className} "${this.name}": initializer for ${options.name} returned shape ${formatShape(value.shape)}, expected ${formatShape(options.shape)}`);
    }
    const v = new Variable(value, { name: `${this.name}/${options.name}`, trainable: options.trainable ?? true, dtype });
    this._weights.push(v);
    bumpTrainableState();
    if (options.regularizer) this._regularizers.push({ variable: v, regularizer: options.regularizer });
    if (options.constraint) this._constraints.set(v, options.constraint);
    return v;
  }

  /** Own weights in creation order (sublayers' excluded). */
  protected ownWeights(): Variable[] {
    return this._weights;
  }

  /** Weights that fit updates: none when the layer is frozen. Order: creation order, sublayers after. */
  get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    return [...this._weights.filter((v) => v.trainable), ...this.sublayers().flatMap((l) => l.trainableWeights)];
  }

  /** Weights fit does not update (moving statistics; everything when frozen). */
  get nonTrainableWeights(): Variable[] {
    if (!this.trainable) return [...this._weights, ...this.sublayers().flatMap((l) => l.weights)];
    return [...this._weights.filter((v) => !v.trainable), ...this.sublayers().flatMap((l) => l.nonTrainableWeights)];
  }

  /** Keras order: trainable weights, then non-trainable. */
  get weights(): Variable[] {
    if (!this.trainable) return this.nonTrainableWeights;
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** Copies of the weight values, in `weights` order. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => v.read());
  }

  /** Sets weight values in `weights` order; shapes must match. */
  setWeights(values: readonly Tensor[]): void {
    const ws = this.weights;
    if (values.length !== ws.length) {
      throw new Error(`${this.className} "${this.name}": setWeights expected ${ws.length} arrays, received ${values.length}`);
    }
    ws.forEach((v, i) => {
      if (!shapesEqual(values[i].shape, v.shape)) {
        throw new Error(`${this.className} "${this.name}": weight ${v.name} expects shape ${formatShape(v.shape)}, received ${formatShape(values[i].shape)}`);
      }
      v.assign(values[i]);
    });
  }

  countParams(): number {
    return this.weights.reduce((acc, v) => acc + v.shape.reduce((a, b) => a * b, 1), 0);
  }

  /** Regularization penalties of this layer's (and sublayers') weights, to add to the loss. */
  regularizationLosses(): Tensor[] {
    if (!this.trainable) return [];
    return [
      ...this._regularizers.map(({ variable, regularizer }) => regularizer.apply(variable.value)),
      ...this.sublayers().flatMap((l) => l.regularizationLosses()),
    ];
  }

  /** Projects weights through their constraints (called after each optimizer update). */
  applyConstraints(): void {
    for (const [v, c] of this._constraints) v.assign(c.apply(v.value));
    for (const l of this.sublayers()) l.applyConstraints();
  }

  /** The constraint attached to a weight, if any (optimizers apply it after updating). */
  constraintOf(v: Variable): ConstraintLike | undefined {
    return this._constraints.get(v);
  }

  /** Keras config with snake_case keys; subclasses extend it. */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype };
    if (this.batchInputShape) config.batch_input_shape = [...this.batchInputShape];
    return config;
  }

  /** Shared constructor arguments from a Keras config (name, trainable, dtype, batch_input_shape / batch_shape). */
  static baseArgs(config: Record<string, any>): LayerArgs {
    const args: LayerArgs = {};
    if (typeof config.name === 'string') args.name = config.name;
    if (typeof config.trainable === 'boolean') args.trainable = config.trainable;
    const shape = config.batch_input_shape ?? config.batch_shape;
    if (Array.isArray(shape)) args.batchInputShape = shape;
    return args;
  }

  toString(): string {
    return `${this.className}(name=${this.name})`;
  }
}

/** Formats `Layer "name": message` for errors (STYLE.md rule 9). */
export function layerError(layer: Layer, message: string): Error {
  return new Error(`${layer.className} "${layer.name}": ${message}`);
}

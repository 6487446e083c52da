// Sequential: a linear stack of layers; builds its graph as soon as the input shape is known.
import { bumpTrainableState } from '../autograd/variable.js';
import { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import { SymbolicTensor, type SymbolicShape } from '../layers/symbolic.js';
import { registerSerializable } from '../saving/registry.js';
import { Model } from './functional.js';
import { deserializeLayer, serializeLayer } from './config.js';

export interface SequentialArgs {
  name?: string;
  trainable?: boolean;
}

/**
 * A stack of layers, each feeding the next. `layers` holds the very instances passed in, so
 * `new Sequential(modelA.layers.slice(0, -1))` shares model A's layers (and weights), as in Keras.
 * @example const m = new Sequential([new layers.Dense(3, { inputShape: [4] }), new layers.Dense(1)]);
 */
export class Sequential extends Model {
  static override readonly className: string = 'Sequential';
  private stack: Layer[] = [];
  private inputLayer: InputLayer | null = null;

  constructor(layers: (Layer | SymbolicTensor)[] = [], args: SequentialArgs = {}) {
    super({ name: args.name, trainable: args.trainable });
    for (const l of layers) this.add(l);
  }

  /** The layers, without the InputLayer (as in Keras). */
  override get layers(): Layer[] {
    return [...this.stack];
  }

  /** Appends a layer (or an Input(...) / InputLayer to fix the input shape) and extends the graph. */
  add(layer: Layer | SymbolicTensor): void {
    if (layer instanceof SymbolicTensor) {
      if (!(layer.sourceLayer instanceof InputLayer)) throw new Error(`Sequential "${this.name}": add() takes a layer or an Input(...), received the output of layer "${layer.sourceLayer.name}"`);
      layer = layer.sourceLayer;
    }
    if (!(layer instanceof Layer)) throw new Error(`Sequential "${this.name}": add() expects a Layer instance, received ${String(layer)}`);
    if (layer instanceof InputLayer) {
      if (this.stack.length > 0 || this.inputLayer) throw new Error(`Sequential "${this.name}": an InputLayer can only be the first layer`);
      this.inputLayer = layer;
      return;
    }
    if (this.stack.includes(layer)) throw new Error(`Sequential "${this.name}": layer "${layer.name}" is already in the model`);
    this.stack.push(layer);
    bumpTrainableState();
    try {
      if (this.graph) this.extend(layer);
      else this.rebuild();
    } catch (e) {
      this.stack.pop();
      throw e;
    }
  }

  /** Removes the last layer. */
  pop(): Layer {
    const layer = this.stack.pop();
    if (!layer) throw new Error(`Sequential "${this.name}": there is no layer to pop`);
    bumpTrainableState();
    this.rebuild();
    return layer;
  }

  private extend(layer: Layer): void {
    const out = layer.apply(this.outputs[0]);
    if (Array.isArray(out)) throw new Error(`Sequential "${this.name}": layer "${layer.name}" returns ${out.length} outputs; every layer of a Sequential must have exactly one`);
    this.setGraph(this.inputs, [out]);
  }

  /** Rebuilds the graph from the input shape (the InputLayer or the first layer's inputShape). */
  private rebuild(shape?: SymbolicShape): void {
    this.graph = null;
    this.inputs = [];
    this.outputs = [];
    this.built = false;
    if (this.stack.length === 0) return;
    if (!this.inputLayer) {
      const batchShape = shape ?? this.stack[0].batchInputShape;
      if (!batchShape) return;
      this.inputLayer = new InputLayer({ batchShape, dtype: this.stack[0].dtype });
    }
    let x: SymbolicTensor = this.inputLayer.output;
    for (const layer of this.stack) {
      const out = layer.apply(x);
      if (Array.isArray(out)) throw new Error(`Sequential "${this.name}": layer "${layer.name}" returns ${out.length} outputs; every layer of a Sequential must have exactly one`);
      x = out;
    }
    this.setGraph([this.inputLayer.output], [x]);
  }

  /** Builds a model whose first layer had no input shape, from the first data's shape (batch dimension left free). */
  override ensureBuilt(shapes: readonly (readonly number[])[]): void {
    if (this.graph) return;
    if (this.stack.length === 0) throw new Error(`Sequential "${this.name}": the model has no layers; add some before using it`);
    if (shapes.length !== 1) throw new Error(`Sequential "${this.name}": expects one input, received ${shapes.length}`);
    this.rebuild([null, ...shapes[0].slice(1)]);
  }

  /** Keras 3 Sequential config: {name, trainable, dtype, layers: [InputLayer, ...], build_input_shape}. */
  override getConfig(): Record<string, unknown> {
    const layers: Record<string, unknown>[] = [];
    if (this.inputLayer && this.graph) layers.push(serializeLayer(this.inputLayer));
    for (const l of this.stack) layers.push(serializeLayer(l, this.graph ? inputShapeOf(this, l) : null));
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable, dtype: this.dtype, layers };
    if (this.inputLayer && this.graph) config.build_input_shape = [...this.inputLayer.batchInputShape!];
    return config;
  }

  /** Reads Keras 3 and Keras 2 (`batch_input_shape` in the first layer, or a bare list of layers) configs. */
  static override fromConfig(config: Record<string, any> | Record<string, any>[]): Sequential {
    const layerConfigs: Record<string, any>[] = Array.isArray(config) ? config : config.layers;
    if (!Array.isArray(layerConfigs)) throw new Error('Sequential.fromConfig: expected a config with a "layers" list');
    const c = Array.isArray(config) ? {} : config;
    const model = new Sequential([], { name: typeof c.name === 'string' ? c.name : undefined, trainable: typeof c.trainable === 'boolean' ? c.trainable : undefined });
    for (const entry of layerConfigs) model.add(deserializeLayer(entry));
    if (!model.graph && Array.isArray(c.build_input_shape) && model.stack.length > 0) model.rebuild(c.build_input_shape);
    return model;
  }
}

/** The input shape a layer receives in this model's graph (Keras' build_config input_shape). */
export function inputShapeOf(model: Model, layer: Layer): SymbolicShape | SymbolicShape[] | null {
  const node = model.graphInfo?.nodes.find((n) => n.layer === layer);
  if (!node || node.inputs.length === 0) return null;
  return node.inputs.length === 1 ? [...node.inputs[0].shape] : node.inputs.map((t) => [...t.shape]);
}

registerSerializable('model', Sequential);
registerSerializable('layer', Sequential);

// InputLayer and Input(): the entry of a functional graph (and the first entry of a Sequential config).
import type { Tensor } from '../tensor/tensor.js';
import type { DType } from '../tensor/dtype.js';
import { Layer, type LayerArgs } from './layer.js';
import { GraphNode, SymbolicTensor, type SymbolicShape } from './symbolic.js';
import { registerSerializable } from '../saving/registry.js';

export interface InputLayerArgs extends LayerArgs {
  /** Shape of one sample, without the batch dimension. */
  shape?: SymbolicShape;
  batchShape?: SymbolicShape;
  sparse?: boolean;
}

export class InputLayer extends Layer {
  static override readonly className = 'InputLayer';
  readonly output: SymbolicTensor;

  constructor(args: InputLayerArgs = {}) {
    const batchShape = args.batchShape ?? args.batchInputShape ?? (args.shape ?? args.inputShape ? [args.batchSize ?? null, ...(args.shape ?? args.inputShape)!] : null);
    if (!batchShape) throw new Error('InputLayer: pass shape (one sample) or batchShape');
    super({ ...args, batchInputShape: batchShape });
    this.built = true;
    const node = new GraphNode(this, []);
    this.inboundNodes.push(node);
    this.output = new SymbolicTensor([...batchShape], this.dtype, this, node, 0, this.name);
    node.outputs = [this.output];
  }

  call(inputs: Tensor | Tensor[]): Tensor | Tensor[] {
    return inputs;
  }

  override getConfig(): Record<string, unknown> {
    return { batch_shape: this.batchInputShape, dtype: this.dtype, sparse: false, name: this.name };
  }

  static fromConfig(config: Record<string, any>): InputLayer {
    return new InputLayer({
      name: config.name,
      dtype: config.dtype && typeof config.dtype === 'string' ? (config.dtype as DType) : undefined,
      batchShape: config.batch_shape ?? config.batch_input_shape,
    });
  }
}
registerSerializable('layer', InputLayer);

export interface InputArgs { shape?: SymbolicShape; batchShape?: SymbolicShape; batchSize?: number; name?: string; dtype?: DType }

/** Input(...) called as a function (Keras) or with `new` (as in `new layers.Input({ shape })` inside a Sequential list). */
export interface InputFunction {
  (args: InputArgs): SymbolicTensor;
  new (args: InputArgs): SymbolicTensor;
}

/**
 * A symbolic input for the functional API.
 * @example const x = Input({ shape: [28, 28] }); const y = new layers.Flatten().apply(x);
 */
export const Input = function Input(args: InputArgs): SymbolicTensor {
  return new InputLayer(args).output;
} as InputFunction;

// Symbolic tensors and graph nodes: what calling a layer on Input(...) builds for the functional API.
import type { DType } from '../tensor/dtype.js';
import type { Layer } from './layer.js';

/** A shape whose batch (or other) dimensions may be unknown. */
export type SymbolicShape = (number | null)[];

let nextSymbolicId = 1;

/** A placeholder flowing through a functional graph: shape, dtype and the layer call that produced it. */
export class SymbolicTensor {
  readonly id = nextSymbolicId++;
  constructor(
    readonly shape: SymbolicShape,
    readonly dtype: DType,
    /** The layer whose call produced this tensor. */
    readonly sourceLayer: Layer,
    /** The node (call) of sourceLayer that produced it. */
    readonly node: GraphNode,
    /** Which output of that call. */
    readonly outputIndex: number,
    readonly name: string,
  ) {}

  get rank(): number {
    return this.shape.length;
  }
}

/** One call of a layer in a graph: its symbolic inputs and outputs and the call's keyword arguments. */
export class GraphNode {
  outputs: SymbolicTensor[] = [];
  constructor(
    readonly layer: Layer,
    readonly inputs: SymbolicTensor[],
    readonly callArgs: Record<string, unknown> = {},
  ) {}
}

export function isSymbolic(x: unknown): x is SymbolicTensor | SymbolicTensor[] {
  return x instanceof SymbolicTensor || (Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof SymbolicTensor));
}

export function formatSymbolicShape(shape: SymbolicShape): string {
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}${shape.length === 1 ? ',' : ''})`;
}

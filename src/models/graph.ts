// Functional graphs: collecting the nodes between inputs and outputs in topological order, and running them.
import { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { cast, concat } from '../ops/index.js';
import { backend } from '../backend/registry.js';
import { storageKey } from '../backend/storage_key.js';
import { isRecording } from '../autograd/tape.js';
import type { TypedArray } from '../tensor/dtype.js';
import { outputsAreInternal, type CallOptions, type Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import { rowBlockPlan, type RowBlockPlan } from './row_blocks.js';
import type { GraphNode, SymbolicTensor } from '../layers/symbolic.js';

/** The part of a functional graph a model owns: its nodes in execution order and its layers. */
export interface Graph {
  /** Every node between the inputs and the outputs, in topological order (InputLayer nodes first). */
  nodes: GraphNode[];
  /** Unique layers in order of first use (InputLayers first). */
  layers: Layer[];
}

/** Walks back from `outputs` to `inputs`; throws when an output depends on a tensor that is not an input. */
export function buildGraph(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[], owner: string): Graph {
  const inputIds = new Set(inputs.map((t) => t.id));
  for (const t of inputs) {
    if (!(t.sourceLayer instanceof InputLayer)) {
      throw new Error(`${owner}: model inputs must come from Input(...) (an InputLayer), received the output of ${t.sourceLayer.className} "${t.sourceLayer.name}"`);
    }
  }
  const order: GraphNode[] = [];
  const done = new Set<GraphNode>();
  const active = new Set<GraphNode>();
  const visit = (node: GraphNode, via: SymbolicTensor): void => {
    if (done.has(node)) return;
    if (active.has(node)) throw new Error(`${owner}: the graph has a cycle through layer "${node.layer.name}"`);
    if (node.inputs.length === 0 && !inputIds.has(via.id)) {
      throw new Error(
        `${owner}: graph disconnected: cannot obtain tensor "${via.name}" of layer "${node.layer.name}" from the model inputs ` +
        `[${inputs.map((t) => t.sourceLayer.name).join(', ')}]`,
      );
    }
    active.add(node);
    for (const t of node.inputs) if (!inputIds.has(t.id)) visit(t.node, t);
    active.delete(node);
    done.add(node);
    order.push(node);
  };
  for (const t of outputs) {
    if (inputIds.has(t.id)) continue;
    visit(t.node, t);
  }
  const inputNodes = inputs.map((t) => t.node);
  const nodes = [...inputNodes, ...order.filter((n) => !inputNodes.includes(n))];
  const layers: Layer[] = [];
  for (const n of nodes) if (!layers.includes(n.layer)) layers.push(n.layer);
  return { nodes, layers };
}

/** Calls a layer on one tensor or a list (a list of one is passed as the tensor), returning a list. */
export function applyLayer(layer: Layer, xs: Tensor[], options: CallOptions): Tensor[] {
  const out = (layer.apply as (x: Tensor | Tensor[], o: CallOptions) => Tensor | Tensor[])(xs.length === 1 ? xs[0] : xs, options);
  return Array.isArray(out) ? out : [out];
}

/** Calls a layer on symbolic tensors (functional API); `list` passes a list even of one tensor. */
export function applySymbolic(layer: Layer, xs: SymbolicTensor[], options: CallOptions, list = xs.length > 1): SymbolicTensor[] {
  const out = (layer.apply as (x: SymbolicTensor | SymbolicTensor[], o: CallOptions) => SymbolicTensor | SymbolicTensor[])(list ? xs : xs[0], options);
  return Array.isArray(out) ? out : [out];
}

/** Sees each graph node's outputs as a graph runs (diagnostics record layer outputs this way). */
export type NodeObserver = (node: GraphNode, outputs: readonly Tensor[]) => void;

let observer: NodeObserver | null = null;

/** Runs `fn` with `observe` called after every graph node that runs inside it (nested models' nodes included). */
export function observingGraphs<T>(observe: NodeObserver, fn: () => T): T {
  const previous = observer;
  observer = observe;
  try {
    return fn();
  } finally {
    observer = previous;
  }
}

/** Runs a graph on concrete tensors (non-float inputs are cast to their InputLayer's dtype, as Keras does). */
export function runGraph(
  graph: Graph,
  inputs: readonly SymbolicTensor[],
  outputs: readonly SymbolicTensor[],
  values: readonly Tensor[],
  options: CallOptions,
): Tensor[] {
  const env = new Map<number, Tensor>();
  inputs.forEach((t, i) => {
    const v = values[i];
    env.set(t.id, !isFloat(v.dtype) && isFloat(t.dtype) ? cast(v, t.dtype) : v);
  });
  const inference = options.reuseIntermediates === true && !isRecording();
  const n = values[0]?.shape[0];
  const plan = inference && n !== undefined && values.every((v) => v.rank > 0 && v.shape[0] === n) ? rowBlockPlan(graph, outputs, n) : null;
  const keep = new Set(outputs.map((t) => t.id));
  const reuse = inference && backend().recycle ? new BufferReuse(graph, keep, env) : null;
  if (plan) runInRowBlocks(graph, plan, env, keep, options, reuse);
  runNodes(graph, plan?.end ?? 0, env, options, reuse);
  return outputs.map((t) => {
    const v = env.get(t.id);
    if (!v) throw new Error(`output tensor "${t.name}" was not computed`);
    return v;
  });
}

/** Runs nodes [from, end) of a graph over `env` (node indices are the graph's, as BufferReuse counts them). */
function runNodes(graph: Graph, from: number, env: Map<number, Tensor>, options: CallOptions, reuse: BufferReuse | null, end = graph.nodes.length): void {
  for (let k = from; k < end; k++) {
    const node = graph.nodes[k];
    if (node.inputs.length === 0) continue;
    const args = node.inputs.map((t) => {
      const v = env.get(t.id);
      if (!v) throw new Error(`layer "${node.layer.name}": input tensor "${t.name}" was not computed`);
      return v;
    });
    const callOptions: CallOptions = { ...options };
    if (typeof node.callArgs.training === 'boolean') callOptions.training = node.callArgs.training;
    const outs = applyLayer(node.layer, args, callOptions);
    observer?.(node, outs);
    node.outputs.forEach((t, i) => {
      env.set(t.id, outs[i]);
      reuse?.produced(outs[i], outputsAreInternal(node.layer));
    });
    reuse?.consumed(node.inputs, k);
  }
}

/**
 * Runs the plan's leading nodes on views of `plan.rows` rows of the inputs at a time, each block with its own buffer
 * reuse, then joins each boundary tensor's blocks into `env` (and hands the blocks back).
 */
function runInRowBlocks(graph: Graph, plan: RowBlockPlan, env: Map<number, Tensor>, keep: Set<number>, options: CallOptions, reuse: BufferReuse | null): void {
  const inputs = [...env.entries()];
  const n = inputs[0][1].shape[0];
  const blockKeep = new Set([...keep, ...plan.boundary]);
  const inputKeys = new Set(inputs.map(([, v]) => storageKey(v.data)));
  const parts: Tensor[][] = plan.boundary.map(() => []);
  for (let r0 = 0; r0 < n; r0 += plan.rows) {
    const r1 = Math.min(n, r0 + plan.rows);
    const blockEnv = new Map<number, Tensor>();
    for (const [id, v] of inputs) {
      const size = v.size / n;
      blockEnv.set(id, new Tensor(v.data.subarray(r0 * size, r1 * size), [r1 - r0, ...v.shape.slice(1)], v.dtype));
    }
    runNodes(graph, 0, blockEnv, options, reuse ? new BufferReuse(graph, blockKeep, blockEnv) : null, plan.end);
    plan.boundary.forEach((id, i) => parts[i].push(blockEnv.get(id)!));
  }
  plan.boundary.forEach((id, i) => {
    const joined = concat(parts[i], 0);
    env.set(id, joined);
    reuse?.produced(joined, true);
    // NOTE: the blocks' boundary tensors came from built-in layers (the plan's condition) and nothing else holds them,
    // unless one is a view of an input.
    if (reuse) backend().recycle?.(parts[i].filter((p) => !inputKeys.has(storageKey(p.data))).map((p) => p.data));
  });
}

/** The node index after which each tensor of a graph is no longer read (cached per graph). */
const lastUses = new WeakMap<Graph, Map<number, number>>();

function lastUseOf(graph: Graph): Map<number, number> {
  let m = lastUses.get(graph);
  if (!m) {
    m = new Map();
    graph.nodes.forEach((node, k) => { for (const t of node.inputs) m!.set(t.id, k); });
    lastUses.set(graph, m);
  }
  return m;
}

/**
 * Inference-time buffer reuse inside one graph run: a buffer goes back to the backend when every tensor of the run
 * that uses it has had its last consumer, none of them is a model input or output, and each was returned by a layer
 * that keeps no reference to its outputs (views such as Flatten's share a buffer, hence the per-buffer counts).
 */
class BufferReuse {
  private readonly live = new Map<object, number>();
  private readonly pinned = new Set<object>();
  private readonly last: Map<number, number>;

  constructor(graph: Graph, private readonly keep: Set<number>, private readonly env: Map<number, Tensor>) {
    this.last = lastUseOf(graph);
    for (const v of env.values()) this.pinned.add(storageKey(v.data));
  }

  produced(v: Tensor, internal: boolean): void {
    const b = storageKey(v.data);
    if (!internal) this.pinned.add(b);
    this.live.set(b, (this.live.get(b) ?? 0) + 1);
  }

  consumed(inputs: readonly SymbolicTensor[], k: number): void {
    const dead: TypedArray[] = [];
    for (const t of new Set(inputs)) {
      if (this.last.get(t.id) !== k || this.keep.has(t.id)) continue;
      const v = this.env.get(t.id);
      if (!v) continue;
      this.env.delete(t.id);
      const b = storageKey(v.data);
      const n = (this.live.get(b) ?? 1) - 1;
      this.live.set(b, n);
      if (n === 0 && !this.pinned.has(b)) dead.push(v.data);
    }
    if (dead.length > 0) backend().recycle?.(dead);
  }
}
// Inference in row blocks: which leading part of a graph runs a large batch block by block, so that its feature maps
// stay in cache instead of going layer by layer through memory (W4 predict at batch 1024: 2.2x).
import { outputsAreInternal } from '../layers/layer.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import type { Graph } from './graph.js';

/**
 * Floats of the widest activation of one row block (2 MB; 1 to 4 MB measured alike on W4, 8 MB and more slower).
 * LAYERWISE_INFERENCE_BLOCK_FLOATS overrides it (for measurements; a huge value turns row blocks off).
 */
let blockFloats = Number(globalThis.process?.env?.LAYERWISE_INFERENCE_BLOCK_FLOATS ?? 1 << 19) || 1 << 19;

/** @internal For tests and measurements: sets the block budget in floats; returns the previous one. */
export function setInferenceBlockFloats(floats: number): number {
  const was = blockFloats;
  blockFloats = floats;
  return was;
}

/** The plan for one inference run: nodes [0, end) run in blocks of `rows` rows; `boundary` are joined after them. */
export interface RowBlockPlan {
  end: number;
  rows: number;
  /** Tensors the blocks produce that later nodes or the model's outputs read (ids, in a stable order). */
  boundary: number[];
}

const plans = new WeakMap<Graph, Map<string, RowBlockPlan | null>>();

/**
 * The row-block plan of an inference run of `n` rows, or null to run the batch whole. The blocked part is every node
 * up to the last one that reads or writes a feature map (rank >= 3: convolutions, pooling, up to the Flatten); the
 * dense layers after it run on the whole batch (blocks would repack their weights each time). Only layers that treat
 * samples independently in inference are blocked: built-in layers not called with training=true.
 */
export function rowBlockPlan(graph: Graph, outputs: readonly SymbolicTensor[], n: number): RowBlockPlan | null {
  let byN = plans.get(graph);
  if (!byN) plans.set(graph, (byN = new Map()));
  const key = `${n} ${blockFloats}`;
  if (!byN.has(key)) byN.set(key, plan(graph, outputs, n));
  return byN.get(key)!;
}

const isFeatureMap = (t: SymbolicTensor): boolean => t.shape.length >= 3;
const perRow = (t: SymbolicTensor): number | null =>
  t.shape.slice(1).reduce<number | null>((a, d) => (a === null || d === null ? null : a * d), 1);

function plan(graph: Graph, outputs: readonly SymbolicTensor[], n: number): RowBlockPlan | null {
  if (n < 2) return null;
  let end = 0;
  let maps = false;
  graph.nodes.forEach((node, k) => {
    if (node.inputs.length === 0) return;
    if (node.outputs.some(isFeatureMap)) maps = true;
    if (node.inputs.some(isFeatureMap) || node.outputs.some(isFeatureMap)) end = k + 1;
  });
  // Only a Flatten of image inputs (an MLP): nothing worth blocking.
  if (!maps) return null;
  let widest = 0;
  const produced = new Set<number>();
  for (const node of graph.nodes.slice(0, end)) {
    if (node.inputs.length === 0) continue;
    if (!outputsAreInternal(node.layer) || node.callArgs.training === true) return null;
    for (const t of node.outputs) {
      const size = perRow(t);
      if (size === null || (t.shape[0] !== null && t.shape[0] !== n)) return null;
      widest = Math.max(widest, size);
      produced.add(t.id);
    }
  }
  const rows = Math.max(1, Math.floor(blockFloats / Math.max(1, widest)));
  if (rows >= n) return null;
  const read = new Set<number>(outputs.map((t) => t.id));
  for (const node of graph.nodes.slice(end)) for (const t of node.inputs) read.add(t.id);
  const boundary = [...produced].filter((id) => read.has(id));
  return { end, rows, boundary };
}

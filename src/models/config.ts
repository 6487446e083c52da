// Model configs: Keras 3 layer entries ({module, class_name, config, registered_name, build_config}),
// functional graphs (inbound_nodes, input_layers, output_layers), read back from Keras 3 or Keras 2 layouts.
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import type { SymbolicShape, SymbolicTensor } from '../layers/symbolic.js';
import { lookupSerializable, registeredNames } from '../saving/registry.js';
import type { Model } from './functional.js';
import { applySymbolic } from './graph.js';

/** A serialized layer as Keras 3 writes it. */
export interface LayerEntry {
  [key: string]: unknown;
  module: string;
  class_name: string;
  config: Record<string, unknown>;
  registered_name: string | null;
  build_config?: { input_shape: SymbolicShape | SymbolicShape[] };
  name?: string;
  inbound_nodes?: unknown[];
}

function moduleOf(className: string): string {
  if (className === 'Sequential') return 'keras';
  if (className === 'Functional') return 'keras.src.models.functional';
  return 'keras.layers';
}

/** `{module, class_name, config, registered_name[, build_config]}` for one layer. */
export function serializeLayer(layer: Layer, inputShape: SymbolicShape | SymbolicShape[] | null = null): LayerEntry {
  const className = layer.className;
  const builtIn = lookupSerializable('layer', className) === (layer.constructor as any);
  const entry: LayerEntry = {
    module: moduleOf(className),
    class_name: className,
    config: layer.getConfig(),
    registered_name: builtIn || className === 'InputLayer' ? (className === 'Functional' ? 'Functional' : null) : className,
  };
  if (inputShape && !(layer instanceof InputLayer)) entry.build_config = { input_shape: inputShape };
  return entry;
}

/** A layer from a Keras 3 entry or a Keras 2 `{class_name, config}` entry, through the registry. */
export function deserializeLayer(entry: Record<string, any>): Layer {
  const className: string | undefined = entry?.class_name;
  if (typeof className !== 'string') throw new Error(`deserializeLayer: expected {class_name, config}, received ${JSON.stringify(entry)?.slice(0, 200)}`);
  const cls = lookupSerializable('layer', className) ?? (entry.registered_name ? lookupSerializable('layer', entry.registered_name) : undefined);
  if (!cls) {
    throw new Error(
      `Unknown layer class "${className}": register it with registerSerializable('layer', cls) ` +
      `(known: ${registeredNames('layer').sort().join(', ')})`,
    );
  }
  return cls.fromConfig(entry.config ?? {}) as Layer;
}

type History = [string, number, number];

/** Keras 3 functional config of a model. */
export function functionalConfig(model: Model): Record<string, unknown> {
  const graph = model.graphInfo;
  if (!graph) throw new Error(`${model.className} "${model.name}": the model is not built, it has no config yet`);
  const nodeIndex = new Map<unknown, number>();
  const perLayer = new Map<Layer, number>();
  for (const node of graph.nodes) {
    const k = perLayer.get(node.layer) ?? 0;
    nodeIndex.set(node, k);
    perLayer.set(node.layer, k + 1);
  }
  const history = (t: SymbolicTensor): History => [t.sourceLayer.name, nodeIndex.get(t.node) ?? 0, t.outputIndex];
  const kerasTensor = (t: SymbolicTensor) => ({ class_name: '__keras_tensor__', config: { shape: [...t.shape], dtype: t.dtype, keras_history: history(t) } });
  const layers = graph.layers.map((layer) => {
    const nodes = graph.nodes.filter((n) => n.layer === layer && n.inputs.length > 0);
    const first = nodes[0];
    const inputShape = first ? (first.inputs.length === 1 ? [...first.inputs[0].shape] : first.inputs.map((t) => [...t.shape])) : null;
    const entry = serializeLayer(layer, inputShape);
    entry.name = layer.name;
    entry.inbound_nodes = nodes.map((n) => ({
      args: n.inputs.length === 1 ? [kerasTensor(n.inputs[0])] : [n.inputs.map(kerasTensor)],
      kwargs: { ...n.callArgs },
    }));
    return entry;
  });
  return {
    name: model.name,
    trainable: model.trainable,
    layers,
    input_layers: model.inputs.map(history),
    output_layers: model.outputs.map(history),
  };
}

function isHistory(x: unknown): x is History {
  return Array.isArray(x) && typeof x[0] === 'string' && typeof x[1] === 'number';
}

/** Parses one inbound node (Keras 3 {args, kwargs} or Keras 2 [[name, node, tensor, kwargs], ...]). */
function parseNode(node: any): { refs: History[]; list: boolean; kwargs: Record<string, unknown> } {
  if (Array.isArray(node)) {
    const refs = node.map((r: any[]) => [r[0], r[1], r[2]] as History);
    const kwargs = (node[0]?.[3] ?? {}) as Record<string, unknown>;
    return { refs, list: refs.length > 1, kwargs };
  }
  const args: unknown[] = node?.args ?? [];
  const refOf = (a: any): History | null => (a && a.class_name === '__keras_tensor__' ? (a.config.keras_history as History) : isHistory(a) ? a : null);
  const first = args[0];
  if (Array.isArray(first) && !isHistory(first)) {
    return { refs: first.map((a) => refOf(a)!).filter(Boolean), list: true, kwargs: node.kwargs ?? {} };
  }
  const refs = args.map(refOf).filter((r): r is History => r !== null);
  return { refs, list: refs.length > 1, kwargs: node.kwargs ?? {} };
}

/** Rebuilds the layers and graph a functional config describes. */
export function functionalFromConfig(config: Record<string, any>): { inputs: SymbolicTensor[]; outputs: SymbolicTensor[]; name?: string; trainable?: boolean } {
  const entries: Record<string, any>[] = config.layers ?? [];
  const byName = new Map<string, Layer>();
  const created = new Map<string, SymbolicTensor[][]>();
  const pending: { layer: Layer; node: any }[] = [];
  for (const entry of entries) {
    const layer = deserializeLayer(entry);
    const name: string = entry.name ?? entry.config?.name ?? layer.name;
    byName.set(name, layer);
    if (layer instanceof InputLayer) created.set(name, [[layer.output]]);
    else for (const node of entry.inbound_nodes ?? []) pending.push({ layer, node });
  }
  const lookup = ([name, ni, ti]: History): SymbolicTensor | undefined => created.get(name)?.[ni]?.[ti];
  let progress = true;
  while (pending.length > 0 && progress) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const { layer, node } = pending[i];
      const { refs, list, kwargs } = parseNode(node);
      const inputs = refs.map(lookup);
      if (inputs.some((t) => !t)) continue;
      // Nodes of one layer must be created in order.
      const earlier = pending.slice(0, i).some((p) => p.layer === layer);
      if (earlier) continue;
      const options = typeof kwargs.training === 'boolean' ? { training: kwargs.training } : {};
      const ts = inputs as SymbolicTensor[];
      const outs = applySymbolic(layer, ts, options, list);
      const key = [...byName.entries()].find(([, l]) => l === layer)![0];
      created.set(key, [...(created.get(key) ?? []), outs]);
      pending.splice(i, 1);
      i--;
      progress = true;
    }
  }
  if (pending.length > 0) {
    throw new Error(`Model.fromConfig: could not connect layer(s) ${pending.map((p) => `"${p.layer.name}"`).join(', ')}: their inputs are missing from the config`);
  }
  const refsOf = (x: unknown): History[] => (isHistory(x) ? [x] : Array.isArray(x) ? x.filter(isHistory) : []);
  const resolve = (h: History): SymbolicTensor => {
    const t = lookup(h);
    if (!t) throw new Error(`Model.fromConfig: tensor ${JSON.stringify(h)} is not produced by any layer of the config`);
    return t;
  };
  return {
    inputs: refsOf(config.input_layers).map(resolve),
    outputs: refsOf(config.output_layers).map(resolve),
    name: typeof config.name === 'string' ? config.name : undefined,
    trainable: typeof config.trainable === 'boolean' ? config.trainable : undefined,
  };
}

// cloneModel: the same architecture (configs) with new layer instances and freshly initialized weights.
import { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import { Model } from './functional.js';
import { Sequential } from './sequential.js';
import { applySymbolic } from './graph.js';

export interface CloneOptions {
  /** Makes the new layer for each layer (default: `Class.fromConfig(layer.getConfig())`; nested models are cloned). */
  cloneFunction?: (layer: Layer) => Layer;
}

/** A new layer of the same class and config (fresh weights once built). */
export function cloneLayer(layer: Layer): Layer {
  if (layer instanceof Model) return cloneModel(layer);
  const cls = layer.constructor as unknown as { fromConfig?: (c: Record<string, any>) => Layer; className: string };
  if (typeof cls.fromConfig !== 'function') {
    throw new Error(`cloneModel: ${layer.className} "${layer.name}" has no static fromConfig; pass cloneFunction to clone it`);
  }
  return cls.fromConfig(layer.getConfig());
}

/**
 * Keras' clone_model: new layer instances with the same configs, so weights are newly initialized
 * (copy them with `clone.setWeights(model.getWeights())`).
 * @example const clone = cloneModel(modelA); clone.setWeights(modelA.getWeights());
 */
export function cloneModel(model: Model, options: CloneOptions = {}): Model {
  const cloneFn = options.cloneFunction ?? cloneLayer;
  if (model instanceof Sequential) {
    const clone = new Sequential([], { name: model.name, trainable: model.trainable });
    const input = model.inputs[0]?.sourceLayer;
    if (input instanceof InputLayer) clone.add(InputLayer.fromConfig(input.getConfig()));
    for (const l of model.layers) clone.add(cloneFn(l));
    return clone;
  }
  const graph = model.graphInfo;
  if (!graph) throw new Error(`cloneModel: ${model.className} "${model.name}" has no graph to clone (it is not built)`);
  const layerMap = new Map<Layer, Layer>();
  const tensorMap = new Map<number, SymbolicTensor>();
  for (const t of model.inputs) {
    const fresh = InputLayer.fromConfig((t.sourceLayer as InputLayer).getConfig());
    layerMap.set(t.sourceLayer, fresh);
    tensorMap.set(t.id, fresh.output);
  }
  for (const node of graph.nodes) {
    if (node.inputs.length === 0) continue;
    let layer = layerMap.get(node.layer);
    if (!layer) {
      layer = cloneFn(node.layer);
      layerMap.set(node.layer, layer);
    }
    const ins = node.inputs.map((t) => {
      const m = tensorMap.get(t.id);
      if (!m) throw new Error(`cloneModel: input "${t.name}" of layer "${node.layer.name}" was not cloned`);
      return m;
    });
    const outs = applySymbolic(layer, ins, typeof node.callArgs.training === 'boolean' ? { training: node.callArgs.training } : {});
    node.outputs.forEach((t, i) => tensorMap.set(t.id, outs[i]));
  }
  const single = model.outputs.length === 1 && (model as unknown as { singleOutput: boolean }).singleOutput;
  const outputs = model.outputs.map((t) => tensorMap.get(t.id)!);
  return new Model({
    inputs: model.inputs.length === 1 ? tensorMap.get(model.inputs[0].id)! : model.inputs.map((t) => tensorMap.get(t.id)!),
    outputs: single ? outputs[0] : outputs,
    name: model.name,
    trainable: model.trainable,
  });
}

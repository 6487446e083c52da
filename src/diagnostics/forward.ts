// A recording forward pass: runs a model's graph node by node (nested models included) and keeps each weighted layer's output.
import type { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { cast } from '../ops/index.js';
import { noGrad } from '../autograd/tape.js';
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import { Model } from '../models/functional.js';
import { applyLayer } from '../models/graph.js';
import { activationOf, isActivationLayer } from './activation_stats.js';

/** One layer with trainable weights: its latest output and the activation applied to it. */
export interface RecordedLayer {
  layer: Layer;
  /** The layer's output, or the output of the activation layer that directly follows it. */
  output: Tensor | null;
  activation: string | null;
}

/** True for a model whose graph can be walked (not subclassed, graph built). */
function isGraphModel(layer: Layer): layer is Model {
  return layer instanceof Model && layer.graphInfo !== null && !layer.isSubclassed;
}

/**
 * Runs `model` on `xs` node by node, descending into nested graph models, and records, in order of
 * first use, every layer with trainable weights and its output. A weightless activation layer that
 * directly follows such a layer (Dense -> Activation('relu')) is folded in: the recorded output and
 * activation are the activation layer's.
 */
export function recordingForward(model: Model, xs: Tensor[], training: boolean, records: Map<Layer, RecordedLayer> = new Map()): { outputs: Tensor[]; records: RecordedLayer[] } {
  const graph = model.graphInfo!;
  const env = new Map<number, Tensor>();
  const producer = new Map<number, RecordedLayer>();
  model.inputs.forEach((t, i) => env.set(t.id, !isFloat(xs[i].dtype) && isFloat(t.dtype) ? cast(xs[i], t.dtype) : xs[i]));
  for (const node of graph.nodes) {
    if (node.inputs.length === 0 || node.layer instanceof InputLayer) continue;
    const args = node.inputs.map((t) => {
      const v = env.get(t.id);
      if (!v) throw new Error(`gradientReport: layer "${node.layer.name}": input tensor "${t.name}" was not computed`);
      return v;
    });
    const layer = node.layer;
    const nodeTraining = typeof node.callArgs.training === 'boolean' ? node.callArgs.training : training;
    const outs = isGraphModel(layer)
      ? recordingForward(layer, args, nodeTraining, records).outputs
      : applyLayer(layer, args, { training: nodeTraining });
    node.outputs.forEach((t, i) => env.set(t.id, outs[i]));
    if (isGraphModel(layer)) continue;
    if (layer.trainableWeights.length > 0) {
      let r = records.get(layer);
      if (!r) {
        r = { layer, output: null, activation: activationOf(layer) };
        records.set(layer, r);
      }
      r.output = outs[0];
      producer.set(node.outputs[0].id, r);
    } else if (isActivationLayer(layer) && node.inputs.length === 1 && producer.has(node.inputs[0].id)) {
      const r = producer.get(node.inputs[0].id)!;
      r.output = outs[0];
      r.activation = activationOf(layer);
      producer.set(node.outputs[0].id, r);
    }
  }
  const outputs = model.outputs.map((t) => {
    const v = env.get(t.id);
    if (!v) throw new Error(`gradientReport: output tensor "${t.name}" of ${model.className} "${model.name}" was not computed`);
    return v;
  });
  return { outputs, records: [...records.values()] };
}

/** Every non-input layer of a model, nested graph models expanded in place (for the SELU checks). */
export function leafLayers(model: Model): Layer[] {
  const out: Layer[] = [];
  for (const l of model.graphInfo?.layers ?? model.layers) {
    if (l instanceof InputLayer) continue;
    if (isGraphModel(l)) out.push(...leafLayers(l).filter((x) => !out.includes(x)));
    else if (!out.includes(l)) out.push(l);
  }
  return out;
}

/** One layer's outputs over a batch (the shape plots.plotActivationHistograms accepts). */
export interface LayerActivations {
  name: string;
  /** The activation applied (see activationOf), including a directly following activation layer. */
  activation: string | null;
  values: Tensor;
}

/**
 * The outputs of every layer with trainable weights on a batch (after a directly following activation
 * layer), in model order, nested models included; inference mode unless `training` is set. No
 * gradients are taken. Feed the result to `plotActivationHistograms` to see the distributions.
 * @example await plotActivationHistograms(diagnostics.layerActivations(model, xBatch), 'runs/activations.svg');
 */
export function layerActivations(model: Model, x: Tensor | Tensor[], options: { training?: boolean } = {}): LayerActivations[] {
  const xs = Array.isArray(x) ? x : [x];
  model.ensureBuilt(xs.map((t) => t.shape));
  if (model.graphInfo === null || model.isSubclassed) throw new Error(`layerActivations: ${model.className} "${model.name}" has no layer graph (subclassed models are not supported)`);
  if (xs.length !== model.inputs.length) throw new Error(`layerActivations: ${model.className} "${model.name}" expected ${model.inputs.length} input(s), received ${xs.length}`);
  const { records } = noGrad(() => recordingForward(model, xs, options.training ?? false));
  return records.map((r) => ({ name: r.layer.name, activation: r.activation, values: r.output! }));
}

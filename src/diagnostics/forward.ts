// A recording forward pass: watches a model's graph run (nested models included) and keeps each weighted layer's output.
import type { Tensor } from '../tensor/tensor.js';
import { noGrad } from '../autograd/tape.js';
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import { Model } from '../models/functional.js';
import { observingGraphs, type NodeObserver } from '../models/graph.js';
import { activationOf, isActivationLayer } from './activation_stats.js';

/** One layer with trainable weights: its latest output and the activation applied to it. */
export interface RecordedLayer {
  layer: Layer;
  /** The layer's output, or the output of the activation layer that directly follows it. */
  output: Tensor | null;
  activation: string | null;
}

/** True for a model whose graph can be walked (not subclassed, graph built). */
export function isGraphModel(layer: Layer): layer is Model {
  return layer instanceof Model && layer.graphInfo !== null && !layer.isSubclassed;
}

/**
 * Records, from the graph nodes a forward pass runs (graph.observingGraphs), in order of first use, every layer
 * with trainable weights and its latest output, descending into nested graph models. A weightless activation
 * layer that directly follows such a layer (Dense -> Activation('relu')) is folded in: the recorded output and
 * activation are the activation layer's.
 */
export class LayerRecorder {
  private readonly byLayer = new Map<Layer, RecordedLayer>();
  /** The record whose output each symbolic tensor holds (by id). */
  private readonly producer = new Map<number, RecordedLayer>();

  /** `activations`: a cache of activationOf by layer, shared by recorders of the same model (see ReportCache). */
  constructor(private readonly activations?: Map<Layer, string | null>) {}

  private activationOf(layer: Layer): string | null {
    const cache = this.activations;
    if (!cache) return activationOf(layer);
    let a = cache.get(layer);
    if (a === undefined) cache.set(layer, (a = activationOf(layer)));
    return a;
  }

  readonly observe: NodeObserver = (node, outs) => {
    const layer = node.layer;
    if (layer instanceof InputLayer || isGraphModel(layer)) return;
    if (layer.trainableWeights.length > 0) {
      let r = this.byLayer.get(layer);
      if (!r) {
        r = { layer, output: null, activation: this.activationOf(layer) };
        this.byLayer.set(layer, r);
      }
      r.output = outs[0];
      this.producer.set(node.outputs[0].id, r);
    } else if (isActivationLayer(layer) && node.inputs.length === 1 && this.producer.has(node.inputs[0].id)) {
      const r = this.producer.get(node.inputs[0].id)!;
      r.output = outs[0];
      r.activation = this.activationOf(layer);
      this.producer.set(node.outputs[0].id, r);
    }
  };

  get records(): RecordedLayer[] {
    return [...this.byLayer.values()];
  }

  /** Forgets every record (and the tensors they hold). */
  clear(): void {
    this.byLayer.clear();
    this.producer.clear();
  }
}

/** Runs `model` (a graph model) on `xs` and records its weighted layers' outputs (see LayerRecorder). */
export function recordingForward(model: Model, xs: Tensor[], training: boolean, activations?: Map<Layer, string | null>): { outputs: Tensor[]; records: RecordedLayer[] } {
  const recorder = new LayerRecorder(activations);
  const outputs = observingGraphs(recorder.observe, () => model.callList(xs, { training }));
  return { outputs, records: recorder.records };
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

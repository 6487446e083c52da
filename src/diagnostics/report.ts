// gradientReport: one forward/backward pass over a batch, summarized per layer, with training-health warnings.
import { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { add, cast, mul } from '../ops/index.js';
import { valueAndGrads } from '../autograd/gradients.js';
import { noGrad } from '../autograd/tape.js';
import type { Variable } from '../autograd/variable.js';
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import { get as getLoss } from '../losses/index.js';
import type { Loss } from '../losses/loss.js';
import type { Model } from '../models/functional.js';
import { applyLayer } from '../models/graph.js';
import { toTensorList, type ModelData } from '../models/data.js';
import { activationOf, activationStats, isActivationLayer, type ActivationStats } from './activation_stats.js';
import { healthWarnings, type HealthThresholds } from './warnings.js';

/** One layer's figures (layers with trainable weights, in model order). */
export interface LayerHealth extends ActivationStats {
  name: string;
  className: string;
  /** The activation applied to the layer's output, including a directly following activation layer. */
  activation: string | null;
  /** L2 norm of the gradients of the layer's trainable weights (all of them together). */
  gradientNorm: number;
  /** L2 norm of the layer's trainable weights. */
  weightNorm: number;
  /** Number of units (last axis of the output). */
  units: number;
}

export interface GradientReport {
  layers: LayerHealth[];
  /** The first layer's gradient norm divided by the last layer's (below 1e-3: vanishing). */
  firstToLastGradientRatio: number;
  /** The batch loss the gradients were taken of. */
  loss: number;
  /** Human-readable problems: 'vanishing gradients ...', 'exploding gradients ...', 'dying ReLUs ...', 'SELU ...'. */
  warnings: string[];
  /** Mean and std of the input batch (the SELU check uses them). */
  inputMean: number;
  inputStd: number;
}

export interface GradientReportOptions extends HealthThresholds {
  /** Loss when the model is not compiled (default: the compiled loss). */
  loss?: string | Loss;
  /** Forward in training mode (default false, so BatchNormalization statistics are left untouched). */
  training?: boolean;
}

function l2(ts: Tensor[]): number {
  let s = 0;
  for (const t of ts) for (const v of t.dataSync()) s += v * v;
  return Math.sqrt(s);
}

function meanStd(xs: Tensor[]): { mean: number; std: number } {
  let n = 0, sum = 0, sq = 0;
  for (const x of xs) for (const v of x.dataSync()) { n++; sum += v; sq += v * v; }
  const mean = n ? sum / n : 0;
  return { mean, std: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0 };
}

interface Entry { layer: Layer; output: Tensor | null; activation: string | null }

/**
 * Runs one forward and backward pass of `model` on a batch and reports, per layer with trainable
 * weights: gradient and weight norms, activation mean/std, the dead fraction (ReLU-family units
 * never positive over the batch) and the saturated fraction (sigmoid/tanh in their flat tails);
 * plus the first-to-last gradient-norm ratio and warnings (vanishing/exploding gradients, dying
 * ReLUs, saturation, broken SELU self-normalization conditions). Weights are not updated.
 * @example const report = await diagnostics.gradientReport(model, xBatch, yBatch);
 */
export async function gradientReport(model: Model, x: ModelData, y: ModelData, options: GradientReportOptions = {}): Promise<GradientReport> {
  const xs = toTensorList(x, model.inputNames, 'x');
  model.ensureBuilt(xs.map((t) => t.shape));
  const ys = toTensorList(y, model.outputNames, 'y');
  const graph = model.graphInfo;
  if (!graph) throw new Error(`gradientReport: ${model.className} "${model.name}" has no layer graph (subclassed models are not supported)`);
  const losses: (Loss | null)[] = options.loss !== undefined ? model.outputs.map(() => getLoss(options.loss as string | Loss)) : model.compiled?.losses ?? [];
  if (losses.length === 0) throw new Error(`gradientReport: ${model.className} "${model.name}" is not compiled; compile it or pass options.loss`);
  const lossWeights = options.loss !== undefined ? losses.map(() => 1) : model.compiled!.lossWeights;

  const entries = new Map<Layer, Entry>();
  const order: Entry[] = [];
  const vars: Variable[] = model.trainableWeights;
  const training = options.training ?? false;
  const { value, grads } = valueAndGrads(() => {
    const env = new Map<number, Tensor>();
    const producer = new Map<number, Entry>();
    model.inputs.forEach((t, i) => env.set(t.id, !isFloat(xs[i].dtype) && isFloat(t.dtype) ? cast(xs[i], t.dtype) : xs[i]));
    for (const node of graph.nodes) {
      if (node.inputs.length === 0 || node.layer instanceof InputLayer) continue;
      const args = node.inputs.map((t) => env.get(t.id)!);
      const outs = applyLayer(node.layer, args, { training: typeof node.callArgs.training === 'boolean' ? node.callArgs.training : training });
      node.outputs.forEach((t, i) => env.set(t.id, outs[i]));
      const layer = node.layer;
      if (layer.trainableWeights.length > 0) {
        let e = entries.get(layer);
        if (!e) {
          e = { layer, output: null, activation: activationOf(layer) };
          entries.set(layer, e);
          order.push(e);
        }
        e.output = outs[0];
        producer.set(node.outputs[0].id, e);
      } else if (isActivationLayer(layer) && node.inputs.length === 1 && producer.has(node.inputs[0].id)) {
        const e = producer.get(node.inputs[0].id)!;
        e.output = outs[0];
        e.activation = activationOf(layer);
        producer.set(node.outputs[0].id, e);
      }
    }
    const preds = model.outputs.map((t) => env.get(t.id)!);
    let total: Tensor | null = null;
    losses.forEach((loss, i) => {
      if (!loss) return;
      const v = loss.apply(ys[i], preds[i]);
      const w = lossWeights[i] === 1 ? v : mul(v, lossWeights[i]);
      total = total ? add(total, w) : w;
    });
    if (!total) throw new Error(`gradientReport: ${model.className} "${model.name}" has no loss to differentiate`);
    for (const r of model.regularizationLosses()) total = add(total, r);
    return total;
  }, vars);

  const gradOf = new Map<Variable, Tensor>(vars.map((v, i) => [v, grads[i]]));
  const layers: LayerHealth[] = noGrad(() => order.map((e) => {
    const ws = e.layer.trainableWeights;
    const out = e.output!;
    return {
      name: e.layer.name,
      className: (e.layer.constructor as { className?: string }).className ?? e.layer.constructor.name,
      activation: e.activation,
      gradientNorm: l2(ws.map((w) => gradOf.get(w)).filter((g): g is Tensor => g !== undefined)),
      weightNorm: l2(ws.map((w) => w.value)),
      units: out.shape[out.shape.length - 1] ?? 1,
      ...activationStats(out, e.activation),
    };
  }));
  const ratio = layers.length > 0 ? layers[0].gradientNorm / layers[layers.length - 1].gradientNorm : NaN;
  const { mean, std } = meanStd(xs);
  const report: GradientReport = { layers, firstToLastGradientRatio: ratio, loss: value.item(), warnings: [], inputMean: mean, inputStd: std };
  report.warnings = healthWarnings(model, report, options);
  return report;
}

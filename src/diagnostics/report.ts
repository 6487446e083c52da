// gradientReport: one forward/backward pass over a batch, summarized per layer, with training-health warnings.
import { Tensor } from '../tensor/tensor.js';
import { add, mul } from '../ops/index.js';
import { valueAndGrads } from '../autograd/gradients.js';
import { noGrad } from '../autograd/tape.js';
import type { Variable } from '../autograd/variable.js';
import type { Layer } from '../layers/layer.js';
import type { Loss } from '../losses/loss.js';
import type { Model } from '../models/functional.js';
import { toTensorList, type ModelData } from '../models/data.js';
import { activationStats, type ActivationStats } from './activation_stats.js';
import { sumOf, sumSquares } from './sums.js';
import { recordingForward, type RecordedLayer } from './forward.js';
import { healthWarnings, type HealthThresholds, type ReportCache } from './warnings.js';
import { reportLoss } from './infer_loss.js';

/** One layer's figures (layers with trainable weights, in model order). */
export interface LayerHealth extends ActivationStats {
  name: string;
  className: string;
  /** The activation applied to the layer's output, including a directly following activation layer. */
  activation: string | null;
  /** L2 norm of the loss gradient with respect to the layer's kernel (all its trainable weights together when it has no kernel, e.g. BatchNormalization). */
  gradientNorm: number;
  /** L2 norm of the layer's kernel (all its trainable weights together when it has no kernel). */
  weightNorm: number;
  /** Number of units (last axis of the output). */
  units: number;
}

export interface GradientReport {
  layers: LayerHealth[];
  /**
   * The first layer's gradient norm divided by the last layer's (layers with trainable weights, in
   * model order): below 1e-3 the gradients vanish on the way back, above 1e3 they explode. NaN when
   * the model has no such layer or both norms are 0.
   */
  firstToLastGradientRatio: number;
  /** The batch loss the gradients were taken of (regularization included). */
  loss: number;
  /** Per output: 'compiled', or the name of the loss given in options or inferred from the output activation. */
  lossNames: string[];
  /** Human-readable problems: 'vanishing gradients ...', 'exploding gradients ...', 'dying ReLUs ...', 'SELU ...'. */
  warnings: string[];
  /** Mean and std of the input batch (the SELU check uses them). */
  inputMean: number;
  inputStd: number;
}

export interface GradientReportOptions extends HealthThresholds {
  /**
   * Loss for every output (default: the compiled loss; for an uncompiled model, inferred from the output
   * activation: softmax -> (sparse) categorical crossentropy, sigmoid -> binary crossentropy, else MSE).
   */
  loss?: string | Loss;
  /** Forward in training mode (default false, so BatchNormalization statistics are left untouched). */
  training?: boolean;
  /** Called per reported layer with the tensors its figures come from (the dashboard's histograms read them). */
  onLayerTensors?: (name: string, tensors: LayerTensors) => void;
  /** Structure facts shared by a series of reports on one unchanged model (the Dashboard's). @internal */
  cache?: ReportCache;
}

/** The tensors behind one layer's figures: its normed weights, their gradients and the recorded output. */
export interface LayerTensors {
  weights: Tensor[];
  gradients: Tensor[];
  output: Tensor;
}

// NOTE: the figures read each tensor's values in place (read only): dataSync() would copy every weight and
// gradient, megabytes of garbage per report that the training around it then pays for in collections.
function l2(ts: Tensor[]): number {
  let s = 0;
  for (const t of ts) s += sumSquares(t.data);
  return Math.sqrt(s);
}

/** The weights a layer's norms are taken of: its kernel when it has one, else all its trainable weights. */
function normedWeights(layer: Layer): Variable[] {
  const ws = layer.trainableWeights;
  const kernel = ws.filter((w) => w.name === 'kernel' || w.name.endsWith('/kernel'));
  return kernel.length > 0 ? kernel : ws;
}

function meanStd(xs: Tensor[]): { mean: number; std: number } {
  let n = 0, sum = 0, sq = 0;
  for (const x of xs) {
    const d = x.data;
    n += d.length;
    sum += sumOf(d);
    sq += sumSquares(d);
  }
  const mean = n ? sum / n : 0;
  return { mean, std: n ? Math.sqrt(Math.max(0, sq / n - mean * mean)) : 0 };
}

/**
 * Runs one forward and backward pass of `model` on a batch and reports, per layer with trainable
 * weights (in model order, layers of nested models included): kernel gradient and weight L2 norms,
 * activation mean/std of the layer's output (after a directly following activation layer), the dead
 * fraction (relu/relu6 units whose output is 0 for every sample) and the saturated fraction
 * (sigmoid/tanh values where the derivative is below 5% of its maximum); plus the first-to-last
 * gradient-norm ratio and warnings (vanishing/exploding gradients, dying ReLUs, saturation, broken
 * SELU self-normalization conditions; thresholds in HealthThresholds). The forward pass runs in
 * inference mode unless `training` is set; weights and optimizer state are not touched. The loss is
 * `options.loss`, else the compiled loss, else inferred from the output activation.
 * @example const report = await diagnostics.gradientReport(model, xBatch, yBatch);
 */
export async function gradientReport(model: Model, x: ModelData, y: ModelData, options: GradientReportOptions = {}): Promise<GradientReport> {
  const xs = toTensorList(x, model.inputNames, 'x');
  model.ensureBuilt(xs.map((t) => t.shape));
  const ys = toTensorList(y, model.outputNames, 'y');
  const graph = model.graphInfo;
  if (!graph) throw new Error(`gradientReport: ${model.className} "${model.name}" has no layer graph (subclassed models are not supported)`);
  if (ys.length !== model.outputs.length) {
    throw new Error(`gradientReport: ${model.className} "${model.name}" expected ${model.outputs.length} target(s), one per output (${model.outputNames.join(', ')}), received ${ys.length}`);
  }
  const { losses, lossWeights, names: lossNames } = reportLoss(model, ys, options.loss);

  let recorded: RecordedLayer[] = [];
  const vars: Variable[] = model.trainableWeights;
  const training = options.training ?? false;
  const { value, grads } = valueAndGrads(() => {
    const { outputs: preds, records } = recordingForward(model, xs, training, options.cache?.activations);
    recorded = records;
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

  return summarizePass(model, { records: recorded, vars, grads, xs, loss: value.item(), lossNames }, options);
}

/** What one forward/backward pass leaves for a report: the recorded layers, the gradients, the inputs and the loss. */
export interface RecordedPass {
  records: RecordedLayer[];
  vars: readonly Variable[];
  grads: readonly Tensor[];
  xs: Tensor[];
  loss: number;
  lossNames: string[];
}

/** The report's figures and warnings from one pass (gradientReport's, or a training step's: diagnostics/step_report.ts). */
export function summarizePass(model: Model, pass: RecordedPass, options: GradientReportOptions = {}): GradientReport {
  const gradOf = new Map<Variable, Tensor>(pass.vars.map((v, i) => [v, pass.grads[i]]));
  const layers: LayerHealth[] = noGrad(() => pass.records.map((e) => {
    const ws = normedWeights(e.layer);
    const out = e.output!;
    const gs = ws.map((w) => gradOf.get(w)).filter((g): g is Tensor => g !== undefined);
    const values = ws.map((w) => w.value);
    // NOTE: the full passes first: they stream the tensors into the cache the strided histogram reads then hit.
    const health: LayerHealth = {
      name: e.layer.name,
      className: (e.layer.constructor as { className?: string }).className ?? e.layer.constructor.name,
      activation: e.activation,
      gradientNorm: l2(gs),
      weightNorm: l2(values),
      units: out.shape[out.shape.length - 1] ?? 1,
      ...activationStats(out, e.activation),
    };
    options.onLayerTensors?.(e.layer.name, { weights: values, gradients: gs, output: out });
    return health;
  }));
  const ratio = layers.length > 0 ? layers[0].gradientNorm / layers[layers.length - 1].gradientNorm : NaN;
  const { mean, std } = meanStd(pass.xs);
  const report: GradientReport = { layers, firstToLastGradientRatio: ratio, loss: pass.loss, lossNames: pass.lossNames, warnings: [], inputMean: mean, inputStd: std };
  report.warnings = healthWarnings(model, report, options, options.cache);
  return report;
}

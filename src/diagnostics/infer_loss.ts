// The loss a gradient report differentiates: options.loss, else the compiled loss, else one inferred from the output activation.
import type { Tensor } from '../tensor/tensor.js';
import { isFloat } from '../tensor/dtype.js';
import { get as getLoss } from '../losses/index.js';
import type { Loss } from '../losses/loss.js';
import { Model } from '../models/functional.js';
import type { SymbolicTensor } from '../layers/symbolic.js';
import { activationOf } from './activation_stats.js';

/** Per-output losses (null: that output has none), their weights, and a name for each (for the report). */
export interface ReportLoss {
  losses: (Loss | null)[];
  lossWeights: number[];
  /** 'compiled', or the loss name given / inferred per output. */
  names: string[];
}

/** True when `y` holds integer class ids for an output of `units` classes (not one-hot rows). */
function isSparse(y: Tensor, output: SymbolicTensor): boolean {
  const units = output.shape[output.shape.length - 1];
  if (!isFloat(y.dtype)) return true;
  if (y.rank < output.shape.length) return true;
  return y.shape[y.rank - 1] === 1 && units !== null && units !== 1;
}

/**
 * The loss Keras users would have compiled for this output activation: softmax -> sparse categorical
 * crossentropy for integer labels (integer dtype, one rank less than the output, or a trailing 1) and
 * categorical crossentropy for one-hot rows; sigmoid -> binary crossentropy; anything else -> MSE.
 */
export function inferLossName(model: Model, output: number, y: Tensor): string {
  let t = model.outputs[output];
  // A nested single-output model (Sequential([base, head])): its activation is its own output layer's.
  for (let l = t.sourceLayer; l instanceof Model && l.outputs.length === 1; l = t.sourceLayer) t = l.outputs[0];
  const act = activationOf(t.sourceLayer);
  if (act === 'softmax') return isSparse(y, t) ? 'sparse_categorical_crossentropy' : 'categorical_crossentropy';
  if (act === 'sigmoid') return 'binary_crossentropy';
  return 'mean_squared_error';
}

/**
 * Chooses the loss: `explicit` (one for every output) when given, else the compiled losses and loss
 * weights, else a loss inferred per output from its activation (see inferLossName).
 */
export function reportLoss(model: Model, ys: Tensor[], explicit: string | Loss | undefined): ReportLoss {
  if (explicit !== undefined) {
    return {
      losses: model.outputs.map(() => getLoss(explicit)),
      lossWeights: model.outputs.map(() => 1),
      names: model.outputs.map(() => (typeof explicit === 'string' ? explicit : explicit.name)),
    };
  }
  if (model.compiled) {
    return { losses: model.compiled.losses, lossWeights: model.compiled.lossWeights, names: model.outputs.map(() => 'compiled') };
  }
  const names = model.outputs.map((_, i) => inferLossName(model, i, ys[i]));
  return { losses: names.map((n) => getLoss(n)), lossWeights: names.map(() => 1), names };
}

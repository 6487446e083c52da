// Fused training-mode batch normalization: batch moments and the affine normalization as one op, with a closed-form vjp.
import { Tensor } from '../tensor/tensor.js';
import type { Backend, RawTensor } from '../backend/backend.js';
import { defineOp, wrap } from './define.js';
import { toTensor } from './convert.js';
import { div, mul, sub } from './arithmetic.js';
import { sum } from './reduce.js';

interface Saved { mean: RawTensor | null; variance: RawTensor | null; rstd: RawTensor | null }
interface BnAttrs { axes: number[]; epsilon: number; hasGamma: boolean; hasBeta: boolean; saved: Saved }

function scalar(v: number): RawTensor {
  return toTensor(v, 'float32');
}

/** mean over `axes` (keepDims) as the mean op computes it: sum, then divided by the count. */
function meanRaw(bk: Backend, x: RawTensor, axes: number[], n: number): RawTensor {
  return bk.binary('div', bk.reduce('sum', x, axes, true), scalar(n), 'float32');
}

/**
 * Forward: the same backend kernels, in the same order, as moments() followed by Keras' batch_normalization
 * (y = x * (gamma * rsqrt(var + eps)) + (beta - mean * gamma * rsqrt(var + eps))), so values are unchanged.
 * vjp (the analytic gradient through the batch statistics, as PyTorch's batch_norm_backward):
 * dbeta = sum(dy), dgamma = sum(dy * xhat), dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat)).
 */
const batchNormOp = defineOp<BnAttrs>({
  name: 'batchNormalization',
  forward: (bk, inputs, { axes, epsilon, hasGamma, hasBeta, saved }) => {
    const x = inputs[0];
    const n = axes.reduce((acc, a) => acc * x.shape[a], 1);
    const m = meanRaw(bk, x, axes, n);
    const v = meanRaw(bk, bk.unary('square', bk.binary('sub', x, m, 'float32')), axes, n);
    const rstd = bk.unary('rsqrt', bk.binary('add', v, scalar(epsilon), 'float32'));
    const inv = hasGamma ? bk.binary('mul', rstd, inputs[1], 'float32') : rstd;
    let res = bk.binary('mul', bk.binary('mul', m, inv, 'float32'), scalar(-1), 'float32');
    if (hasBeta) res = bk.binary('add', res, inputs[hasGamma ? 2 : 1], 'float32');
    saved.mean = m;
    saved.variance = v;
    saved.rstd = rstd;
    return bk.binary('add', bk.binary('mul', x, inv, 'float32'), res, 'float32');
  },
  vjp: (dy, { inputs, attrs: { axes, hasGamma, hasBeta, saved }, needs }) => {
    const x = inputs[0];
    const n = axes.reduce((acc, a) => acc * x.shape[a], 1);
    const rstd = wrap(saved.rstd!);
    const xhat = mul(sub(x, wrap(saved.mean!)), rstd);
    const dbeta = sum(dy, axes, true);
    const dgamma = sum(mul(dy, xhat), axes, true);
    let dx: Tensor | null = null;
    if (needs[0]) {
      const scale = hasGamma ? mul(inputs[1], rstd) : rstd;
      dx = mul(sub(sub(dy, div(dbeta, n)), mul(xhat, div(dgamma, n))), scale);
    }
    const out: (Tensor | null)[] = [dx];
    if (hasGamma) out.push(dgamma);
    if (hasBeta) out.push(dbeta);
    return out;
  },
});

/**
 * Training-mode batch normalization of float32 `x` over `axes` (gamma/beta already shaped to broadcast, keepDims
 * form). Returns the output and the batch mean and biased variance (keepDims shape, for the moving statistics).
 */
export function batchNormTraining(
  x: Tensor, gamma: Tensor | null, beta: Tensor | null, axes: number[], epsilon: number,
): { y: Tensor; mean: Tensor; variance: Tensor } {
  const saved: Saved = { mean: null, variance: null, rstd: null };
  const inputs = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const y = batchNormOp(inputs, { axes, epsilon, hasGamma: gamma !== null, hasBeta: beta !== null, saved });
  return { y, mean: wrap(saved.mean!), variance: wrap(saved.variance!) };
}

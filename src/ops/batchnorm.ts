// Fused training-mode batch normalization: batch moments and the affine normalization as one op, with a closed-form vjp.
import type { Tensor } from '../tensor/tensor.js';
import type { RawTensor } from '../backend/backend.js';
import { backend } from '../backend/registry.js';
import { defineOp, wrap } from './define.js';
import { add, mul } from './arithmetic.js';
import type { Variable } from '../autograd/variable.js';
import { noGrad } from '../autograd/tape.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { unbroadcast } from './layout.js';

interface Saved { mean: RawTensor | null; variance: RawTensor | null; rstd: RawTensor | null }
interface BnAttrs { axes: number[]; epsilon: number; hasGamma: boolean; hasBeta: boolean; saved: Saved }

/**
 * Forward: the backend's batchNorm (the reference composes the kernels in Keras' order, moments followed by
 * batch_normalization: y = x * (gamma * rsqrt(var + eps)) + (beta - mean * gamma * rsqrt(var + eps))).
 * vjp (the analytic gradient through the batch statistics, as PyTorch's batch_norm_backward):
 * dbeta = sum(dy), dgamma = sum(dy * xhat), dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat)).
 */
const batchNormOp = defineOp<BnAttrs>({
  name: 'batchNormalization',
  forward: (bk, inputs, { axes, epsilon, hasGamma, hasBeta, saved }) => {
    const gamma = hasGamma ? inputs[1] : null;
    const beta = hasBeta ? inputs[hasGamma ? 2 : 1] : null;
    const r = bk.batchNorm(inputs[0], gamma, beta, axes, epsilon);
    saved.mean = r.mean;
    saved.variance = r.variance;
    saved.rstd = r.rstd;
    return r.y;
  },
  vjp: (dy, { inputs, attrs: { axes, hasGamma, hasBeta, saved }, needs }) => {
    const gamma = hasGamma ? inputs[1] : null;
    const g = backend().batchNormGrad(inputs[0], dy, saved.mean!, saved.rstd!, gamma, axes, [
      needs[0], hasGamma && needs[1], hasBeta && needs[hasGamma ? 2 : 1],
    ]);
    const out: (Tensor | null)[] = [g.dx && wrap(g.dx)];
    if (hasGamma) out.push(g.dgamma && wrap(g.dgamma));
    if (hasBeta) out.push(g.dbeta && wrap(g.dbeta));
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

const scaleShiftOp = defineOp({
  name: 'scaleShift',
  forward: (bk, [x, scale, shift]) => bk.scaleShift(x, scale, shift),
  vjp: (dy, { inputs: [x, scale, shift], needs }) => [
    needs[0] ? unbroadcast(mul(dy, scale), x.shape) : null,
    needs[1] ? unbroadcast(mul(dy, x), scale.shape) : null,
    needs[2] ? unbroadcast(dy, shift.shape) : null,
  ],
});

/**
 * x * scale + shift (scale and shift broadcast against x, all one float dtype): one pass on the native backend
 * when they run along the last axis, mul then add on the reference.
 */
export function scaleShift(x: Tensor, scale: Tensor, shift: Tensor): Tensor {
  if (scale.dtype !== x.dtype || shift.dtype !== x.dtype) throw new Error(`scaleShift: expected one dtype, received ${x.dtype}, ${scale.dtype}, ${shift.dtype}`);
  return scaleShiftOp([x, scale, shift], {});
}

/**
 * Keras' moving-statistics update, in place and without recording: v = v * momentum + value * (1 - momentum) for
 * each pair. One backend call for float32 variables; other dtypes go through the float ops.
 */
export function assignMovingAverages(vars: readonly Variable[], values: readonly Tensor[], momentum: number): void {
  values.forEach((t, i) => {
    if (!shapesEqual(t.shape, vars[i].shape)) {
      throw new Error(`assignMovingAverages: variable "${vars[i].name}" has shape ${formatShape(vars[i].shape)}, received a value of shape ${formatShape(t.shape)}`);
    }
  });
  const f32 = vars.every((v, i) => v.dtype === 'float32' && values[i].dtype === 'float32');
  if (f32) {
    backend().movingAverage(vars.map((v) => v.storage()), values.map((t) => t.data as Float32Array), momentum);
    return;
  }
  noGrad(() => vars.forEach((v, i) => v.assign(add(mul(v.value, momentum), mul(values[i], 1 - momentum)))));
}

// Reference training-mode batch normalization, composed of reference kernels in the order Keras computes it
// (moments, then batch_normalization); the backward is the closed form through the batch statistics.
import type { BatchNormGrads, BatchNormResult, RawTensor } from '../backend.js';
import { binary, unary } from './elementwise.js';
import { reduce } from './reduce.js';

const scalar = (v: number, like: RawTensor): RawTensor => ({ data: like.dtype === 'float64' ? Float64Array.of(v) : Float32Array.of(v), shape: [], dtype: like.dtype });

/** mean over `axes` (keepDims) as the mean op computes it: sum, then divided by the count. */
function meanOf(x: RawTensor, axes: readonly number[], n: number): RawTensor {
  return binary('div', reduce('sum', x, axes, true), scalar(n, x), x.dtype);
}

const count = (x: RawTensor, axes: readonly number[]): number => axes.reduce((acc, a) => acc * x.shape[a], 1);

export function batchNorm(x: RawTensor, gamma: RawTensor | null, beta: RawTensor | null, axes: readonly number[], epsilon: number): BatchNormResult {
  const dt = x.dtype;
  const n = count(x, axes);
  const mean = meanOf(x, axes, n);
  const variance = meanOf(unary('square', binary('sub', x, mean, dt)), axes, n);
  const rstd = unary('rsqrt', binary('add', variance, scalar(epsilon, x), dt));
  const inv = gamma ? binary('mul', rstd, gamma, dt) : rstd;
  let res = binary('mul', binary('mul', mean, inv, dt), scalar(-1, x), dt);
  if (beta) res = binary('add', res, beta, dt);
  return { y: binary('add', binary('mul', x, inv, dt), res, dt), mean, variance, rstd };
}

export function batchNormGrad(
  x: RawTensor, dy: RawTensor, mean: RawTensor, rstd: RawTensor, gamma: RawTensor | null, axes: readonly number[],
  needs: readonly [boolean, boolean, boolean],
): BatchNormGrads {
  const dt = x.dtype;
  const n = scalar(count(x, axes), x);
  const xhat = binary('mul', binary('sub', x, mean, dt), rstd, dt);
  const dbeta = reduce('sum', dy, axes, true);
  const dgamma = reduce('sum', binary('mul', dy, xhat, dt), axes, true);
  let dx: RawTensor | null = null;
  if (needs[0]) {
    const scale = gamma ? binary('mul', gamma, rstd, dt) : rstd;
    const centered = binary('sub', binary('sub', dy, binary('div', dbeta, n, dt), dt), binary('mul', xhat, binary('div', dgamma, n, dt), dt), dt);
    dx = binary('mul', centered, scale, dt);
  }
  return { dx, dgamma: needs[1] ? dgamma : null, dbeta: needs[2] ? dbeta : null };
}

/** x * scale + shift as two broadcasting kernels (mul, then add), as Keras computes it. */
export function scaleShift(x: RawTensor, scale: RawTensor, shift: RawTensor): RawTensor {
  const mulDtype = x.dtype === 'float64' || scale.dtype === 'float64' ? 'float64' : x.dtype;
  const scaled = binary('mul', x, scale, mulDtype);
  return binary('add', scaled, shift, scaled.dtype === 'float64' || shift.dtype === 'float64' ? 'float64' : scaled.dtype);
}

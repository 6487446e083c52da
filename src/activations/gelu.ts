// GELU: exact (through erfc) with its closed-form gradient, and the tanh approximation by composition.
import type { Tensor } from '../tensor/tensor.js';
import { floatOf } from '../tensor/dtype.js';
import { defineOp } from '../ops/define.js';
import { noGrad } from '../autograd/tape.js';
import {
  abs, add, castTo, div, exp, greaterEqual, mul, square, sub, tanh, where,
} from '../ops/index.js';

// Numerical Recipes' erfc Chebyshev fit: fractional error below 1.2e-7 for every real argument.
const ERFC_COEFFS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/** erfc(u), composed from primitive ops (relative error < 1.2e-7). */
export function erfc(u: Tensor): Tensor {
  const z = abs(u);
  const t = div(1, add(mul(z, 0.5), 1));
  let poly: Tensor = mul(t, ERFC_COEFFS[9]);
  for (let k = 8; k >= 1; k--) poly = mul(t, add(poly, ERFC_COEFFS[k]));
  const ans = mul(t, exp(add(sub(poly, square(z)), ERFC_COEFFS[0])));
  return where(greaterEqual(u, 0), ans, sub(2, ans));
}

/** The standard normal CDF: Phi(x) = erfc(-x / sqrt 2) / 2. */
export function normalCdf(x: Tensor): Tensor {
  return mul(erfc(mul(x, -Math.SQRT1_2)), 0.5);
}

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

// NOTE: gelu'(x) = Phi(x) + x * phi(x). Written as a custom vjp because differentiating the erfc fit
// through |x| would give a wrong (zero) slope of the fit's |x| at exactly x = 0.
const geluExactOp = defineOp({
  name: 'geluExact',
  forward: (_bk, [x]) => noGrad(() => mul(x, normalCdf(x))),
  vjp: (dy, { inputs: [x] }) => {
    const pdf = mul(exp(mul(square(x), -0.5)), INV_SQRT_2PI);
    return [mul(dy, add(normalCdf(x), mul(x, pdf)))];
  },
});

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * Gaussian error linear unit: x * Phi(x); with `approximate`, 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
 * @example gelu(tensor([-1, 0, 1]))
 */
export function gelu(x: Tensor, approximate = false): Tensor {
  const t = castTo(x, floatOf(x.dtype));
  if (!approximate) return geluExactOp([t], {});
  const inner = mul(add(t, mul(mul(t, square(t)), 0.044715)), SQRT_2_OVER_PI);
  return mul(mul(t, 0.5), add(tanh(inner), 1));
}


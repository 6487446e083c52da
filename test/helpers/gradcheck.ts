// Finite-difference gradient checks in float64: analytic vjp vs central differences.
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { noGrad } from '../../src/autograd/tape.js';
import { Generator } from '../../src/random/rng.js';
import '../../src/ops/index.js';
import { mul, sum } from '../../src/ops/index.js';

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  /** Which inputs to check (default: all float inputs). */
  wrt?: number[];
}

/** A float64 tensor from nested data or values + shape. */
export function f64(values: ArrayLike<number>, shape: number[]): Tensor {
  return new Tensor(Float64Array.from(values), shape, 'float64');
}

/** A float64 tensor of uniform values in [lo, hi) from a fixed seed. */
export function randF64(shape: number[], seed = 1, lo = -2, hi = 2): Tensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return f64(Array.from({ length: n }, () => lo + (hi - lo) * g.uniform()), shape);
}

/**
 * Asserts that the gradients of sum(w * f(...inputs)) (w fixed random weights) match central differences.
 * Inputs must be float64; keep them away from kinks unless the test means to probe one.
 */
export function gradcheck(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): void {
  const { eps = 1e-6, atol = 1e-6, rtol = 1e-5 } = options;
  const wrt = options.wrt ?? inputs.map((x, i) => (x.dtype === 'float64' ? i : -1)).filter((i) => i >= 0);
  const probe = f(...inputs);
  const weights = randF64(probe.shape, 99, 0.5, 1.5);
  const objective = (...xs: Tensor[]) => sum(mul(f(...xs), weights));
  const { grads } = valueAndGrads(() => objective(...inputs), wrt.map((i) => inputs[i]));
  wrt.forEach((inputIndex, gi) => {
    const x = inputs[inputIndex];
    const analytic = grads[gi];
    assert.deepEqual(analytic.shape, x.shape, `gradient shape for input ${inputIndex}`);
    for (let k = 0; k < x.size; k++) {
      const at = (delta: number) => {
        const data = Float64Array.from(x.data);
        data[k] += delta;
        const xs = inputs.slice();
        xs[inputIndex] = new Tensor(data, x.shape, 'float64');
        return noGrad(() => objective(...xs).item());
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      const a = analytic.data[k];
      assert.ok(
        Math.abs(a - numeric) <= atol + rtol * Math.abs(numeric),
        `input ${inputIndex}, element ${k} (x = ${x.data[k]}): analytic ${a} vs numeric ${numeric}`,
      );
    }
  });
}

/** Asserts elementwise closeness with a helpful message. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, atol = 1e-6, rtol = 1e-5, what = 'values'): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} vs expected ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e)) {
      assert.ok(Number.isNaN(a), `${what}[${i}]: expected NaN, got ${a}`);
      continue;
    }
    if (!Number.isFinite(e)) {
      assert.equal(a, e, `${what}[${i}]`);
      continue;
    }
    assert.ok(Math.abs(a - e) <= atol + rtol * Math.abs(e), `${what}[${i}]: ${a} vs expected ${e} (atol ${atol}, rtol ${rtol})`);
  }
}

// Per-unit activation statistics: mean/std, dead units (ReLU outputs zero over the batch) and saturation (sigmoid/tanh).
import type { Tensor } from '../tensor/tensor.js';
import type { Layer } from '../layers/layer.js';
import { sumOf } from './sums.js';

/**
 * Activations whose units can die: the output is exactly 0 (and so is the gradient) for every
 * non-positive input. Leaky ReLU, PReLU, RReLU, ELU and SELU keep a gradient on the negative side,
 * so their units cannot die and their dead fraction is always 0.
 */
export const DYING_ACTIVATIONS: ReadonlySet<string> = new Set(['relu', 'relu6']);

/**
 * Saturation tests on output values: a value is saturated when the activation's local derivative
 * there is below 5% of its maximum. For sigmoid, s(1 - s) < 0.0125, i.e. s < 0.0127 or s > 0.9873
 * (about "within 0.01 of 0 or 1"); for tanh, 1 - t² < 0.05, i.e. |t| > 0.975; hard_sigmoid at 0 or 1;
 * softsign (1 - |s|)² < 0.05, i.e. |s| > 0.776.
 */
export const SATURATING: Readonly<Record<string, (a: number) => boolean>> = {
  sigmoid: (s) => s * (1 - s) < 0.05 * 0.25,
  hard_sigmoid: (s) => s <= 0 || s >= 1,
  tanh: (t) => 1 - t * t < 0.05,
  softsign: (s) => (1 - Math.abs(s)) ** 2 < 0.05,
};

const LAYER_ACTIVATIONS: Record<string, string> = {
  ReLU: 'relu', LeakyReLU: 'leaky_relu', PReLU: 'prelu', RReLU: 'rrelu', ELU: 'elu', Softmax: 'softmax',
};

const classOf = (layer: Layer): string => (layer.constructor as { className?: string }).className ?? layer.constructor.name;

/**
 * The activation a layer applies to its output ('linear' when none), or null if it is no
 * activation-bearing layer: the `activation` of Dense/Activation configs, or the activation layers
 * (a ReLU layer with a negative slope counts as 'leaky_relu', one with max_value 6 as 'relu6').
 */
export function activationOf(layer: Layer): string | null {
  const cls = classOf(layer);
  const config = layer.getConfig() as { activation?: unknown; negative_slope?: unknown; max_value?: unknown };
  if (cls === 'ReLU') {
    if (typeof config.negative_slope === 'number' && config.negative_slope > 0) return 'leaky_relu';
    return config.max_value === 6 ? 'relu6' : 'relu';
  }
  if (cls in LAYER_ACTIVATIONS) return LAYER_ACTIVATIONS[cls];
  return typeof config.activation === 'string' ? config.activation : null;
}

/** True for weightless layers that only apply an activation (their stats are folded into the previous layer). */
export function isActivationLayer(layer: Layer): boolean {
  const cls = classOf(layer);
  return layer.weights.length === 0 && (cls === 'Activation' || cls in LAYER_ACTIVATIONS);
}

/** Activation figures of one layer output over a batch. */
export interface ActivationStats {
  /** Mean of every output value over the batch. */
  activationMean: number;
  /** Population standard deviation of every output value over the batch. */
  activationStd: number;
  /** Fraction of units (last axis) that output 0 for every sample of the batch (relu/relu6 only; else 0). */
  deadFraction: number;
  /** Fraction of output values in the flat tails of sigmoid/tanh/hard_sigmoid/softsign (see SATURATING; else 0). */
  saturatedFraction: number;
}

/** Statistics of a layer output `y` ([batch, ..., units]) under activation `kind` (null or 'linear': mean/std only). */
export function activationStats(y: Tensor, kind: string | null): ActivationStats {
  const data = y.data; // read in place (no copy)
  const n = data.length;
  const mean = n > 0 ? sumOf(data) / n : 0;
  const std = n > 0 ? Math.sqrt(squaredDeviations(data, mean) / n) : 0;
  let deadFraction = 0;
  if (kind !== null && DYING_ACTIVATIONS.has(kind) && y.shape.length >= 2) {
    const units = y.shape[y.shape.length - 1];
    const alive = new Uint8Array(units);
    for (let i = 0; i < n; i++) if (data[i] > 0) alive[i % units] = 1;
    const dead = units - alive.reduce((a, b) => a + b, 0);
    deadFraction = units > 0 ? dead / units : 0;
  }
  let saturatedFraction = 0;
  const saturated = kind !== null ? SATURATING[kind] : undefined;
  if (saturated && n > 0) {
    let count = 0;
    for (let i = 0; i < n; i++) if (saturated(data[i])) count++;
    saturatedFraction = count / n;
  }
  return { activationMean: mean, activationStd: std, deadFraction, saturatedFraction };
}

/** Sum of (x - mean)^2 with four running sums (see sums.ts). */
function squaredDeviations(d: ArrayLike<number>, mean: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const n = d.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = d[i] - mean, b = d[i + 1] - mean, c = d[i + 2] - mean, e = d[i + 3] - mean;
    s0 += a * a;
    s1 += b * b;
    s2 += c * c;
    s3 += e * e;
  }
  for (; i < n; i++) s0 += (d[i] - mean) ** 2;
  return s0 + s1 + (s2 + s3);
}

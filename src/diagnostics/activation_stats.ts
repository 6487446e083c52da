// Per-unit activation statistics: mean/std, dead units (ReLU family never positive) and saturation (sigmoid/tanh).
import type { Tensor } from '../tensor/tensor.js';
import type { Layer } from '../layers/layer.js';

/** Activations whose units die: output never positive over the batch (always 0 for relu). */
export const RELU_FAMILY = new Set(['relu', 'relu6', 'leaky_relu', 'prelu', 'rrelu', 'elu', 'selu']);
/** Activations that saturate, with the output-space test for "local derivative below 5% of its maximum". */
export const SATURATING: Record<string, (a: number) => boolean> = {
  sigmoid: (s) => s * (1 - s) < 0.05 * 0.25,
  hard_sigmoid: (s) => s <= 0 || s >= 1,
  tanh: (t) => 1 - t * t < 0.05,
  softsign: (s) => (1 - Math.abs(s)) ** 2 < 0.05,
};

const LAYER_ACTIVATIONS: Record<string, string> = {
  ReLU: 'relu', LeakyReLU: 'leaky_relu', PReLU: 'prelu', RReLU: 'rrelu', ELU: 'elu', Softmax: 'softmax',
};

/** The activation a layer applies to its output ('linear' when none), or null if it is no activation-bearing layer. */
export function activationOf(layer: Layer): string | null {
  const cls = (layer.constructor as { className?: string }).className ?? layer.constructor.name;
  if (cls in LAYER_ACTIVATIONS) return LAYER_ACTIVATIONS[cls];
  const act = (layer.getConfig() as { activation?: unknown }).activation;
  return typeof act === 'string' ? act : null;
}

/** True for weightless layers that only apply an activation (their stats are folded into the previous layer). */
export function isActivationLayer(layer: Layer): boolean {
  const cls = (layer.constructor as { className?: string }).className ?? '';
  return layer.trainableWeights.length === 0 && (cls === 'Activation' || cls in LAYER_ACTIVATIONS);
}

export interface ActivationStats {
  activationMean: number;
  activationStd: number;
  /** Fraction of units (last axis) that are never positive over the batch (ReLU family; else 0). */
  deadFraction: number;
  /** Fraction of activation values in the flat, saturated part of sigmoid/tanh (else 0). */
  saturatedFraction: number;
}

/** Statistics of a layer output `y` ([batch, ..., units]) under activation `kind`. */
export function activationStats(y: Tensor, kind: string | null): ActivationStats {
  const data = y.dataSync();
  const n = data.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += data[i];
  const mean = n > 0 ? sum / n : 0;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (data[i] - mean) ** 2;
  const std = n > 0 ? Math.sqrt(sq / n) : 0;
  let deadFraction = 0;
  if (kind !== null && RELU_FAMILY.has(kind) && y.shape.length >= 2) {
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

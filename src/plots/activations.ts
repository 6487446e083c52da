// Activation plots: per-layer activation histograms and the shapes of activation functions.
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from '../tensor/creation.js';
import { get as getActivation, type ActivationIdentifier } from '../activations/index.js';
import { SCHEMA, describe, savePlot, type PlotOptions, type PlotResult } from './render.js';

/** Activation samples per layer: `{ layerName: Tensor | number[] }` or `[{ name, values }]`, in model order. */
export type ActivationSamples = Record<string, Tensor | ArrayLike<number>> | ReadonlyArray<{ name: string; values: Tensor | ArrayLike<number> }>;

export interface PlotActivationHistogramsOptions extends PlotOptions {
  /** Number of bins over the shared range (default 40). */
  bins?: number;
  /** Value range of the bins (default: min and max over all layers). */
  range?: [number, number];
}

interface Bin { layer: string; binStart: number; binEnd: number; count: number; fraction: number }

function valuesOf(v: Tensor | ArrayLike<number>, name: string): ArrayLike<number> {
  if (v !== null && typeof v === 'object' && 'dataSync' in v && typeof v.dataSync === 'function') return v.dataSync();
  if (Array.isArray(v) || ArrayBuffer.isView(v)) return v as ArrayLike<number>;
  throw new Error(`plotActivationHistograms: expected the activations of layer '${name}' as a Tensor or an array of numbers, received ${describe(v)}`);
}

/** Histograms over one shared range: `fraction` is each bin's share of the layer's finite values. */
export function activationBins(samples: ActivationSamples, bins = 40, range?: [number, number]): { rows: Bin[]; layers: string[]; lo: number; hi: number } {
  const entries: Array<[string, ArrayLike<number>]> = Array.isArray(samples)
    ? (samples as ReadonlyArray<{ name: string; values: Tensor | ArrayLike<number> }>).map((s) => [s.name, valuesOf(s.values, s.name)])
    : Object.entries(samples as Record<string, Tensor | ArrayLike<number>>).map(([n, v]) => [n, valuesOf(v, n)]);
  if (entries.length === 0) throw new Error('plotActivationHistograms: expected at least one layer of activations, received none');
  if (!Number.isInteger(bins) || bins < 1) throw new Error(`plotActivationHistograms: expected bins to be a positive integer, received ${bins}`);
  let lo = Infinity;
  let hi = -Infinity;
  if (range) [lo, hi] = range;
  else {
    for (const [, vals] of entries) {
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i];
        if (Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
  }
  if (!(hi >= lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new Error('plotActivationHistograms: no finite activation values to plot');
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const step = (hi - lo) / bins;
  const rows: Bin[] = [];
  for (const [layer, vals] of entries) {
    const counts = new Array<number>(bins).fill(0);
    let total = 0;
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (!Number.isFinite(v) || v < lo || v > hi) continue;
      counts[Math.min(bins - 1, Math.floor((v - lo) / step))]++;
      total++;
    }
    counts.forEach((count, b) => rows.push({ layer, binStart: lo + b * step, binEnd: lo + (b + 1) * step, count, fraction: total > 0 ? count / total : 0 }));
  }
  return { rows, layers: entries.map(([n]) => n), lo, hi };
}

/**
 * Plots the distribution of each layer's activations (one row per layer, shared x range), the
 * picture of Glorot & Bengio (2010): saturating sigmoids pile up at 0 and 1, dead ReLUs at 0.
 * @example await plotActivationHistograms({ dense_1: a1, dense_2: a2 }, 'runs/activations.svg');
 */
export async function plotActivationHistograms(samples: ActivationSamples, filePath: string, options: PlotActivationHistogramsOptions = {}): Promise<PlotResult> {
  const { rows, layers, lo, hi } = activationBins(samples, options.bins ?? 40, options.range);
  const spec = {
    $schema: SCHEMA,
    title: options.title ?? 'Activation distributions',
    background: 'white',
    data: { values: rows },
    facet: { row: { field: 'layer', type: 'ordinal', sort: layers, title: 'Layer', header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'right', titleOrient: 'right' } } },
    spec: {
      width: options.width ?? 420,
      height: options.height ?? 60,
      mark: { type: 'rect', tooltip: true },
      encoding: {
        x: { field: 'binStart', type: 'quantitative', title: 'Activation', scale: { domain: [lo, hi], nice: false, zero: false } },
        x2: { field: 'binEnd' },
        y: { field: 'fraction', type: 'quantitative', title: 'Fraction' },
        y2: { datum: 0 },
      },
    },
    config: { axis: { grid: true } },
  };
  return savePlot(spec, filePath, 'plotActivationHistograms');
}

export interface PlotActivationFunctionsOptions extends PlotOptions {
  /** Input range (default [-5, 5]). */
  range?: [number, number];
  /** Number of sample points (default 201). */
  points?: number;
}

/** An activation by Keras name ('selu', 'leaky_relu'), or a labelled function. */
export type ActivationCurve = string | { name: string; fn: ActivationIdentifier };

/**
 * Plots activation functions over an input range (default [-5, 5]), computed with
 * `activations.get(name)` so the curves are exactly what the layers apply.
 * @example await plotActivationFunctions(['sigmoid', 'tanh', 'relu', 'elu', 'selu'], 'runs/activations.svg');
 */
export async function plotActivationFunctions(names: ReadonlyArray<ActivationCurve>, filePath: string, options: PlotActivationFunctionsOptions = {}): Promise<PlotResult> {
  if (!Array.isArray(names) || names.length === 0) throw new Error(`plotActivationFunctions: expected a non-empty list of activation names, received ${describe(names)}`);
  const [lo, hi] = options.range ?? [-5, 5];
  const n = options.points ?? 201;
  if (!(hi > lo) || !Number.isInteger(n) || n < 2) throw new Error(`plotActivationFunctions: expected range [lo, hi] with lo < hi and points >= 2, received [${lo}, ${hi}] and ${n}`);
  const zs = Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
  const z = tensor(zs, [n], 'float64');
  const rows: Array<{ z: number; value: number; activation: string }> = [];
  const labels: string[] = [];
  for (const entry of names) {
    const label = typeof entry === 'string' ? entry : entry.name;
    const fn = getActivation(typeof entry === 'string' ? entry : entry.fn);
    const out = fn(z).dataSync();
    labels.push(label);
    zs.forEach((zv, i) => {
      if (Number.isFinite(out[i])) rows.push({ z: zv, value: out[i], activation: label });
    });
  }
  const spec = {
    $schema: SCHEMA,
    title: options.title ?? 'Activation functions',
    width: options.width ?? 420,
    height: options.height ?? 300,
    background: 'white',
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'z', type: 'quantitative', title: 'z', scale: { domain: [lo, hi], nice: false } },
      y: { field: 'value', type: 'quantitative', title: 'Activation', scale: { zero: false, nice: true } },
      color: { field: 'activation', type: 'nominal', sort: labels, title: 'Function' },
    },
    config: { axis: { grid: true } },
  };
  return savePlot(spec, filePath, 'plotActivationFunctions');
}

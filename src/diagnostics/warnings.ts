// Training-health warnings: vanishing/exploding gradients, dying ReLUs, saturation, SELU's self-normalization conditions.
import type { Model } from '../models/functional.js';
import type { Layer } from '../layers/layer.js';
import { leafLayers } from './forward.js';
import type { GradientReport, LayerHealth } from './report.js';

/** Thresholds of the warnings (defaults in brackets). */
export interface HealthThresholds {
  /** Warn 'vanishing gradients' when the first/last gradient-norm ratio is below this [1e-3]. */
  vanishingRatio?: number;
  /** Warn 'exploding gradients' when the ratio is above this [1e3] (or any gradient norm is not finite). */
  explodingRatio?: number;
  /**
   * Warn 'dying ReLUs' when a layer's dead fraction is above this [0.8]. Not 0.5: in a healthy deep
   * He-initialized ReLU stack the samples' representations become correlated with depth, so at
   * initialization about half the units of the deeper layers (up to ~75% in 100 layers of width 30)
   * are already off for a whole batch; units that died in training are off for every batch.
   */
  deadFraction?: number;
  /** Warn 'saturated activations' when a layer's saturated fraction is above this [0.5]. */
  saturatedFraction?: number;
  /** SELU: inputs count as standardized when the batch mean is within this of 0 [0.2]. */
  seluMeanTolerance?: number;
  /** SELU: inputs count as standardized when the batch std is within this of 1 [0.25]. */
  seluStdTolerance?: number;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toPrecision(3) : String(v));
const pct = (v: number): string => `${Math.round(v * 100)}%`;
/** `"a", "b", "c" and 7 more`: keeps warnings about deep stacks readable. */
function names(items: string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
const classOf = (l: Layer): string => (l.constructor as { className?: string }).className ?? l.constructor.name;
const quoted = (l: { name: string }): string => `"${l.name}"`;

/** True for a Keras LecunNormal kernel initializer (or the equivalent VarianceScaling(1, fan_in, normal)). */
export function isLecunNormal(layer: Layer): boolean {
  const init = (layer.getConfig() as { kernel_initializer?: { class_name?: string; config?: Record<string, unknown> } }).kernel_initializer;
  if (!init) return false;
  if (init.class_name === 'LecunNormal') return true;
  const c = init.config ?? {};
  return init.class_name === 'VarianceScaling' && c.scale === 1 && c.mode === 'fan_in' && (c.distribution === 'truncated_normal' || c.distribution === 'normal');
}

/** True when the model is one chain: one input, one output, every node one input, every tensor used once. */
export function isSequentialTopology(model: Model): boolean {
  const graph = model.graphInfo;
  if (!graph || model.inputs.length !== 1 || model.outputs.length !== 1) return false;
  const consumers = new Map<number, number>();
  for (const node of graph.nodes) {
    if (node.inputs.length > 1) return false;
    for (const t of node.inputs) consumers.set(t.id, (consumers.get(t.id) ?? 0) + 1);
  }
  return [...consumers.values()].every((n) => n === 1);
}

/** Dropout-like layers that break self-normalization (everything but AlphaDropout). */
const isBadDropout = (l: Layer): boolean => {
  const cls = classOf(l);
  return cls !== 'AlphaDropout' && (cls.includes('Dropout') || cls === 'GaussianNoise');
};

/**
 * SELU self-normalization conditions (Klambauer et al., 2017) broken by this model and input batch;
 * empty when the model uses no SELU. Checks: inputs standardized (batch mean within
 * `seluMeanTolerance` of 0 and std within `seluStdTolerance` of 1), lecun_normal kernels in the
 * SELU layers, a plain sequential topology, no layer with weights other than Dense, and no dropout
 * other than AlphaDropout.
 */
export function seluProblems(model: Model, report: Pick<GradientReport, 'inputMean' | 'inputStd' | 'layers'>, t: HealthThresholds = {}, cache?: ReportCache): string[] {
  let structure = cache?.selu;
  if (structure === undefined) {
    structure = seluStructureProblems(model, new Set(report.layers.filter((l) => l.activation === 'selu').map((l) => l.name)));
    if (cache) cache.selu = structure;
  }
  if (structure === null) return [];
  const out: string[] = [];
  const meanTol = t.seluMeanTolerance ?? 0.2;
  const stdTol = t.seluStdTolerance ?? 0.25;
  if (!(Math.abs(report.inputMean) <= meanTol && Math.abs(report.inputStd - 1) <= stdTol)) {
    out.push(`${SELU}: inputs are not standardized (batch mean ${fmt(report.inputMean)}, std ${fmt(report.inputStd)}; expected mean within ${meanTol} of 0 and std within ${stdTol} of 1; scale with (x - mean) / std)`);
  }
  return out.concat(structure);
}

const SELU = 'SELU self-normalization';

/** The SELU conditions a model's structure breaks (null when it uses no SELU); `seluNames`: the reported SELU layers. */
function seluStructureProblems(model: Model, seluNames: Set<string>): string[] | null {
  const all = leafLayers(model);
  const usesSelu = seluNames.size > 0 || all.some((l) => (l.getConfig() as { activation?: unknown }).activation === 'selu');
  if (!usesSelu) return null;
  const out: string[] = [];
  const p = SELU;
  const badInit = all.filter((l) => seluNames.has(l.name) && classOf(l) === 'Dense' && !isLecunNormal(l));
  if (badInit.length > 0) out.push(`${p}: kernel initializer is not lecun_normal in ${names(badInit.map(quoted))}`);
  if (!isSequentialTopology(model)) out.push(`${p}: the network is not a plain sequential stack (skip connections, branches or several inputs/outputs break it)`);
  const others = all.filter((l) => l.weights.length > 0 && classOf(l) !== 'Dense');
  if (others.length > 0) out.push(`${p}: expects only Dense layers with weights, received ${names(others.map((l) => `${classOf(l)} "${l.name}"`))}`);
  const dropouts = all.filter(isBadDropout);
  if (dropouts.length > 0) out.push(`${p}: ${names(dropouts.map((l) => `${classOf(l)} "${l.name}"`))} breaks it; use AlphaDropout`);
  return out;
}

/**
 * Facts of a model's structure that a series of reports on it can share (a Dashboard's fit reads them once): each
 * layer's activation and the SELU structure checks. Only for reports on a model whose layers do not change. @internal
 */
export interface ReportCache {
  activations: Map<Layer, string | null>;
  /** seluProblems' structural findings (null: no SELU), once found. */
  selu?: string[] | null;
}

function gradientWarnings(layers: LayerHealth[], ratio: number, t: HealthThresholds): string[] {
  const vanishing = t.vanishingRatio ?? 1e-3;
  const exploding = t.explodingRatio ?? 1e3;
  const nonFinite = layers.filter((l) => !Number.isFinite(l.gradientNorm));
  if (nonFinite.length > 0) return [`exploding gradients: non-finite gradient norm in ${names(nonFinite.map(quoted))}`];
  if (layers.length < 2) return [];
  const first = layers[0];
  const last = layers[layers.length - 1];
  const where = `the first layer "${first.name}" has gradient norm ${fmt(first.gradientNorm)}, ${fmt(ratio)} times the last layer "${last.name}" (${fmt(last.gradientNorm)})`;
  if (first.gradientNorm === 0) return [`vanishing gradients: no gradient reaches the first layer "${first.name}" (gradient norm 0; the last layer "${last.name}" has ${fmt(last.gradientNorm)})`];
  if (ratio < vanishing) return [`vanishing gradients: ${where}; expected a ratio above ${vanishing}`];
  if (ratio > exploding) return [`exploding gradients: ${where}; expected a ratio below ${exploding}`];
  return [];
}

/** All warnings for a report: gradients, dying ReLUs, saturation, then SELU conditions. */
export function healthWarnings(model: Model, report: GradientReport, t: HealthThresholds = {}, cache?: ReportCache): string[] {
  const { layers } = report;
  const out = gradientWarnings(layers, report.firstToLastGradientRatio, t);
  const worst = (ls: LayerHealth[], key: 'deadFraction' | 'saturatedFraction'): LayerHealth => ls.reduce((a, b) => (b[key] > a[key] ? b : a));
  const dead = layers.filter((l) => l.deadFraction > (t.deadFraction ?? 0.8));
  if (dead.length > 0) {
    const w = worst(dead, 'deadFraction');
    out.push(`dying ReLUs: in ${dead.length} of ${layers.length} layers (${names(dead.map(quoted))}) most units output 0 for the whole batch; worst "${w.name}" (${w.activation}) ${pct(w.deadFraction)} dead`);
  }
  const saturated = layers.filter((l) => l.saturatedFraction > (t.saturatedFraction ?? 0.5));
  if (saturated.length > 0) {
    const w = worst(saturated, 'saturatedFraction');
    out.push(`saturated activations: in ${saturated.length} of ${layers.length} layers (${names(saturated.map(quoted))}) most values sit in the flat tails; worst "${w.name}" (${w.activation}) ${pct(w.saturatedFraction)}`);
  }
  out.push(...seluProblems(model, report, t, cache));
  return out;
}

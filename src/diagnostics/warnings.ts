// Training-health warnings: vanishing/exploding gradients, dying ReLUs, saturation, SELU's self-normalization conditions.
import type { Model } from '../models/functional.js';
import type { Layer } from '../layers/layer.js';
import { InputLayer } from '../layers/input_layer.js';
import type { GradientReport } from './report.js';

/** Thresholds of the warnings (defaults in brackets). */
export interface HealthThresholds {
  /** Warn 'vanishing gradients' when first/last gradient-norm ratio is below this [1e-3]. */
  vanishingRatio?: number;
  /** Warn 'exploding gradients' when the ratio is above this [1e3]. */
  explodingRatio?: number;
  /** Warn 'dying ReLUs' when a layer's dead fraction reaches this [0.8]. At initialization a deep He-initialized ReLU stack already has about half its units (up to ~75% when narrow) off for a whole batch. */
  deadFraction?: number;
  /** Warn 'saturated' when a layer's saturated fraction reaches this [0.5]. */
  saturatedFraction?: number;
}

const fmt = (v: number): string => (Number.isFinite(v) ? v.toPrecision(3) : String(v));
const pct = (v: number): string => `${Math.round(v * 100)}%`;
/** `"a", "b", "c" and 7 more` — keeps warnings about deep stacks readable. */
function names(items: string[], max = 3): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
const classOf = (l: Layer): string => (l.constructor as { className?: string }).className ?? l.constructor.name;

/** Layers that SELU's self-normalization tolerates in a stack (Klambauer et al., 2017). */
const SELU_FRIENDLY = new Set(['Dense', 'Flatten', 'InputLayer', 'AlphaDropout', 'Reshape']);

function isLecunNormal(layer: Layer): boolean {
  const init = (layer.getConfig() as { kernel_initializer?: { class_name?: string; config?: Record<string, unknown> } }).kernel_initializer;
  if (!init) return false;
  if (init.class_name === 'LecunNormal') return true;
  const c = init.config ?? {};
  return init.class_name === 'VarianceScaling' && c.scale === 1 && c.mode === 'fan_in' && (c.distribution === 'truncated_normal' || c.distribution === 'normal');
}

function isSequentialTopology(model: Model): boolean {
  const graph = model.graphInfo;
  if (!graph) return false;
  if (model.inputs.length !== 1 || model.outputs.length !== 1) return false;
  const consumers = new Map<number, number>();
  for (const node of graph.nodes) {
    if (node.inputs.length > 1) return false;
    for (const t of node.inputs) consumers.set(t.id, (consumers.get(t.id) ?? 0) + 1);
  }
  return [...consumers.values()].every((n) => n === 1);
}

/** SELU self-normalization conditions broken by this model and input batch (empty when none or no SELU layer). */
export function seluProblems(model: Model, report: Pick<GradientReport, 'inputMean' | 'inputStd'>): string[] {
  const all = model.graphInfo?.layers ?? model.layers;
  const selu = all.filter((l) => (l.getConfig() as { activation?: unknown }).activation === 'selu');
  if (selu.length === 0) return [];
  const out: string[] = [];
  const p = 'SELU self-normalization';
  if (Math.abs(report.inputMean) > 0.2 || report.inputStd < 0.7 || report.inputStd > 1.4) {
    out.push(`${p}: inputs are not standardized (batch mean ${fmt(report.inputMean)}, std ${fmt(report.inputStd)}; expected about 0 and 1; scale with (x - mean) / std)`);
  }
  const badInit = selu.filter((l) => classOf(l) === 'Dense' && !isLecunNormal(l));
  if (badInit.length > 0) {
    out.push(`${p}: kernel initializer is not lecun_normal in ${names(badInit.map((l) => `"${l.name}"`))}`);
  }
  if (!isSequentialTopology(model)) out.push(`${p}: the network is not a plain sequential stack (skip connections or branches break it)`);
  const dropouts = all.filter((l) => ['Dropout', 'GaussianDropout', 'GaussianNoise'].includes(classOf(l)));
  if (dropouts.length > 0) out.push(`${p}: ${names(dropouts.map((l) => `${classOf(l)} "${l.name}"`))} breaks it; use AlphaDropout`);
  const others = all.filter((l) => !(l instanceof InputLayer) && !SELU_FRIENDLY.has(classOf(l)) && !dropouts.includes(l));
  if (others.length > 0) out.push(`${p}: expects only Dense layers, received ${names(others.map((l) => `${classOf(l)} "${l.name}"`))}`);
  return out;
}

/** All warnings for a report. */
export function healthWarnings(model: Model, report: GradientReport, t: HealthThresholds = {}): string[] {
  const out: string[] = [];
  const { layers } = report;
  const vanishing = t.vanishingRatio ?? 1e-3;
  const exploding = t.explodingRatio ?? 1e3;
  const nonFinite = layers.filter((l) => !Number.isFinite(l.gradientNorm));
  if (nonFinite.length > 0) {
    out.push(`exploding gradients: non-finite gradient norm in ${names(nonFinite.map((l) => `"${l.name}"`))}`);
  } else if (layers.length >= 2) {
    const first = layers[0];
    const last = layers[layers.length - 1];
    const r = report.firstToLastGradientRatio;
    if (r < vanishing || (first.gradientNorm === 0 && last.gradientNorm > 0)) {
      out.push(`vanishing gradients: the first layer "${first.name}" has gradient norm ${fmt(first.gradientNorm)}, ${fmt(r)} times the last layer "${last.name}" (${fmt(last.gradientNorm)}); expected a ratio above ${vanishing}`);
    } else if (r > exploding) {
      out.push(`exploding gradients: the first layer "${first.name}" has gradient norm ${fmt(first.gradientNorm)}, ${fmt(r)} times the last layer "${last.name}" (${fmt(last.gradientNorm)}); expected a ratio below ${exploding}`);
    }
  }
  const worst = (ls: typeof layers, key: 'deadFraction' | 'saturatedFraction'): (typeof layers)[number] => ls.reduce((a, b) => (b[key] > a[key] ? b : a));
  const dead = layers.filter((l) => l.deadFraction >= (t.deadFraction ?? 0.8));
  if (dead.length > 0) {
    const w = worst(dead, 'deadFraction');
    out.push(`dying ReLUs: in ${dead.length} layer(s) (${names(dead.map((l) => `"${l.name}"`))}) most units are never positive over the batch; worst "${w.name}" (${w.activation}) ${pct(w.deadFraction)}`);
  }
  const saturated = layers.filter((l) => l.saturatedFraction >= (t.saturatedFraction ?? 0.5));
  if (saturated.length > 0) {
    const w = worst(saturated, 'saturatedFraction');
    out.push(`saturated activations: in ${saturated.length} of ${layers.length} layers most values sit in the flat tails; worst "${w.name}" (${w.activation}) ${pct(w.saturatedFraction)}`);
  }
  out.push(...seluProblems(model, report));
  return out;
}

// plotGradientNorms: per-layer gradient norms on a log scale, from diagnostics reports or {layer: norms}.
import { SCHEMA, checkSeries, describe, savePlot, type PlotOptions, type PlotResult } from './render.js';

/** The part of a diagnostics report this plot reads. */
export interface GradientNormReport {
  layers: ReadonlyArray<{ name: string; gradientNorm: number }>;
  /** Optional label for the report (epoch or step); defaults to its position. */
  epoch?: number;
  step?: number;
}

/**
 * One report, several reports (e.g. GradientHealth's `reports`), `{ layerName: normPerEpoch[] }`,
 * or a History holding GradientHealth's 'gradient_norm/<layer>' series.
 */
export type GradientNormsInput =
  | GradientNormReport | ReadonlyArray<GradientNormReport> | Record<string, ArrayLike<number>> | { history: Record<string, ArrayLike<number>> };

export interface PlotGradientNormsOptions extends PlotOptions {
  /** 'layer' (default): layers along x, one line per epoch/report; 'epoch': epochs along x, one line per layer. */
  xAxis?: 'layer' | 'epoch';
}

interface Row { layer: string; depth: number; epoch: number; norm: number }

function isReport(x: unknown): x is GradientNormReport {
  return typeof x === 'object' && x !== null && Array.isArray((x as GradientNormReport).layers);
}

/** A History (or its dict) with GradientHealth's 'gradient_norm/<layer>' series becomes { layer: norms }. */
function fromHistory(input: Record<string, unknown>): Record<string, unknown> {
  const h = (typeof input.history === 'object' && input.history !== null && !Array.isArray(input.history) ? input.history : input) as Record<string, unknown>;
  const prefix = 'gradient_norm/';
  const keys = Object.keys(h).filter((k) => k.startsWith(prefix));
  if (keys.length === 0) return input;
  return Object.fromEntries(keys.map((k) => [k.slice(prefix.length), h[k]]));
}

/** Long-format rows (layer, depth, epoch, norm) from any accepted input; non-positive norms are counted, not kept. */
export function gradientRows(input: GradientNormsInput): { rows: Row[]; layers: string[]; dropped: number } {
  const raw: Row[] = [];
  if (isReport(input) || (Array.isArray(input) && input.length > 0 && input.every(isReport))) {
    const reports = (isReport(input) ? [input] : input) as GradientNormReport[];
    reports.forEach((rep, r) => {
      rep.layers.forEach((l, depth) => {
        if (typeof l?.name !== 'string' || typeof l.gradientNorm !== 'number') {
          throw new Error(`plotGradientNorms: report ${r} layer ${depth}: expected { name, gradientNorm }, received ${describe(l)}`);
        }
        raw.push({ layer: l.name, depth, epoch: rep.epoch ?? rep.step ?? r, norm: l.gradientNorm });
      });
    });
  } else if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
    Object.entries(fromHistory(input as Record<string, unknown>)).forEach(([layer, norms], depth) => {
      checkSeries(norms, `the norms of layer '${layer}'`, 'plotGradientNorms').forEach((norm, epoch) => raw.push({ layer, depth, epoch, norm }));
    });
  } else {
    throw new Error(`plotGradientNorms: expected a gradient report, an array of reports or { layer: norms[] }, received ${describe(input)}`);
  }
  const rows = raw.filter((r) => r.norm !== null && Number.isFinite(r.norm) && r.norm > 0);
  if (rows.length === 0) throw new Error('plotGradientNorms: no positive finite gradient norm to plot on a log scale');
  const layers = [...new Set(raw.map((r) => r.layer))];
  return { rows, layers, dropped: raw.length - rows.length };
}

/**
 * Plots per-layer gradient norms on a logarithmic axis: with layers in model order along x, a
 * vanishing-gradient network shows a line falling by orders of magnitude toward the input.
 * Zero or non-finite norms cannot sit on a log axis; they are left out and counted in the subtitle.
 * @example await plotGradientNorms(await diagnostics.gradientReport(model, x, y), 'runs/grad-norms.svg');
 */
export async function plotGradientNorms(input: GradientNormsInput, filePath: string, options: PlotGradientNormsOptions = {}): Promise<PlotResult> {
  const { rows, layers, dropped } = gradientRows(input);
  const byLayer = (options.xAxis ?? 'layer') === 'layer';
  const epochs = new Set(rows.map((r) => r.epoch)).size;
  const subtitle = dropped > 0 ? `${dropped} zero or non-finite norm${dropped > 1 ? 's' : ''} not shown` : undefined;
  const layerAxis = { field: 'layer', type: 'ordinal', sort: layers, title: 'Layer', axis: { labelAngle: -60, labelOverlap: 'parity' } };
  const epochField = { field: 'epoch', title: 'Epoch' };
  const spec = {
    $schema: SCHEMA,
    title: subtitle ? { text: options.title ?? 'Gradient norm per layer', subtitle } : options.title ?? 'Gradient norm per layer',
    width: options.width ?? Math.max(360, Math.min(900, 18 * (byLayer ? layers.length : epochs))),
    height: options.height ?? 300,
    background: 'white',
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: byLayer ? layerAxis : { ...epochField, type: 'quantitative', scale: { zero: false, nice: false }, axis: { tickMinStep: 1 } },
      y: { field: 'norm', type: 'quantitative', title: 'Gradient norm (log scale)', scale: { type: 'log' }, axis: { format: '.0e' } },
      color: byLayer
        ? { ...epochField, type: epochs > 10 ? 'quantitative' : 'ordinal', scale: { scheme: 'viridis' } }
        : { field: 'layer', type: 'nominal', sort: layers, title: 'Layer' },
      detail: { field: byLayer ? 'epoch' : 'layer', type: 'nominal' },
      tooltip: [{ field: 'layer' }, { field: 'epoch' }, { field: 'norm', format: '.3e' }],
    },
    config: { axis: { grid: true } },
  };
  return savePlot(spec, filePath, 'plotGradientNorms');
}

// The parts of the layerwise API the lab uses that may not be exported yet (diagnostics, plots, loadModel), probed at run time.
import * as lw from 'layerwise';
import type { Model, Tensor } from 'layerwise';

/** The figures the lab reads from `diagnostics.gradientReport` (API.md contract). */
export interface LayerHealthLike {
  name: string;
  gradientNorm: number;
  weightNorm: number;
  activationMean: number;
  activationStd: number;
  deadFraction: number;
  saturatedFraction: number;
}

export interface GradientReportLike {
  layers: LayerHealthLike[];
  firstToLastGradientRatio: number;
  warnings: string[];
}

export interface DiagnosticsLike {
  gradientReport(model: Model, x: Tensor, y: Tensor): Promise<GradientReportLike>;
}

type PlotFn = (input: unknown, filePath: string, options?: Record<string, unknown>) => Promise<unknown>;

export interface PlotsLike {
  plotHistory: PlotFn;
  plotGradientNorms: PlotFn;
  renderSvg(spec: Record<string, unknown>): Promise<{ svg: string }>;
}

const ns = lw as unknown as Record<string, any>;

/** `diagnostics` from the package root, or null with the reason. */
export function diagnosticsApi(): { api: DiagnosticsLike | null; why: string } {
  const d = ns.diagnostics as DiagnosticsLike | undefined;
  if (d && typeof d.gradientReport === 'function') return { api: d, why: '' };
  return { api: null, why: "`diagnostics.gradientReport` is not exported from 'layerwise' in this build" };
}

/** `loadModel` from the package root, or null. */
export function loadModelApi(): ((path: string) => Promise<Model>) | null {
  return typeof ns.loadModel === 'function' ? (ns.loadModel as (path: string) => Promise<Model>) : null;
}

let plotsCache: { api: PlotsLike | null; source: string } | null = null;

/**
 * The plot functions: from the package root when exported there; otherwise (stopgap, flagged in
 * the report) from the compiled sources beside the lab. Plots are pure (data in, SVG out), so
 * loading them from the second copy of the library is harmless.
 */
export async function plotsApi(): Promise<{ api: PlotsLike | null; source: string }> {
  if (plotsCache) return plotsCache;
  const root = (ns.plots ?? ns) as Partial<PlotsLike>;
  if (typeof root.plotHistory === 'function' && typeof root.plotGradientNorms === 'function' && typeof root.renderSvg === 'function') {
    plotsCache = { api: root as PlotsLike, source: "'layerwise'" };
    return plotsCache;
  }
  try {
    const mod = (await import('../../../src/plots/index.js')) as unknown as PlotsLike;
    plotsCache = { api: mod, source: 'src/plots (not exported from the package root yet)' };
  } catch (e) {
    plotsCache = { api: null, source: `unavailable: ${(e as Error).message}` };
  }
  return plotsCache;
}

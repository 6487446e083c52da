// Headless rendering of Vega-Lite specs to SVG files (vega-lite compile -> vega View, renderer 'none').
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { writeFileAtomic } from '../utils/atomic.js';

/** A Vega-Lite specification as a plain JSON object. */
export type VegaLiteSpec = Record<string, unknown>;

/** What every plot function resolves to. */
export interface PlotResult {
  /** Absolute path of the file written. */
  path: string;
  /** The SVG markup (also written to `path` unless it ends in .json). */
  svg: string;
  /** The Vega-Lite spec that was rendered (data inline), for reuse in notebooks or the Vega editor. */
  spec: VegaLiteSpec;
  /** The headless Vega view: `view.scale('y').domain()` gives the plotted ranges. */
  view: View;
}

/** Common size and title options of the plot functions. */
export interface PlotOptions {
  title?: string;
  /** Width of the plotting area in pixels. */
  width?: number;
  /** Height of the plotting area in pixels (per facet row where the plot is faceted). */
  height?: number;
}

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** Compiles and renders `spec` headlessly; vega is loaded only when a plot is made. */
export async function renderSvg(spec: VegaLiteSpec): Promise<{ svg: string; view: View }> {
  const [vega, vl] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = vl.compile(spec as unknown as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  return { svg, view };
}

/**
 * Renders `spec` and writes it atomically (temporary file + rename, parent directories created):
 * SVG for `.svg` paths, the Vega-Lite JSON spec for `.json` paths.
 */
export async function savePlot(spec: VegaLiteSpec, filePath: string, caller: string): Promise<PlotResult> {
  if (typeof filePath !== 'string' || filePath === '') throw new Error(`${caller}: expected an output path, received ${JSON.stringify(filePath)}`);
  const ext = path.extname(filePath).toLowerCase();
  if (ext !== '.svg' && ext !== '.json') {
    throw new Error(`${caller}: cannot write ${filePath}: expected a path ending in .svg (or .json for the Vega-Lite spec), received '${ext || 'no extension'}'`);
  }
  const { svg, view } = await renderSvg(spec);
  await mkdir(path.dirname(path.resolve(filePath)), { recursive: true });
  await writeFileAtomic(filePath, ext === '.json' ? `${JSON.stringify(spec, null, 1)}\n` : svg);
  return { path: path.resolve(filePath), svg, spec, view };
}

/** Throws unless `values` is an array of numbers (nulls and non-finite numbers are allowed and skipped). */
export function checkSeries(values: unknown, what: string, caller: string): number[] {
  const ok = (Array.isArray(values) || ArrayBuffer.isView(values)) && Array.from(values as ArrayLike<unknown>).every((v) => v === null || typeof v === 'number');
  if (!ok) throw new Error(`${caller}: expected ${what} to be an array of numbers, received ${describe(values)}`);
  return Array.from(values as ArrayLike<number>);
}

export function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array [${v.slice(0, 3).map((x) => JSON.stringify(x)).join(', ')}${v.length > 3 ? ', ...' : ''}]`;
  if (v === null) return 'null';
  return typeof v === 'object' ? `an object with keys ${Object.keys(v as object).join(', ') || '(none)'}` : `${typeof v} ${JSON.stringify(v)}`;
}

// plotHistory: learning curves (loss and metrics; train solid, validation dashed) from a History.
import { SCHEMA, checkSeries, describe, savePlot, type PlotOptions, type PlotResult } from './render.js';

/** A Keras History (`.history`, optional `.epoch`) or its plain `{ loss: [...], val_loss: [...] }` dict. */
export type HistoryLike = { history: Record<string, ArrayLike<number>>; epoch?: number[] } | Record<string, ArrayLike<number>>;

export interface PlotHistoryOptions extends PlotOptions {
  /** Base names to plot ('loss', 'accuracy'); their 'val_' counterparts come along. Default: all but per-layer 'figure/layer' series. */
  metrics?: string[];
  /** Logarithmic value axis. */
  logScale?: boolean;
  /** Value-axis title (default: the metric name when only one is plotted, else 'Value'). */
  yTitle?: string;
}

interface Row { epoch: number; value: number; metric: string; split: 'train' | 'validation'; series: string }

function unwrap(history: HistoryLike): { dict: Record<string, unknown>; epochs?: number[] } {
  if (history === null || typeof history !== 'object') throw new Error(`plotHistory: expected a History or a dict of per-epoch values, received ${describe(history)}`);
  const h = history as { history?: unknown; epoch?: unknown };
  if (h.history !== undefined && typeof h.history === 'object' && h.history !== null && !Array.isArray(h.history)) {
    return { dict: h.history as Record<string, unknown>, epochs: Array.isArray(h.epoch) && h.epoch.length > 0 ? (h.epoch as number[]) : undefined };
  }
  return { dict: history as Record<string, unknown> };
}

/** Flattens a history into long-format rows (non-finite values dropped), in the dict's key order. */
export function historyRows(history: HistoryLike, metrics?: string[]): { rows: Row[]; bases: string[] } {
  const { dict, epochs } = unwrap(history);
  const keys = Object.keys(dict);
  if (keys.length === 0) throw new Error('plotHistory: the history is empty (expected at least one series such as loss)');
  // Per-layer series logged by GradientHealth ('gradient_norm/dense_1') belong to plotGradientNorms.
  const allBases = [...new Set(keys.filter((k) => !k.includes('/')).map((k) => k.replace(/^val_/, '')))];
  const bases = metrics ?? allBases;
  if (bases.length === 0) throw new Error(`plotHistory: no metric series to plot (keys: ${keys.join(', ')})`);
  for (const m of bases) {
    if (!(m in dict) && !(`val_${m}` in dict)) {
      throw new Error(`plotHistory: no series '${m}' in the history (available: ${keys.join(', ')})`);
    }
  }
  const rows: Row[] = [];
  for (const base of bases) {
    for (const [key, split] of [[base, 'train'], [`val_${base}`, 'validation']] as const) {
      if (!(key in dict)) continue;
      const values = checkSeries(dict[key], `history '${key}'`, 'plotHistory');
      values.forEach((v, i) => {
        if (v !== null && Number.isFinite(v)) rows.push({ epoch: epochs?.[i] ?? i, value: v, metric: base, split, series: key });
      });
    }
  }
  if (rows.length === 0) throw new Error(`plotHistory: no finite values to plot in ${bases.join(', ')}`);
  return { rows, bases };
}

/**
 * Plots learning curves, one colour per metric, training solid and validation dashed, against
 * the epoch (History.epoch, else 0, 1, 2... like pandas' `pd.DataFrame(history.history).plot()`).
 * @example await plotHistory(history, 'runs/learning-curves.svg', { metrics: ['loss', 'accuracy'] });
 */
export async function plotHistory(history: HistoryLike, filePath: string, options: PlotHistoryOptions = {}): Promise<PlotResult> {
  const { rows, bases } = historyRows(history, options.metrics);
  const maxPoints = Math.max(...bases.map((b) => rows.filter((r) => r.metric === b && r.split === 'train').length));
  const spec = {
    $schema: SCHEMA,
    title: options.title ?? 'Learning curves',
    width: options.width ?? 480,
    height: options.height ?? 300,
    background: 'white',
    data: { values: rows },
    mark: { type: 'line', point: maxPoints <= 60, strokeWidth: 2 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', scale: { zero: false, nice: false }, axis: { tickMinStep: 1 } },
      y: {
        field: 'value', type: 'quantitative', title: options.yTitle ?? (bases.length === 1 ? bases[0] : 'Value'),
        scale: { zero: false, nice: true, type: options.logScale ? 'log' : 'linear' },
      },
      color: { field: 'metric', type: 'nominal', title: 'Metric', sort: bases, legend: { symbolType: 'stroke', symbolSize: 400 } },
      strokeDash: { field: 'split', type: 'nominal', title: 'Split', sort: ['train', 'validation'], legend: { symbolType: 'stroke', symbolSize: 400, encode: { symbols: { update: { stroke: { value: '#333' } } } } } },
      detail: { field: 'series', type: 'nominal' },
      tooltip: [{ field: 'series' }, { field: 'epoch' }, { field: 'value', format: '.4g' }],
    },
    config: { axis: { grid: true } },
  };
  return savePlot(spec, filePath, 'plotHistory');
}

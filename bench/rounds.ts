// Aggregation of the bench rounds: per-round layerwise and PyTorch figures, the median of each, and the median of the
// per-round ratios (each item is measured layerwise then PyTorch back to back, so a ratio pairs two measurements taken
// seconds apart and host-speed swings largely cancel).

/** A figure (samples/s or GFLOP/s), or why there is none ("not installed", "failed: ..."). */
export type Cell = number | string;

export interface RoundSeries {
  layerwise: Cell[];
  pytorch: Cell[];
  /** layerwise_i / pytorch_i per round; null where either side has no figure. */
  ratio: (number | null)[];
}

export interface RoundSummary {
  layerwise: Cell;
  pytorch: Cell;
  /** Median of the per-round ratios, or undefined when no round has both figures. */
  ratio: number | undefined;
}

/** Median (mean of the two middle values for an even count); undefined for an empty list. */
export function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median over the numeric rounds; if no round produced a number, the first reason given (or 'n/a'). */
function medianCell(cells: Cell[]): Cell {
  const m = median(cells.filter((c): c is number => typeof c === 'number'));
  return m ?? cells.find((c) => typeof c === 'string') ?? 'n/a';
}

/** Collects per-round pairs for a set of keys (workloads or GEMM shapes). */
export class Rounds {
  readonly series: Record<string, RoundSeries> = {};

  constructor(keys: string[]) {
    for (const k of keys) this.series[k] = { layerwise: [], pytorch: [], ratio: [] };
  }

  /** Records one round's pair for `key`; call once per round, after both sides were measured. */
  add(key: string, layerwise: Cell | undefined, pytorch: Cell | undefined): void {
    const s = this.series[key];
    const lw = layerwise ?? 'n/a';
    const pt = pytorch ?? 'n/a';
    s.layerwise.push(lw);
    s.pytorch.push(pt);
    s.ratio.push(typeof lw === 'number' && typeof pt === 'number' && pt > 0 ? lw / pt : null);
  }

  summary(key: string): RoundSummary {
    const s = this.series[key];
    return {
      layerwise: medianCell(s.layerwise),
      pytorch: medianCell(s.pytorch),
      ratio: median(s.ratio.filter((r): r is number => r !== null)),
    };
  }
}

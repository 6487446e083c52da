// The lab report: markdown sections with tables and SVG plots, written to runs/<timestamp>/report.md.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { plots } from 'layerwise';

/** A threshold as written in the text: 1e-3, 1e3, 0.85. */
export const fmtThreshold = (v: number): string => (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e3) ? v.toExponential().replace('e+', 'e') : String(v));

/** A number for the report: fixed digits, scientific when tiny or huge, NaN/inf spelled out. */
export function fmt(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return v.toFixed(digits);
}

export const pct = (v: number): string => (Number.isFinite(v) ? `${(v * 100).toFixed(1)}%` : fmt(v));

/** Mean and sample standard deviation. */
export function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, std };
}

/** One row of the report's summary table: a claim of the book, what the lab measured over its seeds, and the verdict. */
export interface Claim {
  claim: string;
  measured: string;
  /** The threshold or comparison the verdict applies, stated once, beside it. */
  test: string;
  verdict: string;
}

/** One experiment's part of the report. */
export class Section {
  readonly lines: string[] = [];
  seconds = 0;
  /** Process CPU time (user + system, all threads) spent in this experiment: less sensitive than wall time to other jobs on the machine. */
  cpuSeconds = 0;
  constructor(readonly number: number, readonly title: string, readonly dir: string, private readonly claims: Claim[] = []) {}

  /** Adds a row to the summary table at the top of the report (tagged with this section's number). */
  claim(c: Claim): void {
    this.claims.push({ ...c, claim: `${c.claim} (§${this.number})` });
  }

  text(...paragraphs: string[]): void {
    for (const p of paragraphs) this.lines.push(p, '');
  }

  /** A markdown table; numbers are formatted with fmt. */
  table(headers: string[], rows: (string | number)[][]): void {
    const cell = (c: string | number): string => (typeof c === 'number' ? fmt(c) : c.replace(/\|/g, '\\|'));
    this.lines.push(`| ${headers.join(' | ')} |`, `|${headers.map(() => '---').join('|')}|`);
    for (const r of rows) this.lines.push(`| ${r.map(cell).join(' | ')} |`);
    this.lines.push('');
  }

  code(text: string): void {
    this.lines.push('```', text.trimEnd(), '```', '');
  }

  /** Runs a plot function writing `file` beside the report and links it; a failed plot is reported, not fatal. */
  async plot(file: string, caption: string, draw: (filePath: string) => Promise<unknown>): Promise<void> {
    try {
      await draw(path.join(this.dir, file));
      this.lines.push(`![${caption}](${file})`, '');
    } catch (e) {
      this.lines.push(`_Plot "${caption}" not drawn: ${(e as Error).message}_`, '');
    }
  }

  /** A multi-series line chart (one line per key) via Vega-Lite. */
  async lineChart(file: string, caption: string, series: Record<string, number[]>, opts: { xTitle: string; yTitle: string; logY?: boolean; xStart?: number }): Promise<void> {
    await this.plot(file, caption, async (filePath) => {
      const values = Object.entries(series).flatMap(([name, ys]) =>
        ys.map((y, i) => ({ series: name, x: i + (opts.xStart ?? 0), y })).filter((r) => Number.isFinite(r.y) && (!opts.logY || r.y > 0)));
      const spec = {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: caption, width: 480, height: 280, background: 'white',
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: opts.xTitle, axis: { tickMinStep: 1 } },
          y: { field: 'y', type: 'quantitative', title: opts.yTitle, scale: opts.logY ? { type: 'log' } : { zero: false } },
          color: { field: 'series', type: 'nominal', title: null, sort: Object.keys(series) },
        },
      };
      const { svg } = await plots.renderSvg(spec);
      await writeFile(filePath, svg);
    });
  }

  /**
   * The spread over seeds: per series, the median over seeds as a line and the range (min to max) as a band.
   * `series[name][seed][i]` is seed's value at x = i + xStart; non-finite (and, on a log scale, non-positive) values are left out.
   */
  async spreadChart(file: string, caption: string, series: Record<string, number[][]>, opts: { xTitle: string; yTitle: string; logY?: boolean; xStart?: number }): Promise<void> {
    await this.plot(file, caption, async (filePath) => {
      const ok = (v: number): boolean => Number.isFinite(v) && (!opts.logY || v > 0);
      const values = Object.entries(series).flatMap(([name, seeds]) => {
        const len = Math.max(0, ...seeds.map((s) => s.length));
        return Array.from({ length: len }, (_, i) => {
          const ys = seeds.map((s) => s[i]).filter(ok).sort((a, b) => a - b);
          if (ys.length === 0) return null;
          const m = ys.length;
          const median = m % 2 === 1 ? ys[(m - 1) / 2] : (ys[m / 2 - 1] + ys[m / 2]) / 2;
          return { series: name, x: i + (opts.xStart ?? 0), median, lo: ys[0], hi: ys[m - 1] };
        }).filter((r) => r !== null);
      });
      const y = { field: 'median', type: 'quantitative', title: opts.yTitle, scale: opts.logY ? { type: 'log' } : { zero: false } };
      const color = { field: 'series', type: 'nominal', title: null, sort: Object.keys(series) };
      const x = { field: 'x', type: 'quantitative', title: opts.xTitle, axis: { tickMinStep: 1 } };
      const spec = {
        $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
        title: `${caption} (line: median over seeds; band: range)`, width: 480, height: 280, background: 'white',
        data: { values },
        layer: [
          { mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { ...y, field: 'lo' }, y2: { field: 'hi' }, color } },
          { mark: { type: 'line', point: true }, encoding: { x, y, color } },
        ],
      };
      const { svg } = await plots.renderSvg(spec);
      await writeFile(filePath, svg);
    });
  }
}

/** The summary at the top of the report: one row per claim, numbers as the median [min, max] over the seeds. */
export function summaryTable(claims: readonly Claim[], seeds: number): string[] {
  if (claims.length === 0) return [];
  const esc = (c: string): string => c.replace(/\|/g, '\\|');
  return [
    `## Summary: the book's claims over ${seeds} seed${seeds === 1 ? '' : 's'}`, '',
    'Measured values are the median [min, max] over the seeds unless marked otherwise; a verdict "holds" only when every seed supports it.', '',
    '| Book\'s claim | Lab measured (spread over seeds) | Test (threshold) | Verdict |', '|---|---|---|---|',
    ...claims.map((c) => `| ${esc(c.claim)} | ${esc(c.measured)} | ${esc(c.test)} | ${esc(c.verdict)} |`), '',
  ];
}

/** The whole report. */
export class Report {
  readonly sections: Section[] = [];
  readonly notes: string[] = [];
  readonly claims: Claim[] = [];
  constructor(readonly dir: string, readonly header: string[], readonly seeds = 1) {}

  section(number: number, title: string): Section {
    const s = new Section(number, title, this.dir, this.claims);
    this.sections.push(s);
    return s;
  }

  /** Writes report.md; returns its path. */
  async write(totalSeconds: number): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const cpu = this.sections.reduce((a, s) => a + s.cpuSeconds, 0);
    const out: string[] = ['# Chapter 11 lab: training deep neural networks', '', ...this.header, `- Total wall time: ${fmt(totalSeconds, 1)} s (CPU time of the experiments: ${fmt(cpu, 1)} s)`, ''];
    out.push(...summaryTable(this.claims, this.seeds));
    if (this.notes.length > 0) out.push('**Notes**', '', ...this.notes.map((n) => `- ${n}`), '');
    out.push('| Experiment | Wall time (s) | CPU time (s) |', '|---|---|---|', ...this.sections.map((s) => `| ${s.number}. ${s.title} | ${fmt(s.seconds, 1)} | ${fmt(s.cpuSeconds, 1)} |`), '');
    for (const s of this.sections) out.push(`## ${s.number}. ${s.title}`, '', ...s.lines);
    const file = path.join(this.dir, 'report.md');
    await writeFile(file, `${out.join('\n').trimEnd()}\n`);
    return file;
  }
}

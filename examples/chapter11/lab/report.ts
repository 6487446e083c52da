// The lab report: markdown sections with tables and SVG plots, written to runs/<timestamp>/report.md.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { plots } from 'layerwise';

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

/** One experiment's part of the report. */
export class Section {
  readonly lines: string[] = [];
  seconds = 0;
  constructor(readonly number: number, readonly title: string, readonly dir: string) {}

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
}

/** The whole report. */
export class Report {
  readonly sections: Section[] = [];
  readonly notes: string[] = [];
  constructor(readonly dir: string, readonly header: string[]) {}

  section(number: number, title: string): Section {
    const s = new Section(number, title, this.dir);
    this.sections.push(s);
    return s;
  }

  /** Writes report.md; returns its path. */
  async write(totalSeconds: number): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const out: string[] = ['# Chapter 11 lab: training deep neural networks', '', ...this.header, `- Total wall time: ${fmt(totalSeconds, 1)} s`, ''];
    if (this.notes.length > 0) out.push('**Notes**', '', ...this.notes.map((n) => `- ${n}`), '');
    out.push('| Experiment | Wall time (s) |', '|---|---|', ...this.sections.map((s) => `| ${s.number}. ${s.title} | ${fmt(s.seconds, 1)} |`), '');
    for (const s of this.sections) out.push(`## ${s.number}. ${s.title}`, '', ...s.lines);
    const file = path.join(this.dir, 'report.md');
    await writeFile(file, `${out.join('\n').trimEnd()}\n`);
    return file;
  }
}

// Plots: valid SVG files whose axes cover exactly the data they claim to show.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  plotHistory, plotGradientNorms, plotActivationHistograms, plotActivationFunctions, type PlotResult,
} from '../../src/plots/index.js';
import { get as getActivation } from '../../src/activations/index.js';
import { tensor } from '../../src/tensor/creation.js';
import { parseSvg, parseXml, textsIn, type XmlElement } from './svg_check.js';

const num = (s: string): number => Number(s.replace(/\u2212/g, '-').replace(/,/g, ''));
const minOf = (xs: number[]): number => xs.reduce((a, b) => Math.min(a, b), Infinity);
const maxOf = (xs: number[]): number => xs.reduce((a, b) => Math.max(a, b), -Infinity);

/** Reads the file back, parses it, and returns the tree plus its tick-label and title texts. */
async function readPlot(result: PlotResult): Promise<{ root: XmlElement; ticks: number[]; titles: string[]; legend: string[] }> {
  const svg = await readFile(result.path, 'utf8');
  assert.equal(svg, result.svg);
  const root = parseSvg(svg);
  assert.ok(Number(root.attrs.width) > 100 && Number(root.attrs.height) > 100);
  return {
    root,
    ticks: textsIn(root, 'role-axis-label').map(num).filter(Number.isFinite),
    titles: [...textsIn(root, 'role-axis-title'), ...textsIn(root, 'role-title-text'), ...textsIn(root, 'role-title-subtitle')],
    legend: textsIn(root, 'role-legend-label'),
  };
}

/** The y domain must contain the data and not be padded beyond a "nice" rounding. */
function assertCovers(domain: number[], lo: number, hi: number, maxPad: number): void {
  assert.ok(domain[0] <= lo && domain[1] >= hi, `domain [${domain}] covers [${lo}, ${hi}]`);
  assert.ok(lo - domain[0] <= maxPad && domain[1] - hi <= maxPad, `domain [${domain}] hugs [${lo}, ${hi}] within ${maxPad}`);
}

describe('the SVG well-formedness checker', () => {
  it('rejects unbalanced, mis-nested and badly quoted markup', () => {
    assert.throws(() => parseXml('<svg><g></svg>'), /does not close <g>/);
    assert.throws(() => parseXml('<svg><g>'), /unclosed <g>/);
    assert.throws(() => parseXml('<svg a=1/>'), /malformed attribute/);
    assert.throws(() => parseXml('<svg a="1" a="2"/>'), /duplicate attribute/);
    assert.throws(() => parseXml('<svg>a & b</svg>'), /bare '&'/);
    assert.throws(() => parseXml('<a/><b/>'), /second root/);
    assert.equal(parseXml('<?xml version="1.0"?><svg><text x="1">a &amp; b</text></svg>').children[0].text, 'a & b');
  });
});

describe('plots', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lw-plots-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const history = {
    loss: [0.93, 0.61, 0.47, 0.42, 0.39],
    accuracy: [0.64, 0.77, 0.82, 0.84, 0.86],
    val_loss: [0.71, 0.55, 0.5, NaN, 0.53],
    val_accuracy: [0.74, 0.8, 0.81, 0.82, 0.815],
  };

  it('plotHistory draws train and validation curves whose axes span the history', async () => {
    const out = path.join(dir, 'nested', 'deeper', 'curves.svg');
    const result = await plotHistory({ history, epoch: [0, 1, 2, 3, 4] }, out);
    assert.equal(result.path, out);
    const { ticks, titles, legend } = await readPlot(result);
    assert.deepEqual(result.view.scale('x').domain(), [0, 4]);
    const all = Object.values(history).flat().filter(Number.isFinite);
    const y = result.view.scale('y').domain() as number[];
    assertCovers(y, minOf(all), maxOf(all), 0.1);
    assert.ok(titles.includes('Epoch') && titles.includes('Value') && titles.includes('Learning curves'), titles.join('|'));
    for (const label of ['loss', 'accuracy', 'train', 'validation']) assert.ok(legend.includes(label), `legend has ${label}`);
    for (const e of [0, 1, 2, 3, 4]) assert.ok(ticks.includes(e), `x tick ${e}`);
    const yTicks = ticks.filter((t) => !Number.isInteger(t));
    assert.ok(yTicks.length >= 3 && yTicks.every((t) => t >= y[0] && t <= y[1]), `y ticks ${yTicks} inside [${y}]`);
    assert.ok(minOf(yTicks) <= minOf(all) + 0.1 && maxOf(yTicks) >= maxOf(all) - 0.1, `y ticks ${yTicks} span the data`);
    assert.deepEqual(await readdir(path.dirname(out)), ['curves.svg'], 'no temporary file is left');
  });

  it('plotHistory restricts to the requested metrics and honours History.epoch', async () => {
    const result = await plotHistory({ history: { loss: history.loss, val_loss: history.val_loss, accuracy: history.accuracy }, epoch: [10, 11, 12, 13, 14] },
      path.join(dir, 'loss.svg'), { metrics: ['loss'] });
    const { titles, legend } = await readPlot(result);
    assert.deepEqual(result.view.scale('x').domain(), [10, 14]);
    const shown = [...history.loss, ...history.val_loss].filter(Number.isFinite);
    assertCovers(result.view.scale('y').domain() as number[], minOf(shown), maxOf(shown), 0.1);
    assert.ok(titles.includes('loss'));
    assert.ok(!legend.includes('accuracy'));
    const rows = (result.spec.data as { values: Array<{ series: string; epoch: number }> }).values;
    assert.equal(rows.filter((r) => r.series === 'val_loss').length, 4, 'the NaN epoch is left out');
  });

  it('plotHistory accepts a plain dict, writes the spec for .json, and explains bad input', async () => {
    const spec = await plotHistory({ loss: [3, 2, 1] }, path.join(dir, 'spec.json'));
    const written = JSON.parse(await readFile(spec.path, 'utf8')) as { data: { values: unknown[] } };
    assert.equal(written.data.values.length, 3);
    assert.deepEqual(spec.view.scale('x').domain(), [0, 2]);
    await assert.rejects(plotHistory({ loss: [1] }, path.join(dir, 'x.png')), /expected a path ending in \.svg .* received '\.png'/);
    await assert.rejects(plotHistory({ loss: [1] }, path.join(dir, 'x.svg'), { metrics: ['acc'] }), /no series 'acc' in the history \(available: loss\)/);
    await assert.rejects(plotHistory({}, path.join(dir, 'x.svg')), /history is empty/);
    await assert.rejects(plotHistory({ loss: 'high' as unknown as number[] }, path.join(dir, 'x.svg')), /expected history 'loss' to be an array of numbers/);
  });

  it('plotGradientNorms puts layers in order on x and norms on a log y axis spanning them', async () => {
    const norms: Record<string, number[]> = {};
    for (let i = 0; i < 12; i++) norms[`dense_${i}`] = [10 ** (-i / 2), 3 * 10 ** (-i / 2 - 1)];
    norms.dead = [0, 0];
    const result = await plotGradientNorms(norms, path.join(dir, 'grads.svg'));
    const { titles } = await readPlot(result);
    assert.equal(result.view.scale('y').type, 'log');
    assert.deepEqual(result.view.scale('x').domain(), Object.keys(norms).filter((k) => k !== 'dead'));
    const values = Object.values(norms).flat().filter((v) => v > 0);
    const y = result.view.scale('y').domain() as number[];
    assert.ok(y[0] <= minOf(values) && y[1] >= maxOf(values) && y[0] > minOf(values) / 10 && y[1] < maxOf(values) * 10, `log domain [${y}]`);
    assert.ok(titles.includes('Gradient norm (log scale)') && titles.includes('Layer'));
    assert.ok(titles.includes('2 zero or non-finite norms not shown'), titles.join('|'));
  });

  it('plotGradientNorms reads diagnostics reports, one line per report', async () => {
    const report = (scale: number, epoch?: number) => ({
      epoch, layers: Array.from({ length: 6 }, (_, i) => ({ name: `layer_${i}`, gradientNorm: scale * 4 ** (i - 5) })),
    });
    const result = await plotGradientNorms([report(1, 0), report(0.5, 3)], path.join(dir, 'reports.svg'));
    await readPlot(result);
    assert.deepEqual(result.view.scale('color').domain(), [0, 3]);
    const y = result.view.scale('y').domain() as number[];
    assert.ok(y[0] <= 0.5 * 4 ** -5 && y[1] >= 1);
    const byEpoch = await plotGradientNorms(report(1), path.join(dir, 'one.svg'), { xAxis: 'epoch' });
    assert.deepEqual(byEpoch.view.scale('color').domain(), Array.from({ length: 6 }, (_, i) => `layer_${i}`));
    await assert.rejects(plotGradientNorms({ a: [0] }, path.join(dir, 'z.svg')), /no positive finite gradient norm/);
    await assert.rejects(plotGradientNorms(42 as never, path.join(dir, 'z.svg')), /expected a gradient report/);
  });

  it('plotActivationHistograms bins every value over the shared data range, one row per layer', async () => {
    const a = Array.from({ length: 1000 }, (_, i) => Math.tanh(Math.sin(i) * 3));
    const b = tensor(Array.from({ length: 300 }, (_, i) => (i % 7) / 7));
    const result = await plotActivationHistograms({ saturated: a, relu_like: b }, path.join(dir, 'hist.svg'), { bins: 20 });
    const { root } = await readPlot(result);
    const lo = Math.min(minOf(a), 0);
    const hi = Math.max(maxOf(a), 6 / 7);
    assert.deepEqual(result.view.scale('x').domain(), [lo, hi]);
    const rows = (result.spec.data as { values: Array<{ layer: string; count: number; fraction: number }> }).values;
    const total = (layer: string): number => rows.filter((r) => r.layer === layer).reduce((s, r) => s + r.count, 0);
    assert.equal(total('saturated'), 1000);
    assert.equal(total('relu_like'), 300);
    assert.equal(rows.length, 40);
    const maxFraction = maxOf(rows.map((r) => r.fraction));
    assert.ok((result.view.scale('y').domain() as number[])[1] >= maxFraction);
    const headers = textsIn(root, 'role-title-text').concat(textsIn(root, 'role-axis-title'), ...['row_header', 'row-title'].map((r) => textsIn(root, r)));
    const allText = JSON.stringify(root);
    assert.ok(allText.includes('saturated') && allText.includes('relu_like') && headers.includes('Activation'), headers.join('|'));
  });

  it('plotActivationFunctions draws activations.get(name) over the requested range', async () => {
    const names = ['sigmoid', 'tanh', 'relu', 'elu', 'selu', 'leaky_relu'];
    const result = await plotActivationFunctions(names, path.join(dir, 'fns.svg'), { range: [-4, 3], points: 71 });
    const { legend, titles } = await readPlot(result);
    assert.deepEqual(legend, names);
    assert.ok(titles.includes('z') && titles.includes('Activation'));
    assert.deepEqual(result.view.scale('x').domain(), [-4, 3]);
    const z = tensor([-4, 3], [2], 'float64');
    const ends = names.flatMap((n) => Array.from(getActivation(n)(z).dataSync()));
    assertCovers(result.view.scale('y').domain() as number[], minOf(ends), maxOf(ends), 1);
    await assert.rejects(plotActivationFunctions(['nope'], path.join(dir, 'f.svg')), /unknown activation 'nope'/);
    await assert.rejects(plotActivationFunctions([], path.join(dir, 'f.svg')), /non-empty list/);
  });
});

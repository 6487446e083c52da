// callbacks.Dashboard: the JSON-lines run log (curves equal History, health every N steps, histograms, facts) and its crash safety.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dashboard } from '../../src/callbacks/dashboard.js';
import { histogram } from '../../src/callbacks/dashboard_log.js';
import type { BatchRecord, EndRecord, EpochRecord, HealthRecord, LogRecord, RunRecord } from '../../src/callbacks/dashboard_log.js';
import { readRun } from '../../src/board/runlog.js';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { LambdaCallback } from '../../src/callbacks/lambda.js';
import { cloneModel } from '../../src/models/clone.js';
import { gradientReport } from '../../src/diagnostics/report.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { getBackend } from '../../src/backend/registry.js';
import { withTempDir } from '../helpers/temp_dir.js';

function model(): Sequential {
  const m = new Sequential([
    new Dense(12, { activation: 'relu', inputShape: [6], name: 'hidden' }),
    new Dense(3, { activation: 'softmax', name: 'out' }),
  ]);
  m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return m;
}

const data = (n: number) => [randomNormal([n, 6]), tensor(Array.from({ length: n }, (_, i) => i % 3), [n], 'int32')] as const;

async function records(dir: string): Promise<LogRecord[]> {
  const text = await readFile(path.join(dir, 'events.jsonl'), 'utf8');
  return text.trim().split('\n').map((l) => JSON.parse(l) as LogRecord);
}

/** Runs `fn` with a fresh temporary log folder, removed afterwards whatever happens. */
const withLogDir = (fn: (logDir: string) => Promise<void>): Promise<void> => withTempDir('lw-dash-', fn);

describe('callbacks.Dashboard', () => {
  it('logs every batch and epoch (equal to History), health every N steps with histograms, and run facts', async () => {
    setRandomSeed(3);
    await withLogDir(async (logDir) => {
      const m = model();
      const [x, y] = data(60);
      const dash = new Dashboard({ logDir, runName: 'first', everyNSteps: 2, maxOverhead: Infinity, histogramBins: 8 });
      // The weights each step starts from and its batch, for the separate computation of the last report.
      let start: Tensor[] = [];
      let batch: Tensor[] = [];
      const watch = new LambdaCallback({
        onBatchBegin: () => { start = m.getWeights(); },
        onBatchEnd: () => { batch = [...m.lastTrainBatch!.xs, ...m.lastTrainBatch!.ys].map((t) => new Tensor(t.dataSync(), t.shape, t.dtype)); },
      });
      const history = await m.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, validationSplit: 0.2, callbacks: [dash, watch] });
      assert.equal(dash.runName, 'first');
      const recs = await records(dash.runDir!);
      const run = recs[0] as RunRecord;
      assert.equal(run.type, 'run');
      assert.deepEqual(run.layers, ['hidden', 'out']);
      assert.deepEqual(run.params, { epochs: 2, steps: 5 });
      assert.equal(run.facts.backend, getBackend());
      assert.match(run.summary, /hidden \(Dense\)/);
      const batches = recs.filter((r): r is BatchRecord => r.type === 'batch');
      assert.deepEqual(batches.map((b) => b.step), [...Array(10).keys()]);
      assert.deepEqual(batches.map((b) => [b.epoch, b.batch]).slice(4, 6), [[0, 4], [1, 0]]);
      assert.equal(batches[0].lr, 0.01);
      const epochs = recs.filter((r): r is EpochRecord => r.type === 'epoch');
      for (const key of ['loss', 'accuracy', 'val_loss', 'val_accuracy']) {
        assert.deepEqual(epochs.map((e) => e.logs[key]), history.history[key], key);
      }
      assert.ok(epochs.every((e) => e.sps !== null && e.sps > 0));
      // Steps 0, 1, 3, 5, 7, 9: the first step and every second one.
      const health = recs.filter((r): r is HealthRecord => r.type === 'health');
      assert.deepEqual(health.map((h) => h.step), [0, 1, 3, 5, 7, 9]);
      const h = health[health.length - 1];
      assert.deepEqual(h.layers.map((l) => l.name), ['hidden', 'out']);
      const hidden = h.layers[0];
      assert.ok(hidden.gradientNorm! > 0 && hidden.weightNorm! > 0);
      assert.equal(hidden.hist!.weights.counts.length, 8);
      assert.equal(hidden.hist!.weights.counts.reduce((a, b) => a + b, 0), 6 * 12, 'kernel values');
      // 48 training samples in batches of 10: the last batch (step 9) holds 8.
      assert.equal(hidden.hist!.activations.counts.reduce((a, b) => a + b, 0), 8 * 12, 'one batch of outputs');
      assert.equal(hidden.hist!.gradients.counts.reduce((a, b) => a + b, 0), 6 * 12);
      // The weight histogram spans the range of the kernel the step started from.
      const k = start[0].dataSync();
      assert.equal(hidden.hist!.weights.min, Math.min(...k));
      assert.equal(hidden.hist!.weights.max, Math.max(...k));
      // The report rode on step 9: its figures equal gradientReport({ training: true }) on that step's batch and weights.
      const copy = cloneModel(m);
      copy.setWeights(start);
      copy.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
      const hists: Record<string, HealthRecord['layers'][number]['hist']> = {};
      const expected = await gradientReport(copy, batch[0], batch[1], {
        training: true,
        onLayerTensors: (name, t) => {
          hists[name] = { weights: histogram(t.weights.map((v) => v.data), 8), activations: histogram([t.output.data], 8), gradients: histogram(t.gradients.map((v) => v.data), 8) };
        },
      });
      assert.equal(h.ratio, expected.firstToLastGradientRatio);
      assert.deepEqual(h.warnings, expected.warnings);
      assert.deepEqual(h.layers, expected.layers.map((l) => ({
        name: l.name, className: l.className, activation: l.activation, gradientNorm: l.gradientNorm, weightNorm: l.weightNorm,
        activationMean: l.activationMean, activationStd: l.activationStd, deadFraction: l.deadFraction, saturatedFraction: l.saturatedFraction,
        hist: hists[l.name],
      })));
      const end = recs[recs.length - 1];
      assert.equal(end.type, 'end');

      // A second fit with the same callback starts a new run folder.
      await m.fit(x, y, { epochs: 1, batchSize: 30, verbose: 0, callbacks: [dash] });
      assert.equal(dash.runName, 'first-2');
    });
  });

  it('keeps health reports under the overhead budget by default', async () => {
    await withLogDir(async (logDir) => {
      const m = model();
      const [x, y] = data(200);
      const dash = new Dashboard({ logDir, everyNSteps: 1, maxOverhead: 0 });
      await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [dash] });
      const recs = await records(dash.runDir!);
      // With no budget only the first step is probed.
      assert.deepEqual(recs.filter((r) => r.type === 'health').map((r) => (r as HealthRecord).step), [0]);
      assert.equal(recs.filter((r) => r.type === 'batch').length, 20);
    });
  });

  it('counts in the budget what a report step took beyond a typical step, not only its figures', async () => {
    await withLogDir(async (logDir) => {
      const m = model();
      const [x, y] = data(1200);
      const dash = new Dashboard({ logDir, everyNSteps: 2, maxOverhead: 0.25 });
      // A report step made slower outside the report's figures (as an unfused update or fresh buffers would): by 30
      // typical steps of this run and at least 20 ms, so the step stands out however fast or loaded the machine is.
      const typical: number[] = [];
      const waits: number[] = [];
      let began = 0, reporting = false;
      const slow = new LambdaCallback({
        onBatchBegin: () => {
          reporting = m.stepTap !== null;
          if (reporting) {
            const sorted = [...typical].sort((a, b) => a - b);
            const wait = Math.max(20, sorted.length > 0 ? 30 * sorted[sorted.length >> 1] : 0);
            const until = performance.now() + wait;
            while (performance.now() < until);
            // The Dashboard compares a report's step with a typical step once it has seen one (from step 2 on).
            if (typical.length > 0) waits.push(wait);
          }
          began = performance.now();
        },
        onBatchEnd: () => {
          if (!reporting) typical.push(performance.now() - began);
        },
      });
      await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [dash, slow] });
      const recs = await records(dash.runDir!);
      const health = recs.filter((r) => r.type === 'health') as HealthRecord[];
      const end = recs.find((r) => r.type === 'end') as EndRecord;
      const figuresMs = health.reduce((sum, r) => sum + r.ms, 0);
      const waited = waits.reduce((sum, w) => sum + w, 0);
      const what = `${health.length} reports in 120 steps (at steps ${health.map((r) => r.step).join(', ')}), ` +
        `budget spent ${end.healthMs.toFixed(1)} ms of ${end.t.toFixed(0)} ms, figures ${figuresMs.toFixed(1)} ms, waits ${waited.toFixed(0)} ms`;
      // The budget charged the reports' steps for their extra time, not only for their figures (counting only the
      // figures, every other step would carry a report: 61 here), and the reports stayed within a quarter of the run
      // (plus the one that crossed it). A stall of the machine lengthens the run and so allows more reports: the
      // assertions hold either way.
      assert.ok(health.length >= 2 && waits.length >= 1, what);
      assert.ok(end.healthMs - figuresMs >= 0.4 * waited, what);
      assert.ok(end.healthMs <= 0.25 * end.t + Math.max(...waits) + 5, what);
      assert.ok(health.length < 61, what);
    });
  });

  it('leaves a readable log up to its last line when the process is killed mid-fit', async () => {
    await withLogDir(async (logDir) => {
      const dashUrl = new URL('../../src/callbacks/dashboard.js', import.meta.url).href;
      const idx = new URL('../../src/index.js', import.meta.url).href;
      const script = `
        const { Sequential, layers, tensor, randomNormal, callbacks } = await import(${JSON.stringify(idx)});
        const { Dashboard } = await import(${JSON.stringify(dashUrl)});
        const m = new Sequential([new layers.Dense(8, { activation: 'relu', inputShape: [4] }), new layers.Dense(2, { activation: 'softmax' })]);
        m.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
        const kill = new callbacks.LambdaCallback({ onEpochEnd: (e) => { if (e === 1) process.kill(process.pid, 'SIGKILL'); } });
        await m.fit(randomNormal([40, 4]), tensor(Array.from({ length: 40 }, (_, i) => i % 2), [40], 'int32'),
          { epochs: 5, batchSize: 8, verbose: 0, callbacks: [new Dashboard({ logDir: ${JSON.stringify(logDir)}, runName: 'killed' }), kill] });`;
      const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: path.dirname(fileURLToPath(import.meta.url)) });
      assert.equal(child.signal, 'SIGKILL', child.stderr);
      const r = readRun(logDir, 'killed')!;
      assert.deepEqual(r.notes, []);
      assert.deepEqual(r.records.filter((x) => x.type === 'epoch').map((x) => (x as EpochRecord).epoch), [0, 1]);
      assert.equal(r.records.filter((x) => x.type === 'batch').length, 10);
      assert.ok(!r.records.some((x) => x.type === 'end'));
    });
  });

  it('keeps training and logging when the board cannot be served', async () => {
    const logDir = await mkdtemp(path.join(os.tmpdir(), 'lw-dash-'));
    const first = new Dashboard({ logDir, port: 0, print: null });
    try {
      const m = model();
      const [x, y] = data(20);
      await m.fit(x, y, { epochs: 1, batchSize: 10, verbose: 0, callbacks: [first] });
      const taken = Number(new URL(first.url!).port);
      const lines: string[] = [];
      const second = new Dashboard({ logDir, port: taken, print: (l) => lines.push(l) });
      const h = await m.fit(x, y, { epochs: 2, batchSize: 10, verbose: 0, callbacks: [second] });
      assert.equal(h.history.loss.length, 2);
      assert.equal(second.url, null);
      assert.match(lines[0], /could not be served/);
      assert.equal(readRun(logDir, second.runName!)!.records.filter((r) => r.type === 'epoch').length, 2);
    } finally {
      await first.close();
      await rm(logDir, { recursive: true, force: true });
    }
  });

  it('rejects bad options naming them', () => {
    assert.throws(() => new Dashboard({ logDir: '' }), /logDir/);
    assert.throws(() => new Dashboard({ logDir: 'x', everyNSteps: -1 }), /everyNSteps/);
    assert.throws(() => new Dashboard({ logDir: 'x', port: 70000 }), /port/);
    assert.throws(() => new Dashboard({ logDir: 'x', flushEveryMs: -1 }), /flushEveryMs/);
    assert.throws(() => new Dashboard({ logDir: 'x', flushEveryMs: Number.NaN }), /flushEveryMs/);
  });

  it('histograms count finite values in equal bins and NaN apart', () => {
    const h = histogram([new Float32Array([0, 1, 2, 3, NaN]), [4]], 4);
    assert.deepEqual(h, { min: 0, max: 4, counts: [1, 1, 1, 2], nonFinite: 1 });
    assert.deepEqual(histogram([[5, 5]], 3), { min: 5, max: 5, counts: [2, 0, 0], nonFinite: 0 });
    // Long arrays are read at a stride: 10 values, at most 4 read -> every 3rd (0, 3, 6, 9).
    assert.deepEqual(histogram([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]], 3, 4), { min: 0, max: 9, counts: [1, 1, 2], nonFinite: 0 });
    // Infinite values count apart and do not stretch the range; only non-finite values: an empty range at 0.
    assert.deepEqual(histogram([[-Infinity, 1, 3, Infinity, 2]], 2), { min: 1, max: 3, counts: [1, 2], nonFinite: 2 });
    assert.deepEqual(histogram([[NaN, Infinity]], 2), { min: 0, max: 0, counts: [0, 0], nonFinite: 2 });
  });

  it('histograms of strided samples equal a plain floor((v - min) / width) count', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const a = Float32Array.from({ length: 10_000 }, () => (rnd() - 0.3) * 5);
    const b = Float32Array.from({ length: 777 }, () => rnd() * 9 - 1);
    a[18] = NaN; // read: 18 is a multiple of the stride (3)
    b[4] = -Infinity;
    const bins = 13, sample = 4096;
    const values: number[] = [];
    for (const arr of [a, b]) {
      const stride = Math.max(1, Math.ceil(arr.length / sample));
      for (let i = 0; i < arr.length; i += stride) values.push(arr[i]);
    }
    const finite = values.filter((v) => Number.isFinite(v));
    const min = Math.min(...finite), max = Math.max(...finite), width = (max - min) / bins;
    const counts = new Array<number>(bins).fill(0);
    for (const v of finite) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
    assert.deepEqual(histogram([a, b], bins, sample), { min, max, counts, nonFinite: values.length - finite.length });
  });
});

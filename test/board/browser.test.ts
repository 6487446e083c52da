// The board in headless chromium: a live fit's curves match History, the heatmap has a row per layer, names render
// as text (no script runs), an epoch end shows within seconds, and a 100-layer run draws in time.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { browserSkipReason, launchChromium } from './chromium.js';
import { Dashboard } from '../../src/callbacks/dashboard.js';
import { Callback } from '../../src/callbacks/callback.js';
import { startBoard } from '../../src/board/server.js';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';

// The page's globals, for the functions evaluated in it (this project compiles without the DOM library).
declare const window: any;
declare const document: any;

// When chromium is missing the suite is skipped with this reason (one line in the test output).
const skip = browserSkipReason();
const XSS = '<img src=x onerror="window.__xss=1">';
const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'test-output');

interface Row { x: number; value: number; raw: number; series: string; metric: string }

/** The rows a run's chart currently plots (read from its Vega view). */
function chartRows<T>(page: Page, run: string, chart: string): Promise<T[]> {
  return page.evaluate(([r, c]) => {
    const v = window.layerwiseBoard.views.get(`${r}|${c}`);
    return v ? v.data('table') : [];
  }, [run, chart]) as Promise<T[]>;
}

describe('board in chromium', { skip: skip ?? false }, () => {
  let context: BrowserContext;
  let close: () => Promise<void>;
  let root: string;

  before(async () => {
    ({ context, close } = await launchChromium());
    root = await mkdtemp(path.join(os.tmpdir(), 'lw-board-browser-'));
    await mkdir(outDir, { recursive: true });
  });

  after(async () => {
    await close?.();
    await rm(root, { recursive: true, force: true });
  });

  it('follows a live fit: curves equal History, one heatmap row per layer, names shown as text', async () => {
    setRandomSeed(7);
    const model = new Sequential([
      new Dense(16, { activation: 'relu', inputShape: [8], name: XSS }),
      new Dense(16, { activation: 'tanh', name: 'tanh_layer' }),
      new Dense(3, { activation: 'softmax', name: 'output' }),
    ]);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
    const x = randomNormal([200, 8]);
    const y = tensor(Array.from({ length: 200 }, (_, i) => i % 3), [200], 'int32');
    const logDir = path.join(root, 'live');
    const dash = new Dashboard({ logDir, runName: 'live-run', port: 0, everyNSteps: 2, maxOverhead: Infinity, print: null });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const latencies: number[] = [];
    // Opens the page once the run exists, then after every epoch waits for the page to show it.
    const watcher = new (class extends Callback {
      override async onTrainBegin(): Promise<void> {
        await page.goto(dash.url!);
        await page.waitForSelector('section.run[data-run="live-run"]');
      }

      override async onEpochEnd(epoch: number): Promise<void> {
        const t = performance.now();
        await page.waitForFunction((e) => document.querySelector('.latest')?.getAttribute('data-epoch') === String(e), epoch + 1, { timeout: 10_000 });
        latencies.push(performance.now() - t);
      }
    })();
    const epochs = 4;
    const history = await model.fit(x, y, { epochs, batchSize: 20, verbose: 0, validationSplit: 0.25, callbacks: [dash, watcher] });
    try {
      assert.equal(latencies.length, epochs);
      // From an epoch's end to the page showing it (target < 1 s; a generous bound for a loaded machine).
      assert.ok(Math.max(...latencies) < 5000, `epoch to page: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);
      console.log(`# epoch end -> page: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);
      await page.waitForFunction(() => window.layerwiseBoard.views.get('live-run|curves')?.data('table').some((r: Row) => r.series === 'validation' && r.x === 31));

      // Per batch: validation points sit at each epoch's last step and equal History's val_loss.
      const rows = await chartRows<Row>(page, 'live-run', 'curves');
      const val = rows.filter((r) => r.series === 'validation' && r.metric === 'loss');
      assert.deepEqual(val.map((r) => r.value), history.history.val_loss);
      // 150 training samples in batches of 20: 8 steps per epoch, the last of epoch e is step 8e + 7.
      assert.deepEqual(val.map((r) => r.x), [7, 15, 23, 31]);
      // Per epoch: the train curve is History's loss and accuracy, exactly.
      await page.selectOption('#xaxis', 'epoch');
      await page.waitForFunction(() => window.layerwiseBoard.views.get('live-run|curves')?.data('table').every((r: Row) => Number.isInteger(r.x) && r.x <= 4));
      const perEpoch = await chartRows<Row>(page, 'live-run', 'curves');
      for (const m of ['loss', 'accuracy']) {
        assert.deepEqual(perEpoch.filter((r) => r.series === 'train' && r.metric === m).map((r) => r.value), history.history[m], m);
        assert.deepEqual(perEpoch.filter((r) => r.series === 'validation' && r.metric === m).map((r) => r.value), history.history[`val_${m}`], `val_${m}`);
      }
      const latest = await page.textContent('.latest');
      assert.match(latest!, new RegExp(`epoch ${epochs}/${epochs}`));

      // The heatmap: one row per layer, labelled with the layer names as text.
      const cells = await chartRows<{ layer: string; step: number }>(page, 'live-run', 'heatmap');
      assert.deepEqual([...new Set(cells.map((c) => c.layer))].sort(), [XSS, 'output', 'tanh_layer'].sort());
      const yLabels = await page.$$eval('section.run [data-chart="heatmap"] .role-axis-label text', (ts) => ts.map((t) => t.textContent));
      for (const name of [XSS, 'tanh_layer', 'output']) assert.ok(yLabels.includes(name), `heatmap label ${name} in ${JSON.stringify(yLabels)}`);

      // The hostile layer name is text everywhere: no <img> was created and its handler never ran.
      assert.equal(await page.evaluate(() => window.__xss), undefined);
      assert.equal(await page.$$eval('img', (imgs) => imgs.length), 0);
      assert.ok((await page.textContent('pre.summary'))!.includes(XSS));
      assert.ok(await page.$$eval('select[aria-label="layer"] option', (os, n) => os.some((o) => o.textContent === n), XSS));
      await page.selectOption('#xaxis', 'batch');
      await page.waitForFunction(() => window.layerwiseBoard.views.get('live-run|lr')?.data('table').some((r: { x: number }) => r.x === 31));
      const lr = await chartRows<{ x: number; lr: number }>(page, 'live-run', 'lr');
      assert.equal(lr[0].x, 0);
      assert.ok(lr.every((r) => r.lr === 0.01), JSON.stringify(lr));
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(outDir, 'board.png'), fullPage: true });
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
      await dash.close();
    }
  });

  it('shows two runs side by side and draws a 100-layer run within the bound', async () => {
    setRandomSeed(8);
    const logDir = path.join(root, 'deep');
    const layers = [new Dense(10, { activation: 'selu', kernelInitializer: 'lecun_normal', inputShape: [10] })];
    for (let i = 1; i < 99; i++) layers.push(new Dense(10, { activation: 'selu', kernelInitializer: 'lecun_normal' }));
    layers.push(new Dense(3, { activation: 'softmax' }));
    const model = new Sequential(layers);
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const x = randomNormal([64, 10]);
    const y = tensor(Array.from({ length: 64 }, (_, i) => i % 3), [64], 'int32');
    await model.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, callbacks: [new Dashboard({ logDir, runName: 'deep', everyNSteps: 1, maxOverhead: Infinity })] });
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, callbacks: [new Dashboard({ logDir, runName: 'deep-b', everyNSteps: 2, maxOverhead: Infinity })] });
    const board = await startBoard({ logDir, port: 0 });
    const page = await context.newPage();
    try {
      const t = performance.now();
      await page.goto(`${board.url}#run=deep`);
      await page.waitForFunction(() => window.layerwiseBoard.views.get('deep|histograms') !== undefined && document.querySelector('section.run')?.getAttribute('data-drawn') === '1', undefined, { timeout: 20_000 });
      const ms = performance.now() - t;
      console.log(`# 100-layer board drawn in ${ms.toFixed(0)} ms`);
      assert.ok(ms < 6000, `100-layer board took ${ms.toFixed(0)} ms (target < 2 s)`);
      const cells = await chartRows<{ layer: string; step: number }>(page, 'deep', 'heatmap');
      assert.equal(new Set(cells.map((c) => c.layer)).size, 100);
      assert.equal(new Set(cells.map((c) => c.step)).size, 8);
      // A second run, side by side.
      await page.check('input[data-run="deep-b"]');
      await page.waitForFunction(() => document.querySelectorAll('section.run[data-drawn]').length === 2);
      const boxes = await page.$$eval('section.run', (cs) => cs.map((c) => { const r = c.getBoundingClientRect(); return [r.left, r.top]; }));
      assert.equal(boxes.length, 2);
      assert.ok(boxes[1][0] > boxes[0][0] && Math.abs(boxes[1][1] - boxes[0][1]) < 2, 'columns side by side');
      await page.screenshot({ path: path.join(outDir, 'board-100-layers.png') });
    } finally {
      await page.close();
      await board.close();
    }
  });
});

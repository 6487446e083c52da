// The threaded wasm build and fitInWorker in headless Chromium: a cross-origin isolated page (COOP/COEP) gets the
// pthreads build from ready() (threads > 1; the kernel suite on it) and trains an MLP in a Web Worker with progress
// messages; the same page served without those headers stays on one thread. Skips in one line without chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serve } from './serve.js';
import { bundlePage, chromiumMissing, openTab } from './harness.js';

const noBrowser = chromiumMissing();
if (noBrowser) console.warn(`test/browser/threads: ${noBrowser}`);

test('in Chromium: threaded wasm when cross-origin isolated (kernel suite, fitInWorker with progress), one thread otherwise', { skip: noBrowser, timeout: 150_000 }, async () => {
  const [page, worker] = await Promise.all([bundlePage('threads_page.ts'), bundlePage('fit_worker_entry.ts')]);
  const html = '<!doctype html><meta charset="utf-8"><title>layerwise threads</title><body>' +
    '<script>addEventListener("error", (e) => { globalThis.__lwResult ??= { error: String(e.message) }; });</script>' +
    '<script type="module" src="/page.js"></script>';
  const files = { '/': html, '/page.js': page, '/worker.js': worker };
  const isolated = await serve(files, {});
  const plain = await serve(files, {}, { isolate: false });
  const { tab, logs, close } = await openTab();
  const run = async (url: string): Promise<Record<string, any>> => {
    await tab.goto(url);
    await tab.waitForFunction(() => (globalThis as Record<string, unknown>).__lwResult !== undefined, undefined, { timeout: 120_000, polling: 250 });
    const r = await tab.evaluate(() => (globalThis as Record<string, unknown>).__lwResult) as Record<string, any>;
    assert.equal(r.error, undefined, `${r.error}\n${logs.join('\n')}`);
    return r;
  };
  try {
    const p = await run(`${plain.url}/?mode=plain`);
    assert.equal(p.isolated, false);
    assert.equal(p.supported, false);
    assert.deepEqual([p.info.backend, p.info.threads, p.threads, p.wasmInfo.threads], ['wasm', 1, 1, 1], JSON.stringify(p.info));
    assert.deepEqual(p.matmul, [17, 39]);

    const r = await run(`${isolated.url}/?mode=isolated`);
    assert.equal(r.isolated, true);
    assert.equal(r.info.backend, 'wasm');
    assert.equal(r.info.isa, 'simd128');
    assert.ok(r.info.threads > 1, `backendInfo().threads ${r.info.threads} in an isolated page (navigator.hardwareConcurrency cores)`);
    assert.equal(r.threads, r.info.threads);
    assert.deepEqual(r.wasmInfo, { threads: r.threads, isa: 'simd128' }, 'wasmInfo() describes the threaded build once it is the wasm backend');
    assert.deepEqual(r.matmul, [17, 39]);
    const failed = (r.kernels.outcomes as { name: string; ok: boolean; error?: string }[]).filter((o) => !o.ok);
    assert.deepEqual(failed.map((o) => `${o.name}: ${o.error}`), []);
    assert.ok(r.kernels.outcomes.length > 80, `${r.kernels.outcomes.length} kernel tests ran on the threaded build`);

    const w = r.worker;
    assert.deepEqual([w.start.backend, w.start.threads > 1], ['wasm', true], `worker backend ${JSON.stringify(w.start)}`);
    assert.deepEqual(w.epochs.map((e: { epoch: number }) => e.epoch), [0, 1, 2, 3], 'one progress message per epoch, in order');
    assert.deepEqual(w.epochList, [0, 1, 2, 3]);
    for (const e of w.epochs) assert.ok(Number.isFinite(e.loss) && Number.isFinite(e.valLoss), JSON.stringify(e));
    assert.ok(w.epochs[3].loss < w.epochs[0].loss / 2, `loss ${w.epochs[0].loss} -> ${w.epochs[3].loss}`);
    assert.deepEqual(w.history.loss, w.epochs.map((e: { loss: number }) => e.loss));
    const perEpoch = Math.ceil(900 / 32);  // 1200 samples, the last 25% held out
    assert.equal(w.batches.length, 4 * perEpoch, 'one progress message per batch');
    assert.deepEqual(w.batches.slice(0, perEpoch), Array.from({ length: perEpoch }, (_, i) => i));
    assert.ok(w.changed > 0, 'fitInWorker set the trained weights on the model');
    assert.ok(w.accuracy >= 0.9, `held-out accuracy of the worker-trained weights: ${w.accuracy}`);
    assert.ok(w.maxDiff <= 1e-6, `weights trained in the worker vs on the page from the same bytes and seed: max diff ${w.maxDiff}`);
    assert.deepEqual(w.history.loss, w.pageHistory.loss, 'same losses in the worker and on the page');
    assert.ok(w.abortedEpochs >= 1 && w.abortedEpochs < 50, `an abort after the first epoch ended the worker's fit after ${w.abortedEpochs} of 50 epochs`);
    assert.match(w.wrongShape, /^fitInWorker: .*dense.*16.*8/is, 'a shape error in the worker rejects with its message');
    assert.ok(w.mainTicks > 10, `page timers ran ${w.mainTicks} times during a main-thread fit (fit yields to the event loop)`);
    console.log(`chromium threads: ${r.info.threads} threads (${r.info.isa}), ${r.kernels.outcomes.length} kernel tests in ${(r.kernels.ms / 1000).toFixed(1)} s; ` +
      `fitInWorker ${w.epochs.length} epochs / ${w.batches.length} batch messages in ${(w.workerMs / 1000).toFixed(1)} s, accuracy ${w.accuracy.toFixed(3)}, ` +
      `${w.ticks} page timer ticks meanwhile; plain page: ${p.info.threads} thread`);
  } finally {
    await close();
    await isolated.close();
    await plain.close();
  }
});

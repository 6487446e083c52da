// The browser suite in headless Chromium (Debian's /usr/bin/chromium through playwright-core, never a downloaded
// browser): page.ts bundled with esbuild, served cross-origin isolated from 127.0.0.1. Skips in one line without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { loadModel, tensor } from 'layerwise';
import { serve } from './serve.js';
import { bundlePage, chromiumMissing, openTab, root } from './harness.js';

const noBrowser = chromiumMissing();
if (noBrowser) console.warn(`test/browser/chromium: ${noBrowser}`);
const FIXTURES = ['thap__skl-tf__my_model_A.h5', 'schr0841__HOML3e__my_model_A.keras'];
const MLP = { train: 6000, test: 2000, epochs: 3 };

/** Inputs [5, 28, 28] and the Node predictions of each fixture (the page must match them to 1e-5). */
async function nodeExpectations(): Promise<{ file: string; input: number[]; shape: number[]; expected: number[] }[]> {
  const shape = [5, 28, 28];
  const input = Array.from({ length: 5 * 28 * 28 }, (_, i) => ((i * 7919) % 256) / 255);
  const out = [];
  for (const file of FIXTURES) {
    const model = await loadModel(path.join(root, 'test', 'fixtures', 'keras-real', file), { compile: false });
    const expected = Array.from((await model.predict(tensor(Float32Array.from(input), shape), { verbose: 0 })).dataSync());
    out.push({ file, input, shape, expected });
  }
  return out;
}

test('in Chromium: wasm kernels vs reference, an MLP on Fashion-MNIST, real Keras files, IndexedDB', { skip: noBrowser, timeout: 180_000 }, async () => {
  const [page, keras] = await Promise.all([bundlePage('page.ts'), nodeExpectations()]);
  // A load-time error (e.g. a Node global reached at import) ends the wait at once instead of at the timeout.
  const html = '<!doctype html><meta charset="utf-8"><title>layerwise</title><body>loading' +
    '<script>addEventListener("error", (e) => { globalThis.__lwResult ??= { error: String(e.message) }; });</script>' +
    '<script type="module" src="/page.js"></script>';
  const server = await serve({ '/': html, '/page.js': page, '/params.json': JSON.stringify({ keras, mlp: MLP }) }, {
    '/data/fashion-mnist/': path.join(root, 'data', 'fashion-mnist'), '/fixtures/keras-real/': path.join(root, 'test', 'fixtures', 'keras-real'),
  });
  const { tab, logs, close } = await openTab();
  try {
    await tab.goto(`${server.url}/`);
    const shots = path.join(root, 'build', 'test-output');
    mkdirSync(shots, { recursive: true });
    try {
      await tab.waitForFunction(() => (globalThis as Record<string, unknown>).__lwResult !== undefined, undefined, { timeout: 170_000, polling: 500 });
    } finally {
      await tab.screenshot({ path: path.join(shots, 'browser.png'), fullPage: true }).catch(() => undefined);
      if (process.env.LAYERWISE_BROWSER_LOG) console.log(logs.join('\n'));
    }
    const result = await tab.evaluate(() => (globalThis as Record<string, unknown>).__lwResult) as Record<string, any>;
    assert.equal(result.error, undefined, `${result.error}\n${logs.join('\n')}`);
    assert.equal(result.backend, 'wasm');
    assert.equal(result.isolated, true, 'COOP/COEP headers make the page cross-origin isolated');
    const failed = (result.kernels as { name: string; ok: boolean; error?: string }[]).filter((o) => !o.ok);
    assert.deepEqual(failed.map((o) => `${o.name}: ${o.error}`), []);
    assert.ok(result.kernels.length > 80, `${result.kernels.length} kernel tests ran`);
    assert.ok(result.mlp.accuracy >= 0.8, `MLP test accuracy ${result.mlp.accuracy}`);
    assert.ok(result.mlp.ticks > 10, `timers ran ${result.mlp.ticks} times during fit (fit yields to the event loop)`);
    assert.equal(result.mlp.weightMismatches, 0);
    assert.equal(result.mlp.idbListed, 1);
    for (const k of result.keras) assert.ok(k.maxDiff <= 1e-5, `${k.file} via ${k.via}: max difference ${k.maxDiff}`);
    console.log(`chromium: ${result.kernels.length} kernel tests in ${(result.kernelMs / 1000).toFixed(1)} s; MLP acc ${result.mlp.accuracy.toFixed(4)} ` +
      `(fit ${(result.mlp.fitMs / 1000).toFixed(1)} s); keras max diffs ${result.keras.map((k: { maxDiff: number }) => k.maxDiff.toExponential(1)).join(', ')}; ` +
      `page total ${(result.totalMs / 1000).toFixed(1)} s; screenshot build/test-output/browser.png`);
  } finally {
    await close();
    await server.close();
  }
});

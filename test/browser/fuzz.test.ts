// The loader fuzz suite's smaller form in headless Chromium (issue 19): real Keras files mutated in the page with a
// fixed seed (test/saving/mutate.ts) and loaded through the browser entry's loadModel (ArrayBuffer or File), plus
// the zeroed runs that used to hang libhdf5. Each ends in a model or a clear Error within 2 s (performance.now() in
// the page: the HDF5 read runs in the page itself, so a hang would freeze the tab), and the page still answers after.
// Skips in one line without chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { serve } from './serve.js';
import { bundlePage, chromiumMissing, openTab, root } from './harness.js';
import { LIBHDF5_HANGS } from '../saving/mutate.js';
import type { FuzzCase, FuzzParams } from './fuzz_page.js';

const noBrowser = chromiumMissing();
if (noBrowser) console.warn(`test/browser/fuzz: ${noBrowser}`);
const CASES = Number(process.env.LAYERWISE_BROWSER_FUZZ_CASES ?? 48);
const MAX_MS = 2000;
const KERAS_REAL = path.join(root, 'test', 'fixtures', 'keras-real');

test(`in Chromium: ${CASES} mutated Keras files and ${LIBHDF5_HANGS.runs.length} former libhdf5 hangs: a model or a clear error, each under ${MAX_MS} ms`, { skip: noBrowser, timeout: 120_000 }, async () => {
  const files = readdirSync(KERAS_REAL).filter((n) => /\.(h5|keras)$/.test(n)).sort();
  const params: FuzzParams = { files, cases: CASES, seed: 20261207, zeroed: LIBHDF5_HANGS.runs.map(([at, len]) => [LIBHDF5_HANGS.file, at, len]) };
  const html = '<!doctype html><meta charset="utf-8"><title>layerwise fuzz</title><body>loading' +
    '<script>addEventListener("error", (e) => { globalThis.__lwFuzz ??= { error: String(e.message) }; });</script>' +
    '<script type="module" src="/page.js"></script>';
  const server = await serve({ '/': html, '/page.js': await bundlePage('fuzz_page.ts'), '/params.json': JSON.stringify(params) }, { '/fixtures/keras-real/': KERAS_REAL });
  const { tab, logs, close } = await openTab();
  try {
    await tab.goto(`${server.url}/`);
    const shots = path.join(root, 'build', 'test-output');
    mkdirSync(shots, { recursive: true });
    try {
      await tab.waitForFunction(() => (globalThis as Record<string, unknown>).__lwFuzz !== undefined, undefined, { timeout: 110_000, polling: 250 });
    } finally {
      await tab.screenshot({ path: path.join(shots, 'browser_fuzz.png'), fullPage: true }).catch(() => undefined);
      if (process.env.LAYERWISE_BROWSER_LOG) console.log(logs.join('\n'));
    }
    const result = await tab.evaluate(() => (globalThis as Record<string, unknown>).__lwFuzz) as
      { error?: string; warm: string[]; results: FuzzCase[]; ticks: number; totalMs: number };
    assert.equal(result.error, undefined, `${result.error}\n${logs.join('\n')}`);
    // The page is alive and responsive after the run: it still evaluates script and runs timers.
    const t0 = Date.now();
    const alive = await tab.evaluate(() => new Promise<number>((resolve) => setTimeout(() => resolve(6 * 7), 10)));
    assert.equal(alive, 42);
    const answerMs = Date.now() - t0;
    assert.ok(result.ticks > 0, 'timers ran between the loads');
    assert.deepEqual(logs.filter((l) => l.startsWith('pageerror')), []);
    // Every original loads, except the file needing a custom activation, refused by its name.
    for (const w of result.warm) assert.match(w, /custom_parts/.test(w) ? /my_softplus/ : /: loaded$/);
    const { results } = result;
    assert.equal(results.length, CASES + LIBHDF5_HANGS.runs.length);
    assert.deepEqual(results.filter((r) => r.problem).map((r) => `${r.label} via ${r.via}: ${r.problem}`), []);
    assert.deepEqual(results.filter((r) => r.ms >= MAX_MS).map((r) => `${r.label}: ${r.ms.toFixed(0)} ms`), []);
    for (const r of results.slice(0, LIBHDF5_HANGS.runs.length)) {
    assert.match(r.message ?? 'loaded', /^(ArrayBuffer|case\d+\.h5): corrupt or truncated HDF5 file: global heap collection at byte 2048 has an object .* whose size is zero/, r.label);
  }
    const refused = results.filter((r) => r.outcome === 'refused').length;
    assert.ok(refused > results.length / 4, `most mutations are detected (${refused}/${results.length})`);
    const worst = results.reduce((a, b) => (b.ms > a.ms ? b : a));
    const hangs = results.slice(0, LIBHDF5_HANGS.runs.length).map((r) => r.ms.toFixed(1)).join(', ');
    console.log(`chromium fuzz: ${results.length} cases (${results.length - refused} loaded, ${refused} refused, 0 unclear); ` +
      `worst ${worst.ms.toFixed(0)} ms (${worst.label}); former libhdf5 hangs ${hangs} ms; run ${(result.totalMs / 1000).toFixed(1)} s; ` +
      `page answered in ${answerMs} ms after; screenshot build/test-output/browser_fuzz.png`);
  } finally {
    await close();
    await server.close();
  }
});

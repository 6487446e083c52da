// The browser build: `import ... from 'layerwise'` resolves through package.json's "browser" condition to
// dist/index.browser.js, and esbuild bundles it for platform=browser, so no Node built-in is reachable from it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));

test('a page importing layerwise bundles for the browser with no Node built-in (esbuild, platform=browser)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'layerwise-bundle-'));
  try {
    const entry = path.join(root, '.bundle_probe.mjs');
    writeFileSync(entry, "import { Sequential, layers, datasets, saveModel, loadModel, getBackend } from 'layerwise';\n" +
      'globalThis.probe = [Sequential, layers.Dense, datasets.fashionMnist.loadData, saveModel, loadModel, getBackend];\n');
    try {
      const out = path.join(dir, 'bundle.js');
      const result = await build({
        entryPoints: [entry], bundle: true, platform: 'browser', format: 'esm', outfile: out, write: true, logLevel: 'silent',
        metafile: true, tsconfigRaw: '{}', absWorkingDir: root,
      });
      assert.deepEqual(result.errors, []);
      const inputs = Object.keys(result.metafile.inputs);
      assert.ok(inputs.some((f) => f.endsWith('dist/index.browser.js')), `resolved through the browser condition: ${inputs.filter((f) => f.startsWith('dist/index')).join(', ')}`);
      assert.ok(!inputs.some((f) => f.endsWith('dist/index.js')), 'the Node entry is not in the bundle');
      const nodeOnly = inputs.filter((f) => /^(node:|dist\/backend\/native\.js|dist\/saving\/index\.js|dist\/saving\/h5_node\.js)/.test(f));
      assert.deepEqual(nodeOnly, []);
      assert.doesNotMatch(readFileSync(out, 'utf8'), /from\s*["']node:/);
    } finally {
      rmSync(entry, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

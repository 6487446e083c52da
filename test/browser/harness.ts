// Shared by the Chromium tests: Debian's /usr/bin/chromium (never a downloaded browser) through playwright-core with
// the house launch flags and a fresh profile, and esbuild bundling a page entry for platform=browser.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Page } from 'playwright-core';

export const root = path.resolve(fileURLToPath(new URL('../../../', import.meta.url)));
export const CHROMIUM = process.env.LAYERWISE_CHROMIUM ?? '/usr/bin/chromium';

/** False when chromium is there, else the one-line reason to skip (printed once by the caller's module). */
export function chromiumMissing(): false | string {
  return existsSync(CHROMIUM) ? false : `${CHROMIUM} not installed (Debian package chromium): browser tests skipped`;
}

/** Bundles a page entry under test/browser (node:test and node:assert/strict aliased to the page shims). */
export async function bundlePage(entry: string): Promise<Uint8Array> {
  const r = await build({
    entryPoints: [path.join(root, 'test', 'browser', entry)], bundle: true, platform: 'browser', format: 'esm', write: false,
    logLevel: 'silent', tsconfigRaw: '{}', alias: {
      'node:test': path.join(root, 'test', 'browser', 'shim_test.ts'),
      'node:assert/strict': path.join(root, 'test', 'browser', 'shim_assert.ts'),
    },
  });
  return r.outputFiles[0].contents;
}

/** A headless Chromium tab collecting console lines and page errors; close() also removes the profile. */
export async function openTab(): Promise<{ tab: Page; logs: string[]; close(): Promise<void> }> {
  const profile = mkdtempSync(path.join(tmpdir(), 'layerwise-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1100, height: 700 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const tab = context.pages()[0] ?? (await context.newPage());
  const logs: string[] = [];
  tab.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
  tab.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  await tab.route('**/favicon.ico', (route) => route.fulfill({ status: 204 }));
  return {
    tab, logs, close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

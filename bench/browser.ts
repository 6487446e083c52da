// `npm run bench -- --browser` (bench/run.ts hands over here; also `npm run bench:browser`): in Node, layerwise's wasm
// backend against its native backend (default ISA and avx2) and the reference, paired per round; then, in headless
// Chromium, layerwise-wasm (threaded and single-thread) against TensorFlow.js wasm and cpu (bench/browser_page.ts), in a
// cross-origin isolated page (threaded peers) and in a plain one (one thread each).
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { chromium } from 'playwright-core';
import '../src/backend/native.js';
import '../src/backend/wasm.js';
import { nativeInfo } from '../src/backend/native.js';
import { availableBackends } from '../src/backend/registry.js';
import { loadWasmBackend } from '../src/backend/wasm.js';
import { initWasmThreads, loadWasmThreadsBackend } from '../src/backend/wasm_threads_node.js';
import { makeDataset, type Dataset } from './common.js';
import { pairedRounds, type Config } from './node_rounds.js';
import type { WorkloadName } from './workloads.js';
import { serve } from '../test/browser/serve.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const quick = process.argv.includes('--quick');
const runSeconds = Number(process.env.BENCH_RUN_SECONDS ?? (quick ? 0.3 : 1));
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 5));
// Paired rounds in each page (BENCH_BROWSER_ROUNDS, default 3; 1 with --quick).
const browserRounds = Number(process.env.BENCH_BROWSER_ROUNDS ?? (quick ? 1 : 3));
const WORKLOADS: WorkloadName[] = ['W1', 'W2', 'W3'];
const log = (msg: string): void => console.log(`[bench:browser ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));


/** Node: per round and item, every configuration back to back (the host's speed drifts). */
async function nodeBench(d: Dataset): Promise<Record<string, Record<string, number[]>>> {
  const info = nativeInfo();
  const configs: Config[] = [];
  if (availableBackends().includes('native') && info) {
    configs.push({ name: `native ${info.isa}`, backend: 'native', isa: info.isa });
    if (info.isa !== 'avx2' && info.supportedIsas.includes('avx2')) configs.push({ name: 'native avx2', backend: 'native', isa: 'avx2' });
  }
  const threads = await initWasmThreads();
  configs.push({ name: `wasm ${threads} threads`, backend: 'wasm', use: await loadWasmThreadsBackend() },
    { name: 'wasm', backend: 'wasm', use: loadWasmBackend().backend! }, { name: 'reference', backend: 'reference' });
  return pairedRounds(configs, { rounds, workloads: WORKLOADS, data: d, runSeconds, restoreIsa: info?.isa, log: (m) => log(`node ${m}`) });
}

/** Resolves bench/sequential.ts' import of the Node entry to the browser entry, and stubs node:fs (unused in the page). */
const pagePlugin: Plugin = {
  name: 'browser-entry',
  setup(b) {
    b.onResolve({ filter: /src\/index\.js$/ }, () => ({ path: join(root, 'src', 'index.browser.ts') }));
    b.onResolve({ filter: /^node:fs$/ }, () => ({ path: 'node-fs-stub', namespace: 'stub' }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export function writeFileSync() { throw new Error("no files in a page"); }' }));
  },
};

/** One page of the browser bench: cross-origin isolated (threaded peers) or not (every wasm peer on one thread). */
async function browserBench(isolate: boolean): Promise<Record<string, unknown> | string> {
  const exe = process.env.LAYERWISE_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(exe)) return `${exe} not installed: browser bench skipped`;
  const page = await build({ entryPoints: [join(root, 'bench', 'browser_page.ts')], bundle: true, platform: 'browser', format: 'esm', write: false,
    logLevel: 'silent', tsconfigRaw: '{}', plugins: [pagePlugin] });
  const require = createRequire(import.meta.url);
  const tfWasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  const html = '<!doctype html><meta charset="utf-8"><body>bench<script type="module" src="/page.js"></script>';
  const server = await serve({ '/': html, '/page.js': page.outputFiles[0].contents, '/favicon.ico': '' }, { '/tfjs-wasm/': tfWasmDir }, { isolate });
  const profile = join(root, 'build', `chromium-bench-${process.pid}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: exe, headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const tab = context.pages()[0] ?? (await context.newPage());
    tab.on('console', (m) => log(`page${isolate ? ' (isolated)' : ''}: ${m.text()}`));
    // The isolated page also measures tfjs cpu (once); the plain one only the single-thread pair.
    await tab.goto(`${server.url}/?seconds=${runSeconds}&rounds=${browserRounds}&cpu=${isolate ? 1 : 0}`);
    await tab.waitForFunction(() => (globalThis as Record<string, unknown>).__benchResult !== undefined, undefined, { timeout: 1_800_000, polling: 1000 });
    return await tab.evaluate(() => (globalThis as Record<string, unknown>).__benchResult) as Record<string, unknown>;
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
    await server.close();
  }
}

type BrowserRow = { peer: string; workload: string; round: number; train: number; predict: number };

/** A page's table: medians per peer, and each layerwise peer over tfjs-wasm as the median of per-round ratios (paired). */
function browserTable(title: string, result: Record<string, unknown> | string): string[] {
  const lines = ['', `## Chromium: ${title}`, ''];
  if (typeof result === 'string' || result.error) return [...lines, String(typeof result === 'string' ? result : result.error)];
  const rows = result.rows as BrowserRow[];
  const peers = result.peers as string[];
  const tfw = peers.find((p) => p.startsWith('tfjs-wasm'))!;
  const mine = peers.filter((p) => p.startsWith('layerwise'));
  lines.push(`${String(result.userAgent)}; crossOriginIsolated=${String(result.isolated)}, ${String(result.cores)} cores, tfjs-wasm threads=${String(result.tfjsWasmThreads)}`, '',
    `| item | ${peers.join(' | ')} | ${mine.map((p) => `${p} / ${tfw}`).join(' | ')} |`, `|---|${[...peers, ...mine].map(() => '---:|').join('')}`);
  for (const w of WORKLOADS) {
    for (const k of ['train', 'predict'] as const) {
      const of = (p: string): BrowserRow[] => rows.filter((r) => r.peer === p && r.workload === w);
      const cells = peers.map((p) => (of(p).length ? fmt(median(of(p).map((r) => r[k]))) : '-'));
      const ratios = mine.map((p) => {
        const pairs = of(p).flatMap((r) => of(tfw).filter((t) => t.round === r.round).map((t) => r[k] / t[k]));
        return pairs.length ? `${median(pairs).toFixed(2)}x` : '-';
      });
      lines.push(`| ${w} ${k} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
    }
  }
  return lines;
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  log(`CPU ${cpu}, ${cpus().length} logical cores; native ${JSON.stringify(nativeInfo())}`);
  const d = makeDataset();
  const nodeRuns = await nodeBench(d);
  const lines = [`# layerwise wasm bench (${new Date().toISOString()})`, '', `CPU: ${cpu}; medians of ${rounds} paired rounds; samples/s`, '', '## Node'];
  const items = WORKLOADS.flatMap((w) => [`${w} train`, `${w} predict`]);
  const names = Object.keys(nodeRuns);
  const top = names.find((n) => n.startsWith('wasm '))!;
  const bases = names.filter((n) => !n.startsWith('wasm'));
  lines.push('', `| item | ${names.join(' | ')} | ${bases.map((b) => `${top} / ${b}`).join(' | ')} |`, `|---|${[...names, ...bases].map(() => '---:|').join('')}`);
  for (const it of items) {
    const cells = names.map((n) => (nodeRuns[n][it] ? fmt(median(nodeRuns[n][it])) : '-'));
    const ratios = bases.map((b) => (nodeRuns[b][it] && nodeRuns[top][it] ? `${(median(nodeRuns[top][it]) / median(nodeRuns[b][it])).toFixed(2)}x` : '-'));
    lines.push(`| ${it} | ${cells.join(' | ')} | ${ratios.join(' | ')} |`);
  }
  const isolated = await browserBench(true);
  const plain = await browserBench(false);
  lines.push(...browserTable('cross-origin isolated page (threaded wasm peers; tfjs cpu measured in round 1 only)', isolated),
    ...browserTable('page without COOP/COEP (every wasm peer on one thread)', plain));
  lines.push('', `Load average (1/5/15 min) at the end: ${loadavg().map((x) => x.toFixed(1)).join(' / ')}; ${cpus().length} logical cores shared with other jobs.`);
  const text = lines.join('\n');
  console.log(`\n${text}\n`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'browser.md'), `${text}\n`);
  writeFileSync(join(root, 'bench', 'results', 'browser.json'), JSON.stringify({ cpu, loadavg: loadavg(), nodeRuns, browser: { isolated, plain } }, null, 1));
}

await main();

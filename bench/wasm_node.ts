// `npm run bench -- --wasm`: in Node, layerwise's threaded wasm backend against the native backend's AVX2 path (and
// the reference on W2), paired per round; the same wasm module also runs with operands copied per call (the old
// path), and a profiled pass splits W2 train / W1 predict time into kernels, per-call copies and glue.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '../src/backend/native.js';
import { nativeInfo } from '../src/backend/native.js';
import { availableBackends, registerBackend, setBackend } from '../src/backend/registry.js';
import { makeKernelBackend } from '../src/backend/kernel_backend.js';
import { alloc, recycle } from '../src/backend/native_alloc.js';
import { makeWasmAddon, type WasmExports } from '../src/backend/wasm_addon.js';
import { initWasmThreads, wasmThreadsInternals } from '../src/backend/wasm_threads_node.js';
import type { Backend } from '../src/backend/backend.js';
import { makeDataset, type Dataset } from './common.js';
import { pairedRounds, type Config } from './node_rounds.js';
import { buildSequential } from './sequential.js';
import type { WorkloadName } from './workloads.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const quick = process.argv.includes('--quick');
const runSeconds = Number(process.env.BENCH_RUN_SECONDS ?? (quick ? 0.3 : 1));
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 5)));
const WORKLOADS: WorkloadName[] = ['W1', 'W2', 'W3'];
const log = (msg: string): void => console.log(`[bench:wasm ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));


/** The module's exports with every kernel call timed into `acc.kernel` (ms). */
function timedExports(ex: WasmExports, acc: { kernel: number }): WasmExports {
  const out: Record<string, unknown> = { ...ex };
  for (const [k, f] of Object.entries(ex)) {
    if (!k.startsWith('lw_') || typeof f !== 'function' || k === 'lw_isa' || k === 'lw_num_threads') continue;
    const fn = f as (...a: number[]) => unknown;
    out[k] = (...a: number[]) => {
      const t = performance.now();
      const r = fn(...a);
      acc.kernel += performance.now() - t;
      return r;
    };
  }
  return out as unknown as WasmExports;
}

/** The backend with each method's wall time summed per name (ms, calls). */
function timedBackend(b: Backend, acc: Map<string, { ms: number; calls: number }>): Backend {
  const out: Record<string, unknown> = { ...b };
  for (const [k, f] of Object.entries(b)) {
    if (typeof f !== 'function' || k === 'recycle') continue;
    const fn = f as (...a: unknown[]) => unknown;
    out[k] = (...a: unknown[]) => {
      const t = performance.now();
      const r = fn(...a);
      const e = acc.get(k) ?? { ms: 0, calls: 0 };
      e.ms += performance.now() - t;
      e.calls++;
      acc.set(k, e);
      return r;
    };
  }
  return out as unknown as Backend;
}

/** One profiled pass: total step time, time inside backend ops, inside wasm kernels (ms per step). */
async function profile(label: string, ex: WasmExports, isa: string, resident: boolean, d: Dataset, heap: Parameters<typeof makeWasmAddon>[2]):
Promise<string[]> {
  const kernel = { kernel: 0 };
  const ops = new Map<string, { ms: number; calls: number }>();
  const base = resident && heap
    ? makeKernelBackend(makeWasmAddon(timedExports(ex, kernel), isa, heap), 'wasm', heap)
    : makeKernelBackend(makeWasmAddon(timedExports(ex, kernel), isa, null), 'wasm', { alloc, recycle });
  registerBackend(timedBackend(base, ops));
  setBackend('wasm');
  const lines: string[] = [];
  for (const [w, kind] of [['W2', 'train'], ['W1', 'predict']] as const) {
    const m = buildSequential(w, d);
    const step = (): unknown => (kind === 'train' ? (() => { const b = m.next(); return m.model.trainOnBatch(b.x, b.y); })() : m.model.predictOnBatch(m.px));
    for (let i = 0; i < 3; i++) await step();
    kernel.kernel = 0;
    ops.clear();
    const steps = quick ? 10 : 40;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    const total = (performance.now() - t0) / steps;
    const opMs = [...ops.values()].reduce((s, e) => s + e.ms, 0) / steps;
    const k = kernel.kernel / steps;
    const top = [...ops.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 5)
      .map(([n, e]) => `${n} ${(e.ms / steps).toFixed(2)} ms/${(e.calls / steps).toFixed(0)}`).join(', ');
    lines.push(`| ${label} | ${w} ${kind} | ${total.toFixed(2)} | ${opMs.toFixed(2)} | ${k.toFixed(2)} | ${(opMs - k).toFixed(2)} | ${(total - opMs).toFixed(2)} | ${top} |`);
  }
  return lines;
}

async function main(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const d = makeDataset();
  const info = nativeInfo();
  const threads = await initWasmThreads();
  const { exports: ex, heap, isa } = await wasmThreadsInternals();
  const residentBackend = makeKernelBackend(makeWasmAddon(ex, isa, heap), 'wasm', heap);
  const copyingBackend = makeKernelBackend(makeWasmAddon(ex, isa, null), 'wasm', { alloc, recycle });
  const configs: Config[] = [];
  if (availableBackends().includes('native') && info) {
    configs.push({ name: info.supportedIsas.includes('avx2') ? 'native avx2' : `native ${info.isa}`, backend: 'native', isa: info.supportedIsas.includes('avx2') ? 'avx2' : info.isa });
  }
  configs.push({ name: `wasm ${threads}t resident`, backend: 'wasm', use: residentBackend },
    { name: `wasm ${threads}t copying`, backend: 'wasm', use: copyingBackend }, { name: 'reference', backend: 'reference' });
  const load0 = loadavg()[0];
  const res = await pairedRounds(configs, { rounds, workloads: WORKLOADS, data: d, runSeconds, restoreIsa: info?.isa, log });
  const nat = configs[0].backend === 'native' ? configs[0].name : null;
  const wr = configs.find((c) => c.name.endsWith('resident'))!.name;
  const wc = configs.find((c) => c.name.endsWith('copying'))!.name;
  const lines = [`# layerwise wasm (threaded) vs native in Node (${new Date().toISOString()})`, '',
    `CPU: ${cpu}, ${cpus().length} cores; load average ${load0.toFixed(1)} at start, ${loadavg()[0].toFixed(1)} at end; ` +
    `medians of ${rounds} paired rounds; samples/s`, '',
    `| item | ${configs.map((c) => c.name).join(' | ')} | resident / ${nat ?? 'native'} | resident / copying | resident / reference |`,
    `|---|${configs.map(() => '---:|').join('')}---:|---:|---:|`];
  const items = WORKLOADS.flatMap((w) => [`${w} train`, `${w} predict`]);
  const med = (name: string, item: string): number | undefined => (res[name]?.[item] ? median(res[name][item]) : undefined);
  const ratio = (a?: number, b?: number): string => (a && b ? `${(a / b).toFixed(2)}x` : '-');
  for (const item of items) {
    lines.push(`| ${item} | ${configs.map((c) => { const v = med(c.name, item); return v ? fmt(v) : '-'; }).join(' | ')} | ` +
      `${ratio(med(wr, item), nat ? med(nat, item) : undefined)} | ${ratio(med(wr, item), med(wc, item))} | ${ratio(med(wr, item), med('reference', item))} |`);
  }
  lines.push('', '## Where wasm time goes (ms per step; profiled pass, timers add a little)', '',
    '| path | item | step | in backend ops | in wasm kernels | copies + call glue | outside ops | top ops (ms/step / calls) |', '|---|---|---:|---:|---:|---:|---:|---|');
  lines.push(...await profile('resident', ex, isa, true, d, heap), ...await profile('copying', ex, isa, false, d, null));
  const md = lines.join('\n');
  console.log(md);
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'wasm-node.md'), `${md}\n`);
  writeFileSync(join(dir, 'wasm-node.json'), `${JSON.stringify({ cpu, rounds, runSeconds, results: res }, null, 1)}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});

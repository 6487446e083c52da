// The threaded WebAssembly build under Node: emscripten's pthreads loader (wasm/layerwise-mt.js, its worker script and
// shared memory), started asynchronously; once ready it replaces the single-thread module as the 'wasm' backend.
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from './backend.js';
import { makeKernelBackend } from './kernel_backend.js';
import { registerBackend } from './registry.js';
import { noteWasmThreads } from './wasm.js';
import { makeWasmAddon, type WasmExports } from './wasm_addon.js';
import { makeWasmHeap, type WasmHeap } from './wasm_heap.js';

/** What emscripten's MODULARIZE factory resolves to (the parts used here). */
interface EmscriptenModule {
  wasmMemory: WebAssembly.Memory;
  PThread: { unusedWorkers: { unref?: () => void }[]; runningWorkers: { unref?: () => void }[]; terminateAllThreads(): void };
  [fn: `_${string}`]: (...args: number[]) => number;
}

/** The started module: its backend, thread count, and (bench, tests) its exports and resident heap. */
interface Started { backend: Backend; threads: number; module: EmscriptenModule; exports: WasmExports; heap: WasmHeap; isa: string }

let started: Promise<Started> | null = null;

function wasmDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'wasm', 'layerwise-mt.js'))) return join(dir, 'wasm');
    dir = dirname(dir);
  }
  throw new Error('wasm/layerwise-mt.js not found above the package (run npm run build:wasm)');
}

/** Node workers keep a process alive: let it exit while the kernel threads idle. */
function unrefWorkers(m: EmscriptenModule): void {
  for (const w of [...m.PThread.unusedWorkers, ...m.PThread.runningWorkers]) w.unref?.();
}

async function start(): Promise<Started> {
  const dir = wasmDir();
  const factory = createRequire(import.meta.url)(join(dir, 'layerwise-mt.js')) as (o: Record<string, unknown>) => Promise<EmscriptenModule>;
  const m = await factory({ wasmBinary: readFileSync(join(dir, 'layerwise-mt.wasm')), locateFile: (f: string) => join(dir, f) });
  const ex = {
    memory: m.wasmMemory, malloc: m._malloc, free: m._free,
    ...Object.fromEntries(Object.keys(m).filter((k) => k.startsWith('_lw_')).map((k) => [k.slice(1), m[k as `_${string}`]])),
  } as unknown as WasmExports;
  const threads = ex.lw_num_threads();  // starts the kernel thread pool
  unrefWorkers(m);
  const bytes = new Uint8Array(m.wasmMemory.buffer, ex.lw_isa());
  const isa = new TextDecoder().decode(bytes.slice(0, bytes.indexOf(0)));
  // Shared memory: tensors stay resident in the heap across ops (see wasm_heap.ts).
  const heap = makeWasmHeap(ex);
  return { backend: makeKernelBackend(makeWasmAddon(ex, isa, heap), 'wasm', heap), threads, module: m, exports: ex, heap, isa };
}

/**
 * Starts the threaded WebAssembly build (pthreads over SharedArrayBuffer) and makes it the 'wasm' backend; resolves
 * to its thread count. Until it resolves, 'wasm' runs the single-thread module.
 * @example await initWasmThreads(); setBackend('wasm');
 */
export async function initWasmThreads(): Promise<number> {
  started ??= start();
  const s = await started;
  registerBackend(s.backend);
  noteWasmThreads(s.backend, s.threads, s.isa);
  return s.threads;
}

/** The threaded wasm backend itself (tests), starting it if needed. */
export async function loadWasmThreadsBackend(): Promise<Backend> {
  started ??= start();
  return (await started).backend;
}

/** The threaded module's exports, resident heap and ISA name (bench/wasm_node.ts builds a profiled backend on them). */
export async function wasmThreadsInternals(): Promise<{ exports: WasmExports; heap: WasmHeap; isa: string }> {
  started ??= start();
  const s = await started;
  return { exports: s.exports, heap: s.heap, isa: s.isa };
}

// The threaded WebAssembly build in a page or Web Worker: emscripten's pthreads loader, its worker script and the binary
// are embedded (wasm_binary_mt_web.ts), the pthread workers start from blob URLs, so nothing is fetched and any bundler
// works. It needs cross-origin isolation (SharedArrayBuffer); without it the single-thread build stays the 'wasm' backend.
import type { Backend } from './backend.js';
import { makeKernelBackend } from './kernel_backend.js';
import { makeWasmHeap } from './wasm_heap.js';
import { onReady, registerBackend } from './registry.js';
import { noteWasmThreads } from './wasm.js';
import { makeWasmAddon, type WasmExports } from './wasm_addon.js';
import { MT_WEB_LOADER, MT_WEB_WASM_BASE64, MT_WEB_WORKER } from './wasm_binary_mt_web.js';

/** What emscripten's MODULARIZE factory resolves to (the parts used here). */
interface EmscriptenModule {
  wasmMemory: WebAssembly.Memory;
  [fn: `_${string}`]: (...args: number[]) => number;
}
type Factory = (options: Record<string, unknown>) => Promise<EmscriptenModule>;

let started: Promise<{ backend: Backend; threads: number; isa: string }> | null = null;

/** True where the threaded build can run: a cross-origin isolated page or worker (SharedArrayBuffer, Worker). */
export function wasmThreadsSupported(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return g.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' && typeof Worker === 'function';
}

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function start(): Promise<{ backend: Backend; threads: number; isa: string }> {
  // NOTE: the loader is a classic script defining `var layerwiseThreadsWeb`: evaluated here (module/exports/define
  // shadowed so it never takes a CommonJS or AMD branch) and, as a Blob, importScripts'd by every pthread worker.
  const factory = new Function('module', 'exports', 'define', `${MT_WEB_LOADER}\nreturn layerwiseThreadsWeb;`)(undefined, undefined, undefined) as Factory;
  const workerUrl = URL.createObjectURL(new Blob([MT_WEB_WORKER], { type: 'text/javascript' }));
  const m = await factory({
    wasmBinary: decodeBase64(MT_WEB_WASM_BASE64),
    mainScriptUrlOrBlob: new Blob([MT_WEB_LOADER], { type: 'text/javascript' }),
    locateFile: (file: string) => (file.endsWith('.worker.js') ? workerUrl : file),
    print: (s: string) => console.log(s),
    printErr: (s: string) => console.warn(s),
  });
  const ex = {
    memory: m.wasmMemory, malloc: m._malloc, free: m._free,
    ...Object.fromEntries(Object.keys(m).filter((k) => k.startsWith('_lw_')).map((k) => [k.slice(1), m[k as `_${string}`]])),
  } as unknown as WasmExports;
  const threads = ex.lw_num_threads();  // starts the kernel thread pool on the preloaded workers
  const bytes = new Uint8Array(m.wasmMemory.buffer, ex.lw_isa());
  const isa = new TextDecoder().decode(bytes.slice(0, bytes.indexOf(0)));
  const heap = makeWasmHeap(ex);  // tensors stay resident in the shared wasm memory, as on Node's threaded build
  return { backend: makeKernelBackend(makeWasmAddon(ex, isa, heap), 'wasm', heap), threads, isa };
}

/**
 * In a cross-origin isolated page or worker, starts the threaded WebAssembly build (one thread per core, up to 16) and
 * makes it the 'wasm' backend; resolves to its thread count. Elsewhere resolves to 1 and the single-thread build stays.
 * `ready()` calls it, so a page needs nothing more than `await ready()`.
 * @example const threads = await initWasmThreads(); // 2 on a 2-core machine when served with COOP/COEP headers
 */
export async function initWasmThreads(): Promise<number> {
  if (!wasmThreadsSupported()) return 1;
  started ??= start();
  const s = await started;
  registerBackend(s.backend);
  noteWasmThreads(s.backend, s.threads, s.isa);
  return s.threads;
}

/** The threaded backend itself (tests and the bench run it next to the single-thread one), starting it if needed. */
export async function loadWasmThreadsWebBackend(): Promise<{ backend: Backend; threads: number }> {
  if (!wasmThreadsSupported()) throw new Error('the threaded wasm build needs a cross-origin isolated page (COOP/COEP headers)');
  started ??= start();
  const s = await started;
  return { backend: s.backend, threads: s.threads };
}

onReady(async () => {
  try {
    await initWasmThreads();
  } catch (e) {
    started = null;
    console.warn(`layerwise: the threaded wasm build failed to start (${(e as Error).message}); using the single-thread build`);
  }
});

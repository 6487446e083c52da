// The WebAssembly backend: the native C++ kernels compiled with emscripten (-msimd128), loaded from bytes embedded in
// wasm_binary_st.ts (no file or URL to resolve, so it works in Node, in a page and through any bundler).
import type { Backend } from './backend.js';
import { makeKernelBackend } from './kernel_backend.js';
import { alloc, recycle } from './native_alloc.js';
import { onReady, registerBackendInfo, registerCandidate, registeredBackend } from './registry.js';
import { makeWasmAddon, type WasmExports } from './wasm_addon.js';
import { WASM_ST_BASE64 } from './wasm_binary_st.js';

let loaded: { backend: Backend | null; error: string; threads: number } | null = null;
let compiled: WebAssembly.Module | null = null;
let isaName = '';
/** The threaded build (Node or page) once its loader made it the 'wasm' backend. */
let threaded: { backend: Backend; threads: number; isa: string } | null = null;

/** Called by the threaded builds' loaders (wasm_threads_node.ts, wasm_threads_web.ts) once registered as 'wasm'. */
export function noteWasmThreads(backend: Backend, threads: number, isa: string): void {
  threaded = { backend, threads, isa };
}

function decodeBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Imports of a standalone module: memory-growth notices are ignored, anything else (abort, exit) throws. */
function importsFor(mod: WebAssembly.Module): WebAssembly.Imports {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const imp of WebAssembly.Module.imports(mod)) {
    if (imp.kind !== 'function') continue;
    const fn = imp.name === 'emscripten_notify_memory_growth' ? () => undefined : (...args: unknown[]) => {
      throw new Error(`wasm backend: the kernels called ${imp.module}.${imp.name}(${args.join(', ')})`);
    };
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  return imports;
}

function instantiate(mod: WebAssembly.Module): Backend {
  const instance = new WebAssembly.Instance(mod, importsFor(mod));
  const ex = instance.exports as unknown as WasmExports & { _initialize?: () => void };
  ex._initialize?.();
  const bytes = new Uint8Array(ex.memory.buffer, ex.lw_isa());
  isaName = new TextDecoder().decode(bytes.subarray(0, bytes.indexOf(0)));
  return makeKernelBackend(makeWasmAddon(ex, isaName), 'wasm', { alloc, recycle });
}

/** The wasm backend, or null (with the error) when this JavaScript engine cannot run WebAssembly SIMD. */
export function loadWasmBackend(): { backend: Backend | null; error: string } {
  if (!loaded) {
    try {
      compiled ??= new WebAssembly.Module(decodeBase64(WASM_ST_BASE64) as Uint8Array<ArrayBuffer>);
      const b = instantiate(compiled);
      loaded = { backend: b, error: '', threads: 1 };
    } catch (e) {
      loaded = { backend: null, error: (e as Error).message, threads: 0 };
    }
  }
  return { backend: loaded.backend, error: loaded.error };
}

/**
 * Compiles the WebAssembly module off the main thread's critical path (WebAssembly.compile). Browsers limit
 * synchronous compilation on the main thread, so a page should `await initWasm()` before its first op.
 */
export async function initWasm(): Promise<void> {
  if (loaded || compiled) return;
  compiled = await WebAssembly.compile(decodeBase64(WASM_ST_BASE64) as Uint8Array<ArrayBuffer>);
}

/**
 * Threads and instruction set ('simd128') of the wasm kernels (the threaded build's when it is the registered 'wasm'
 * backend), or null when the module cannot load.
 */
export function wasmInfo(): { threads: number; isa: string } | null {
  if (threaded && registeredBackend('wasm') === threaded.backend) return { threads: threaded.threads, isa: threaded.isa };
  const { backend } = loadWasmBackend();
  return backend && loaded ? { threads: loaded.threads, isa: isaName } : null;
}

registerCandidate('wasm', 1, loadWasmBackend);
registerBackendInfo('wasm', () => {
  const info = wasmInfo();
  return info ? { isa: info.isa, threads: info.threads } : null;
});
onReady(initWasm);

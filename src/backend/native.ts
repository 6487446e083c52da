// The native CPU backend: float32 kernels in a C++ addon (native/), everything else delegated to the reference.
import type { Backend } from './backend.js';
import { makeKernelBackend, type KernelAddon } from './kernel_backend.js';
import { registerBackendInfo, registerCandidate } from './registry.js';
import { alloc, recycle } from './native_alloc.js';
import { nativeConvKernels, type ConvAddon } from './native_conv.js';
import { loadAddon } from './native_load.js';
import { referenceBackend as ref } from './reference/index.js';

export { setPoisonOutputs } from './native_alloc.js';

/** The functions exported by native/addon.cc: the kernels, and the instruction-set dispatch. */
interface Addon extends KernelAddon, ConvAddon {
  /** The active instruction-set path; setIsa switches it (throws naming the CPU's features if unsupported). */
  isa(): string;
  setIsa(name: string): void;
  /** Comma-separated paths this CPU runs, best first, e.g. 'avx512,avx2,baseline'. */
  supportedIsas: string;
  cpu: string;
  cpuFeatures: string;
}

let loaded: { backend: Backend | null; error: string; addon: Addon | null } | null = null;

/** The native backend, or null (with the load error) when its addon is missing or fails to load. */
export function loadNativeBackend(): { backend: Backend | null; error: string } {
  if (!loaded) {
    const { addon, error } = loadAddon<Addon>();
    const backend = addon ? { ...makeKernelBackend(addon, 'native', { alloc, recycle }), ...nativeConvKernels(addon, ref) } : null;
    loaded = { backend, error, addon };
  }
  return { backend: loaded.backend, error: loaded.error };
}

/** What the native kernels run on, or null when the addon is not loaded. */
export interface NativeInfo {
  /** Threads of the kernel pool, the caller included. */
  threads: number;
  /** The active instruction-set path: 'avx512', 'avx2', 'neon' or 'baseline'. */
  isa: string;
  /** The paths this CPU can run, best first. */
  supportedIsas: string[];
  /** The CPU's model (cpuid brand string, else /proc/cpuinfo) and the features the dispatch looked at. */
  cpu: string;
  cpuFeatures: string;
}

export function nativeInfo(): NativeInfo | null {
  loadNativeBackend();
  const L = loaded?.addon;
  if (!L) return null;
  return { threads: L.numThreads(), isa: L.isa(), supportedIsas: L.supportedIsas.split(','), cpu: L.cpu, cpuFeatures: L.cpuFeatures };
}

/**
 * Switches the native kernels to another instruction-set path for every later op (tests run their suite once per
 * path). Throws, naming the CPU's features, when this CPU cannot run it; returns false without an addon.
 */
export function setNativeIsa(isa: string): boolean {
  loadNativeBackend();
  const L = loaded?.addon;
  if (!L) return false;
  L.setIsa(isa);
  return true;
}

registerBackendInfo('native', () => {
  const info = nativeInfo();
  return info ? { isa: info.isa, threads: info.threads, cpu: info.cpu } : null;
}, () => nativeInfo()?.cpu ?? null);

// Importing this module offers native as the first choice of default backend (see registry.ts).
registerCandidate('native', 0, () => {
  const loadedNow = loadNativeBackend();
  // A forced instruction set the CPU lacks is the user's explicit request: fail loudly instead of falling back.
  if (!loadedNow.backend && process.env.LAYERWISE_ISA && loadedNow.error.includes('LAYERWISE_ISA=')) throw new Error(`layerwise: ${loadedNow.error}`);
  return loadedNow;
});

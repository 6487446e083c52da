// The native CPU backend: float32 kernels in a C++ addon (native/), everything else delegated to the reference.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Backend } from './backend.js';
import { makeKernelBackend, type KernelAddon } from './kernel_backend.js';
import { registerCandidate } from './registry.js';
import { alloc, recycle } from './native_alloc.js';

export { setPoisonOutputs } from './native_alloc.js';

type Addon = KernelAddon;

/** Where the addon may be: LAYERWISE_NATIVE_ADDON, else native/build/Release/ in an ancestor of this file. */
function addonCandidates(): string[] {
  const out: string[] = [];
  if (process.env.LAYERWISE_NATIVE_ADDON) out.push(process.env.LAYERWISE_NATIVE_ADDON);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    out.push(join(dir, 'native', 'build', 'Release', 'layerwise.node'));
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return out;
}

function loadAddon(): { addon: Addon | null; error: string } {
  const require = createRequire(import.meta.url);
  const tried = addonCandidates();
  for (const path of tried) {
    if (!existsSync(path)) continue;
    try {
      return { addon: require(path) as Addon, error: '' };
    } catch (e) {
      return { addon: null, error: `${path}: ${(e as Error).message}` };
    }
  }
  const from = dirname(fileURLToPath(import.meta.url));
  return { addon: null, error: `no native/build/Release/layerwise.node in ${from} or its parents (build it with \`npm install\` or \`node scripts/build-native.mjs\`)` };
}
let loaded: { backend: Backend | null; error: string; addon: Addon | null } | null = null;

/** The native backend, or null (with the load error) when its addon is missing or fails to load. */
export function loadNativeBackend(): { backend: Backend | null; error: string } {
  if (!loaded) {
    const { addon, error } = loadAddon();
    loaded = { backend: addon ? makeKernelBackend(addon, 'native', { alloc, recycle }) : null, error, addon };
  }
  return { backend: loaded.backend, error: loaded.error };
}

/** Threads the native kernels use and their SIMD level, or null when the addon is not loaded. */
export function nativeInfo(): { threads: number; simd: string } | null {
  loadNativeBackend();
  const L = loaded?.addon;
  return L ? { threads: L.numThreads(), simd: L.simd } : null;
}

// Importing this module offers native as the first choice of default backend (see registry.ts).
registerCandidate('native', 0, loadNativeBackend);

// Which backend runs the ops: the first candidate that loads (native, then wasm), else the reference oracle; switchable.
import type { Backend, BackendName } from './backend.js';
import { referenceBackend } from './reference/index.js';
import { envVar } from '../utils/env.js';

export { envVar };

type Loader = () => { backend: Backend | null; error: string };

const candidates: { name: BackendName; rank: number; load: Loader }[] = [];
const backends = new Map<BackendName, Backend>([['reference', referenceBackend]]);
const failures = new Map<BackendName, string>();
let active: Backend | null = null;
let warned = false;

/**
 * Offers a backend as a default: candidates are tried in increasing rank (native 0, wasm 1) on first use, and
 * the first that loads runs the ops. Loading is lazy, so importing a backend module costs nothing.
 */
export function registerCandidate(name: BackendName, rank: number, load: Loader): void {
  if (candidates.some((c) => c.name === name)) return;
  candidates.push({ name, rank, load });
  candidates.sort((a, b) => a.rank - b.rank);
}

/**
 * Registers a ready backend (replacing one of the same name, e.g. the threaded wasm module); it becomes the active one
 * when it replaces the active backend, or when makeDefault (unless LAYERWISE_BACKEND=reference).
 */
export function registerBackend(backend: Backend, makeDefault = false): void {
  backends.set(backend.name, backend);
  failures.delete(backend.name);
  if (active?.name === backend.name || (makeDefault && envVar('LAYERWISE_BACKEND') !== 'reference')) active = backend;
}

/** The backend registered under a name (without loading a candidate), or null. */
export function registeredBackend(name: BackendName): Backend | null {
  return backends.get(name) ?? null;
}

function tryLoad(name: BackendName): Backend | null {
  const have = backends.get(name);
  if (have || failures.has(name)) return have ?? null;
  const c = candidates.find((x) => x.name === name);
  if (!c) return null;
  const { backend: b, error } = c.load();
  if (b) backends.set(name, b);
  else failures.set(name, error);
  return b;
}

function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
}

export function backend(): Backend {
  if (active) return active;
  const forced = envVar('LAYERWISE_BACKEND') as BackendName | undefined;
  if (forced === 'reference') return (active = referenceBackend);
  if (forced) {
    const b = tryLoad(forced);
    if (b) return (active = b);
    warnOnce(`layerwise: LAYERWISE_BACKEND=${forced} is unavailable (${failures.get(forced) ?? 'not registered'}); using the default order.`);
  }
  for (const c of candidates) {
    const b = tryLoad(c.name);
    if (!b) continue;
    const failed = candidates.filter((x) => x.rank < c.rank && failures.has(x.name));
    if (failed.length > 0) {
      warnOnce(`layerwise: ${failed.map((x) => `${x.name} backend unavailable (${failures.get(x.name)})`).join('; ')}; using the ${c.name} backend.`);
    }
    return (active = b);
  }
  if (candidates.length > 0) {
    warnOnce(`layerwise: ${candidates.map((x) => `${x.name} backend unavailable (${failures.get(x.name)})`).join('; ')}; using the reference backend (pure TypeScript, slower).`);
  }
  return (active = referenceBackend);
}

/** The name of the active backend: 'native', 'wasm' or 'reference'. */
export function getBackend(): BackendName {
  return backend().name;
}

/** Switches the backend for every later op. Throws if that backend is not available. */
export function setBackend(name: BackendName): void {
  const b = tryLoad(name);
  if (!b) {
    const why = failures.get(name);
    throw new Error(`setBackend: backend '${name}' is not available${why ? ` (${why})` : ''} (available: ${availableBackends().join(', ')})`);
  }
  active = b;
}

/** Names of the backends that can run here ('reference' always; 'native' / 'wasm' when they load). */
export function availableBackends(): BackendName[] {
  if (envVar('LAYERWISE_BACKEND') !== 'reference') for (const c of candidates) tryLoad(c.name);
  return [...backends.keys()];
}

/** Facts about the backend that runs the ops (API.md "Backend facts and CPU paths"). */
export interface BackendInfo {
  backend: 'native' | 'wasm' | 'reference';
  /** The kernels' instruction-set path ('avx512', 'avx2', 'baseline', ...), null for the reference backend. */
  isa: string | null;
  /** Threads the kernels use. */
  threads: number;
  /** The CPU model ('unknown' when no backend can tell). */
  cpu: string;
}

type InfoProvider = () => (Omit<BackendInfo, 'backend' | 'cpu'> & { cpu?: string }) | null;
const infoProviders = new Map<string, InfoProvider>();
let cpuProvider: (() => string | null) | null = null;

/** Lets a backend describe itself for backendInfo(); `cpu` tells the CPU model even when another backend runs. */
export function registerBackendInfo(name: string, info: InfoProvider, cpu?: () => string | null): void {
  infoProviders.set(name, info);
  if (cpu) cpuProvider = cpu;
}

/**
 * The active backend, its instruction-set path, thread count and CPU model.
 * @example
 * backendInfo(); // { backend: 'native', isa: 'avx2', threads: 2, cpu: 'AMD EPYC 7B13' }
 */
export function backendInfo(): BackendInfo {
  const name = backend().name as BackendInfo['backend'];
  const info = infoProviders.get(name)?.() ?? null;
  return { backend: name, isa: info?.isa ?? null, threads: info?.threads ?? 1, cpu: info?.cpu ?? cpuProvider?.() ?? 'unknown' };
}

const readyHooks: (() => Promise<void>)[] = [];

/** Lets a backend prepare asynchronously before ready() resolves (the wasm module compiles off the main thread). */
export function onReady(hook: () => Promise<void>): void {
  readyHooks.push(hook);
}

/**
 * Resolves once the default backend is loaded (at once for Node's native addon), with its backendInfo().
 * @example
 * const { backend, isa } = await ready();
 */
export async function ready(): Promise<BackendInfo> {
  for (const hook of readyHooks) await hook();
  backend();
  return backendInfo();
}

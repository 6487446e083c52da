// Which backend runs the ops: native when its addon loads, else the reference oracle; switchable.
import type { Backend } from './backend.js';
import { referenceBackend } from './reference/index.js';

const backends = new Map<string, Backend>([['reference', referenceBackend]]);
let active: Backend | null = null;
let resolveDefault: (() => Backend) | null = null;

/** Lets the native loader offer itself; it is used unless LAYERWISE_BACKEND=reference. */
export function registerBackend(backend: Backend, makeDefault = false): void {
  backends.set(backend.name, backend);
  if (makeDefault && process.env.LAYERWISE_BACKEND !== 'reference') active = backend;
}

/** Installs a lazy resolver for the default backend (so loading the addon happens on first use). */
export function setDefaultResolver(fn: () => Backend): void {
  resolveDefault = fn;
}

export function backend(): Backend {
  if (active) return active;
  const forced = process.env.LAYERWISE_BACKEND;
  if (forced === 'reference' || !resolveDefault) {
    active = referenceBackend;
  } else {
    active = resolveDefault();
    backends.set(active.name, active);
  }
  return active;
}

/** The name of the active backend: 'native' or 'reference'. */
export function getBackend(): 'native' | 'reference' {
  return backend().name;
}

/** Switches the backend for every later op. Throws if that backend is not available. */
export function setBackend(name: 'native' | 'reference'): void {
  if (!backends.has(name) && name === 'native' && resolveDefault) {
    const b = resolveDefault();
    backends.set(b.name, b);
  }
  const b = backends.get(name);
  if (!b) throw new Error(`setBackend: backend '${name}' is not available (available: ${[...backends.keys()].join(', ')})`);
  active = b;
}

/** Names of the backends that can run here ('reference' always; 'native' when its addon loads). */
export function availableBackends(): ('native' | 'reference')[] {
  if (!backends.has('native') && resolveDefault && process.env.LAYERWISE_BACKEND !== 'reference') {
    const b = resolveDefault();
    backends.set(b.name, b);
  }
  return [...backends.keys()] as ('native' | 'reference')[];
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

type InfoProvider = () => Omit<BackendInfo, 'backend'> | null;
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

/**
 * Resolves once the default backend is loaded (at once for Node's native addon), with its backendInfo().
 * @example
 * const { backend, isa } = await ready();
 */
export async function ready(): Promise<BackendInfo> {
  backend();
  return backendInfo();
}

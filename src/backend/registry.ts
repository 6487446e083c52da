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

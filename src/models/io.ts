// The hook through which src/saving provides model.save / saveWeights / loadWeights without a circular import.
import type { Model } from './functional.js';

/** What the saving module registers: writers and readers keyed on the path's extension. */
export interface ModelIO {
  save(model: Model, path: string, options?: Record<string, unknown>): Promise<void>;
  saveWeights?(model: Model, path: string): Promise<void>;
  loadWeights?(model: Model, path: string): Promise<void>;
}

let registered: ModelIO | null = null;

/** Called once by src/saving to enable model.save(path), saveWeights and loadWeights. */
export function registerModelIO(io: ModelIO): void {
  registered = io;
}

/** The registered implementation of one method, or a clear error naming what is missing. */
export function modelIO<K extends keyof ModelIO>(method: K): NonNullable<ModelIO[K]> {
  const fn = registered?.[method];
  if (!fn) {
    throw new Error(`model.${method}(): no saving implementation is registered (import layerwise from its package root, which loads src/saving)`);
  }
  return fn.bind(registered) as NonNullable<ModelIO[K]>;
}

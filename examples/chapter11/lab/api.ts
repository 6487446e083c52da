// loadModel, probed at run time: the lab still runs (transferring in memory) on a build that does not export it yet.
import * as lw from 'layerwise';
import type { Model } from 'layerwise';

const ns = lw as unknown as Record<string, unknown>;

/** `loadModel` from the package root, or null. */
export function loadModelApi(): ((path: string) => Promise<Model>) | null {
  return typeof ns.loadModel === 'function' ? (ns.loadModel as (path: string) => Promise<Model>) : null;
}

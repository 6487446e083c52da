// Node-only: the worker thread of mapInWorkers — imports the user's map function and applies it to each element it receives.
import { parentPort, workerData } from 'node:worker_threads';
import { decodeElement, encodeElement, type EncodedElement } from './worker_codec.js';
import type { Element } from './structure.js';

const { module, exportName } = workerData as { module: string; exportName: string };
const mod = (await import(module)) as Record<string, unknown>;
const fn = mod[exportName] as ((e: Element) => Element | Promise<Element>) | undefined;

parentPort!.on('message', async (msg: { id: number; element: EncodedElement }) => {
  try {
    if (typeof fn !== 'function') throw new Error(`data.mapInWorkers: ${module} has no function export "${exportName}"`);
    const out = encodeElement(await fn(decodeElement(msg.element)));
    parentPort!.postMessage({ id: msg.id, element: out });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});

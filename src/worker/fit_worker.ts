// The Web Worker half of fitInWorker: receives a model file and data, trains with fit, and posts a progress message per
// epoch (and per batch when asked), then the trained weights. Runs on the worker's own backend (threaded wasm when the
// page is cross-origin isolated), so the page's main thread stays free.
import { LambdaCallback } from '../callbacks/lambda.js';
import { ready } from '../backend/registry.js';
import { setRandomSeed } from '../random/rng.js';
import { modelFromBytes } from '../saving/browser.js';
import type { Tensor } from '../tensor/tensor.js';
import { buffers, fromWire, toWire, type FromWorker, type ToWorker, type WireTensor } from './protocol.js';

/** The part of a worker's global scope used here (DedicatedWorkerGlobalScope, or a MessagePort in tests). */
export interface FitWorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

async function runFit(scope: FitWorkerScope, req: Extract<ToWorker, { kind: 'layerwise.fit' }>, signal: AbortSignal): Promise<void> {
  const post = (m: FromWorker, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);
  const info = await ready();
  post({ kind: 'layerwise.start', id: req.id, backend: info.backend, threads: info.threads, isa: info.isa });
  if (req.seed !== undefined) setRandomSeed(req.seed);
  const model = await modelFromBytes(req.model, 'fitInWorker model.keras', { compile: true });
  if (!model.compiled) throw new Error(`fitInWorker: model "${model.name}" arrived without a compile configuration (compile it before fitInWorker)`);
  let epochNow = 0;
  const progress = new LambdaCallback({
    onEpochBegin: (epoch) => {
      epochNow = epoch;
    },
    onEpochEnd: (epoch, logs) => post({ kind: 'layerwise.epoch', id: req.id, epoch, logs: { ...logs } }),
    onBatchEnd: req.batches ? (batch, logs) => post({ kind: 'layerwise.batch', id: req.id, epoch: epochNow, batch, logs: { ...logs } }) : undefined,
  });
  const v = req.validationData;
  const validationData: [Tensor, Tensor] | undefined = v ? [fromWire(v[0]), fromWire(v[1])] : undefined;
  const history = await model.fit(fromWire(req.x), fromWire(req.y), { ...req.args, validationData, verbose: 0, callbacks: [progress], signal });
  const weights: WireTensor[] = model.getWeights().map(toWire);
  post({ kind: 'layerwise.done', id: req.id, weights, history: history.history, epoch: history.epoch }, buffers(weights));
}

/**
 * Makes this Web Worker answer `fitInWorker` requests (one `fit` at a time per request id; `stop` aborts one cleanly).
 * Call it once in the worker's entry module.
 * @example
 * // train.worker.ts, started with new Worker(new URL('./train.worker.ts', import.meta.url), { type: 'module' })
 * import { serveFitWorker } from 'layerwise';
 * serveFitWorker();
 */
export function serveFitWorker(scope: FitWorkerScope = globalThis as unknown as FitWorkerScope): void {
  const running = new Map<number, AbortController>();
  scope.addEventListener('message', (event: MessageEvent) => {
    const req = event.data as ToWorker;
    if (!req || typeof req !== 'object' || typeof req.kind !== 'string' || !req.kind.startsWith('layerwise.')) return;
    if (req.kind === 'layerwise.stop') {
      running.get(req.id)?.abort();
      return;
    }
    if (req.kind !== 'layerwise.fit') return;
    const controller = new AbortController();
    running.set(req.id, controller);
    runFit(scope, req, controller.signal)
      .catch((e: unknown) => scope.postMessage({ kind: 'layerwise.error', id: req.id, message: e instanceof Error ? e.message : String(e) } satisfies FromWorker))
      .finally(() => running.delete(req.id));
  });
}

// fitInWorker: trains a compiled model in a Web Worker (running serveFitWorker) so the page never waits on a batch;
// progress arrives as callbacks per epoch (and batch), and the trained weights are set on the model at the end.
import type { Logs } from '../callbacks/callback.js';
import type { Model } from '../models/functional.js';
import { modelToBytes } from '../saving/browser.js';
import type { Tensor } from '../tensor/tensor.js';
import { buffers, fromWire, toWire, type FromWorker, type ToWorker, type WireFitArgs } from './protocol.js';

/** The worker end: a Worker (or a MessagePort in tests). */
export interface FitWorkerPort {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

export interface FitInWorkerOptions extends WireFitArgs {
  /** Validation tensors [x, y] (copied to the worker). */
  validationData?: [Tensor, Tensor];
  /** Seeds the worker's generator (weight-free draws: shuffling, dropout) for a reproducible run. */
  seed?: number;
  /** After each epoch, with its logs (loss, metrics, val_*). */
  onEpochEnd?: (epoch: number, logs: Logs) => void;
  /** After each batch (given: the worker then posts a message per batch). */
  onBatchEnd?: (epoch: number, batch: number, logs: Logs) => void;
  /** When the worker starts training: its backend, thread count and instruction set. */
  onStart?: (info: { backend: string; threads: number; isa: string | null }) => void;
  /** Aborting stops the worker's fit before its next batch; the weights trained so far are still set. */
  signal?: AbortSignal;
}

/** What fitInWorker resolves to: Keras' History fields. */
export interface WorkerFitResult {
  history: Record<string, number[]>;
  epoch: number[];
}

let nextId = 1;

/**
 * Trains `model` (built and compiled) on x, y in a Web Worker that called `serveFitWorker()`, then sets the trained
 * weights on `model`. The model travels as its .keras bytes (architecture, weights, compile config and optimizer state);
 * the page's main thread only receives messages.
 * @example
 * const worker = new Worker(new URL('./train.worker.js', import.meta.url), { type: 'module' });
 * const { history } = await fitInWorker(worker, model, xTrain, yTrain, {
 *   epochs: 5, batchSize: 32, onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss),
 * });
 */
export async function fitInWorker(worker: FitWorkerPort, model: Model, x: Tensor, y: Tensor, options: FitInWorkerOptions = {}): Promise<WorkerFitResult> {
  if (!model.compiled) throw new Error(`fitInWorker: model "${model.name}" is not compiled (call compile before fitInWorker)`);
  const { validationData, seed, onEpochEnd, onBatchEnd, onStart, signal, ...args } = options;
  const id = nextId++;
  const bytes = await modelToBytes(model, { includeOptimizer: true });
  const [wx, wy] = [toWire(x), toWire(y)];
  const wv = validationData ? [toWire(validationData[0]), toWire(validationData[1])] as [typeof wx, typeof wx] : undefined;
  const request: ToWorker = { kind: 'layerwise.fit', id, model: bytes, x: wx, y: wy, validationData: wv, args, seed, batches: onBatchEnd !== undefined };
  return new Promise<WorkerFitResult>((resolve, reject) => {
    const stop = (): void => worker.postMessage({ kind: 'layerwise.stop', id } satisfies ToWorker, []);
    const finish = (): void => {
      worker.removeEventListener('message', listener);
      signal?.removeEventListener('abort', stop);
    };
    const listener = (event: MessageEvent): void => {
      const m = event.data as FromWorker;
      if (!m || typeof m !== 'object' || m.id !== id) return;
      try {
        if (m.kind === 'layerwise.start') onStart?.({ backend: m.backend, threads: m.threads, isa: m.isa });
        else if (m.kind === 'layerwise.epoch') onEpochEnd?.(m.epoch, m.logs);
        else if (m.kind === 'layerwise.batch') onBatchEnd?.(m.epoch, m.batch, m.logs);
        else if (m.kind === 'layerwise.error') {
          finish();
          reject(new Error(`fitInWorker: ${m.message}`));
        } else if (m.kind === 'layerwise.done') {
          finish();
          model.setWeights(m.weights.map(fromWire));
          resolve({ history: m.history, epoch: m.epoch });
        }
      } catch (e) {
        finish();
        stop();
        reject(e instanceof Error ? e : new Error(String(e)));
      }
    };
    worker.addEventListener('message', listener);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
    worker.postMessage(request, [...buffers([wx, wy, ...(wv ?? [])]), bytes.buffer as ArrayBuffer]);
  });
}

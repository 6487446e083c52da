// Node-only: Dataset.map in worker threads — a function exported by a module, applied in parallel, results in order.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Dataset } from './dataset.js';
import type { Element } from './structure.js';
import { DONE, type DataIterator, type MaybePromise, type Step } from './iterator.js';
import { decodeElement, encodeElement, type EncodedElement } from './worker_codec.js';

export interface MapInWorkersOptions {
  /** Worker threads (default: available parallelism - 1, at least 1). */
  workers?: number;
  /** The module's export to call (default 'default'). */
  exportName?: string;
}

type Reply = { id: number; element?: EncodedElement; error?: string };

class WorkerMapIterator implements DataIterator<Element> {
  private readonly pool: Worker[];
  private readonly waiting = new Map<number, { resolve: (e: Element) => void; reject: (e: Error) => void }>();
  private readonly queue: Promise<Step<Element>>[] = [];
  private nextId = 0;
  private upstreamDone = false;
  private pulling: Promise<unknown> = Promise.resolve();

  constructor(private readonly up: DataIterator<Element>, module: string, exportName: string, workers: number) {
    const script = new URL('./map_worker.js', import.meta.url);
    this.pool = Array.from({ length: workers }, () => {
      const w = new Worker(script, { workerData: { module, exportName } });
      w.unref();
      w.on('message', (r: Reply) => this.settle(r));
      w.on('error', (e) => this.failAll(e));
      return w;
    });
  }

  private settle(r: Reply): void {
    const p = this.waiting.get(r.id);
    this.waiting.delete(r.id);
    if (!p) return;
    if (r.error !== undefined) p.reject(new Error(`data.mapInWorkers: ${r.error}`));
    else p.resolve(decodeElement(r.element!));
  }

  private failAll(e: Error): void {
    for (const p of this.waiting.values()) p.reject(e);
    this.waiting.clear();
  }

  /** Requests one more element (in order): pull upstream, send it to a worker round-robin. */
  private request(): Promise<Step<Element>> {
    const pulled = this.pulling.then(() => {
      if (this.upstreamDone) return DONE;
      const r = this.up.next();
      return r;
    });
    this.pulling = pulled.catch(() => undefined);
    return pulled.then((s: Step<Element>) => {
      if (s.done) {
        this.upstreamDone = true;
        return DONE;
      }
      const id = this.nextId++;
      return new Promise<Step<Element>>((resolve, reject) => {
        this.waiting.set(id, { resolve: (value) => resolve({ value, done: false }), reject });
        this.pool[id % this.pool.length].postMessage({ id, element: encodeElement(s.value) });
      });
    });
  }

  next(): MaybePromise<Step<Element>> {
    if (this.pool.length === 0) return DONE;
    while (this.queue.length < this.pool.length * 2) {
      const p = this.request();
      // A request that fails before its turn is reported when it is consumed, not as an unhandled rejection.
      p.catch(() => undefined);
      this.queue.push(p);
    }
    const head = this.queue.shift()!;
    return head.then((s) => {
      if (s.done) this.return();
      return s;
    }, (e) => {
      this.return();
      throw e;
    });
  }

  return(): void {
    for (const w of this.pool) void w.terminate();
    this.pool.length = 0;
    this.queue.length = 0;
    this.up.return?.();
  }
}

/**
 * Dataset.map in worker threads: `module` (a path or URL) exports a function `(element) => element` (or a promise of
 * one), called on every element in parallel; the order of the elements is kept. Tensors travel by copy.
 * @example data.mapInWorkers(ds, new URL('./augment.js', import.meta.url), { workers: 3 })
 */
export function mapInWorkers(ds: Dataset, module: string | URL, options: MapInWorkersOptions = {}): Dataset {
  const url = module instanceof URL ? module.href : /^[a-z]+:/.test(module) ? module : pathToFileURL(module).href;
  const workers = options.workers ?? Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`data.mapInWorkers: workers must be a positive integer, received ${workers}`);
  return new Dataset((salt) => {
    const up = ds.open(salt);
    return new WorkerMapIterator(up, url, options.exportName ?? 'default', workers);
  }, ds.length);
}



// The Node HDF5 runner: h5wasm in a worker thread (h5_worker.ts), killed when a read exceeds its timeout.
import { Worker } from 'node:worker_threads';
import type { H5Request, H5RequestBody, H5Response } from './h5_types.js';
import { setHdf5Runner } from './h5.js';

interface Pending {
  resolve: (r: H5Response) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

let worker: Worker | null = null;
let workerReady: Promise<Worker> | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;

function killWorker(reason: Error): void {
  const w = worker;
  worker = null;
  workerReady = null;
  for (const p of pending.values()) {
    clearTimeout(p.timer);
    p.reject(reason);
  }
  pending.clear();
  if (w) void w.terminate();
}

function startWorker(): Promise<Worker> {
  if (workerReady) return workerReady;
  workerReady = new Promise<Worker>((resolve, reject) => {
    const w = new Worker(new URL('./h5_worker.js', import.meta.url));
    worker = w;
    const timer = setTimeout(() => {
      killWorker(new Error('the HDF5 library did not start within 60 s'));
      reject(new Error('the HDF5 library did not start within 60 s'));
    }, 60_000);
    w.on('message', (res: H5Response) => {
      if (res.id === -1) {
        clearTimeout(timer);
        resolve(w);
        return;
      }
      const p = pending.get(res.id);
      if (!p) return;
      pending.delete(res.id);
      clearTimeout(p.timer);
      if (pending.size === 0) w.unref();
      p.resolve(res);
    });
    w.on('error', (err) => {
      clearTimeout(timer);
      killWorker(err);
      reject(err);
    });
    w.on('exit', () => {
      if (worker === w) killWorker(new Error('the HDF5 worker stopped unexpectedly'));
    });
  });
  return workerReady;
}

export async function request(req: H5RequestBody, timeoutMs: number): Promise<H5Response> {
  const w = await startWorker();
  const id = nextId++;
  w.ref();
  return new Promise<H5Response>((resolve, reject) => {
    const timer = setTimeout(() => {
      pending.delete(id);
      killWorker(new Error('interrupted'));
      reject(new Error(`HDF5 parsing did not finish within ${timeoutMs} ms (corrupt metadata?)`));
    }, timeoutMs);
    pending.set(id, { resolve, reject, timer });
    w.postMessage({ ...req, id } as H5Request);
  });
}

setHdf5Runner({ request });

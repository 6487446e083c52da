// HDF5 worker thread: runs h5wasm (h5_core.ts) so that a corrupt file that makes libhdf5 loop can be killed by a timeout.
import { parentPort } from 'node:worker_threads';
import h5wasm from 'h5wasm';
import type { H5Request, H5Response } from './h5_types.js';
import { readFile, writeFile, type H5FS } from './h5_core.js';

let captured = '';

/** Runs fn while swallowing libhdf5's diagnostic prints (they go to stderr); returns what was printed. */
function quietly<T>(fn: () => T): T {
  const write = process.stderr.write;
  captured = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  }) as typeof process.stderr.write;
  try {
    return fn();
  } finally {
    process.stderr.write = write;
  }
}

/** The most specific libhdf5 complaint printed, e.g. 'bad flag value for superblock'. */
function lastDiagnostic(): string {
  const lines = captured.split('\n').map((l) => l.trim()).filter((l) => /^#\d+:/.test(l));
  if (lines.length === 0) return '';
  const m = /\(\):\s*(.*)$/.exec(lines[lines.length - 1]);
  return m ? m[1] : '';
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const mod = await h5wasm.ready;
  const FS = mod.FS as unknown as H5FS;
  port.on('message', (req: H5Request) => {
    let res: H5Response;
    try {
      if (req.op === 'read') {
        const root = quietly(() => readFile(req.bytes, req.budget, FS));
        res = { id: req.id, ok: true, root };
      } else {
        const bytes = quietly(() => writeFile(req.ops, FS));
        res = { id: req.id, ok: true, bytes };
      }
    } catch (err) {
      const detail = lastDiagnostic();
      const msg = err instanceof Error ? err.message : String(err);
      const generic = /name not defined/.test(msg);
      res = { id: req.id, ok: false, error: detail ? (generic ? detail : `${detail} (${msg})`) : msg };
      // NOTE: a WebAssembly trap may leave libhdf5's state inconsistent: answer, then let a fresh worker take over.
      if (err instanceof Error && err.name === 'RuntimeError') {
        port.postMessage(res);
        setImmediate(() => process.exit(1));
        return;
      }
    }
    port.postMessage(res);
  });
  port.postMessage({ id: -1, ok: true });
}

void main();

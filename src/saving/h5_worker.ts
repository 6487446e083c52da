// HDF5 worker thread (Node): runs h5wasm off the main thread, so that the watchdog can kill a read that never ends.
import { parentPort } from 'node:worker_threads';
import h5wasm from 'h5wasm';
import type { Group } from 'h5wasm';
import type { H5Request, H5Response, H5WriteOp } from './h5_types.js';
import { readHdf5Snapshot, type H5wasmApi } from './h5_read.js';

let fileCounter = 0;
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

function ensureGroups(file: Group, path: string): void {
  const parts = path.split('/').filter((p) => p.length > 0);
  let cur = '';
  for (const p of parts) {
    cur += `/${p}`;
    if (file.get_type(cur) !== 0) file.create_group(cur);
  }
}

const H5WASM_DTYPES: Record<string, string> = { float32: '<f', float64: '<d', int64: '<q', int32: '<i', uint8: '<B' };

function writeFile(ops: H5WriteOp[], FS: { readFile(p: string): Uint8Array; unlink(p: string): void }): Uint8Array {
  const name = `/lw_write_${fileCounter++}.h5`;
  const file = new h5wasm.File(name, 'w', { libver: ['earliest', 'v110'] });
  try {
    for (const op of ops) {
      const parent = op.path.slice(0, op.path.lastIndexOf('/'));
      if (op.op === 'group') ensureGroups(file, op.path);
      else if (op.op === 'dataset') {
        ensureGroups(file, parent);
        (file.get(parent || '/') as Group).create_dataset({
          name: op.path.slice(op.path.lastIndexOf('/') + 1),
          data: op.data,
          shape: op.shape,
          dtype: H5WASM_DTYPES[op.dtype],
        });
      } else {
        const target = file.get(op.path || '/') as Group;
        if (op.type === 'float64') target.create_attribute(op.name, op.value as Float64Array, [(op.value as Float64Array).length], '<d');
        else target.create_attribute(op.name, op.value as string | string[], Array.isArray(op.value) ? [op.value.length] : [], op.type === 'ascii' ? 'A' : 'S');
      }
    }
  } finally {
    file.close();
  }
  const out = FS.readFile(name);
  FS.unlink(name);
  return out;
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const mod = await h5wasm.ready;
  const FS = mod.FS as unknown as { writeFile(p: string, d: Uint8Array): void; readFile(p: string): Uint8Array; unlink(p: string): void };
  port.on('message', (req: H5Request) => {
    let res: H5Response;
    try {
      if (req.op === 'read') {
        const root = quietly(() => readHdf5Snapshot(req.bytes, req.budget, { File: h5wasm.File as unknown as H5wasmApi['File'], FS }));
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

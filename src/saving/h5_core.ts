// HDF5 through h5wasm, environment-neutral: a file's bytes to a plain snapshot (checked and metered by h5_read.ts)
// and write operations to bytes. Run by the Node worker thread (h5_worker.ts) and in a page (h5_browser.ts).
import h5wasm from 'h5wasm';
import type { Group } from 'h5wasm';
import type { H5Group, H5WriteOp } from './h5_types.js';
import type { LoadBudget } from './budget.js';
import { readHdf5Snapshot, type H5wasmApi } from './h5_read.js';

/** The in-memory file system of h5wasm's module (files are written there, opened, then removed). */
export interface H5FS {
  writeFile(p: string, d: Uint8Array): void;
  readFile(p: string): Uint8Array;
  unlink(p: string): void;
}

let fileCounter = 0;

/** Reads a whole file within its budget (the structure check first); throws on a corrupt file or a spent budget. */
export function readFile(bytes: Uint8Array, budget: LoadBudget, FS: H5FS): H5Group {
  return readHdf5Snapshot(bytes, budget, { File: h5wasm.File as unknown as H5wasmApi['File'], FS });
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

export function writeFile(ops: H5WriteOp[], FS: { readFile(p: string): Uint8Array; unlink(p: string): void }): Uint8Array {
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

// The HDF5 runner of a page: h5wasm (its ES module build, binary embedded) in the page itself, through h5_core.ts.
// A read cannot be interrupted here (no worker to kill): the structure check and the budget, checked between
// objects, are what stop a corrupt file.
import h5wasm from 'h5wasm';
import type { H5RequestBody, H5Response } from './h5_types.js';
import { readFile, writeFile, type H5FS } from './h5_core.js';
import { setHdf5Runner } from './h5.js';

let fs: Promise<H5FS> | null = null;

async function request(req: H5RequestBody): Promise<H5Response> {
  fs ??= h5wasm.ready.then((mod) => mod.FS as unknown as H5FS);
  const FS = await fs;
  try {
    if (req.op === 'read') return { id: 0, ok: true, root: readFile(req.bytes, req.budget, FS) };
    return { id: 0, ok: true, bytes: writeFile(req.ops, FS) };
  } catch (err) {
    return { id: 0, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

setHdf5Runner({ request });

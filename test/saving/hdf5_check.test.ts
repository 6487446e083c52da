// The HDF5 structure check: real files pass; the corruptions that made libhdf5 loop (zeroed global heap objects),
// cycles and out-of-file pointers fail with an error naming the structure; the watchdog remains the last resort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { unzipSync } from 'fflate';
import '../../src/ops/index.js';
import { loadModel, setHdf5TimeoutMs } from '../../src/saving/index.js';
import { checkHdf5Structure, Hdf5StructureError } from '../../src/saving/hdf5_check.js';
import { loadBudget } from '../../src/saving/budget.js';
import { H5Reader } from '../../src/saving/hdf5_bytes.js';
import { checkBySignature } from '../../src/saving/hdf5_heaps.js';
import { FIXTURES } from './fashion.js';
import { makeSamples } from './samples.js';
import { LIBHDF5_HANGS } from './mutate.js';

const dir = mkdtempSync(path.join(tmpdir(), 'layerwise-h5check-'));
const SMALL = LIBHDF5_HANGS.file;
const small = (): Uint8Array => new Uint8Array(readFileSync(path.join(FIXTURES, SMALL)));
const check = (bytes: Uint8Array): void => checkHdf5Structure(bytes, loadBudget(bytes.length));
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

test('every real Keras file and every HDF5 file layerwise writes passes the structure check', async () => {
  const files: [string, Uint8Array][] = [];
  for (const f of readdirSync(FIXTURES)) {
    const b = new Uint8Array(readFileSync(path.join(FIXTURES, f)));
    if (f.endsWith('.h5')) files.push([f, b]);
    if (f.endsWith('.keras')) files.push([f, unzipSync(b)['model.weights.h5']]);
  }
  await makeSamples(path.join(dir, 'samples'));
  for (const f of ['seq.h5', 'seq.weights.h5', 'func.h5']) files.push([f, new Uint8Array(readFileSync(path.join(dir, 'samples', f)))]);
  assert.ok(files.length >= 11);
  for (const [f, b] of files) assert.doesNotThrow(() => check(b), f);
});

test('the zeroed runs that kept libhdf5 busy 30 s (issue 19) fail at once, naming the global heap object', async () => {
  // Found by fuzzing my_keras_model.h5: each zeroes the header of an object in the global heap collection that
  // holds the root's variable-length strings; libhdf5 then advances by a size of 0 forever.
  for (const [at, len] of LIBHDF5_HANGS.runs) {
    const b = small();
    b.fill(0, at, at + len);
    const file = path.join(dir, `zeroed_${at}.h5`);
    writeFileSync(file, b);
    await assert.rejects(loadModel(file), (e: Error) => e.message.startsWith(`${file}: corrupt or truncated HDF5 file: global heap collection at byte 2048 has an object`) && /size is zero/.test(e.message));
  }
  const flipped = small();
  for (const [pos, x] of [[10342, 33], [2935, 44], [3650, 93], [13427, 18], [267, 17], [3528, 225]]) flipped[pos] ^= x;
  assert.throws(() => check(flipped), /global heap collection at byte 2048 has an object \(index 0\) at byte \d+ whose size is zero/);
});

test('pointer cycles, truncation and out-of-file addresses are named', () => {
  const b = small();
  assert.throws(() => check(b.slice(0, 20_000)), /superblock at byte 0 says the file ends at byte 23320, but it has 20000 bytes/);
  const v4 = small();
  v4[8] = 4;
  assert.throws(() => check(v4), /superblock at byte 0 has version 4; versions 0 to 3 exist/);
  // Root group (superblock's symbol table entry): B-tree at 136, local heap at 680.
  assert.equal(view(b).getUint32(0x38 + 24, true), 136);
  const cycle = small();
  cycle[136 + 5] = 1; // level 1: its child must be a level-0 node...
  view(cycle).setUint32(136 + 32, 136, true); // ...and the child is itself
  assert.throws(() => check(cycle), (e: Error) => e instanceof Hdf5StructureError && /group B-tree node at byte 136 (has level 1, expected 0|is reached twice)/.test(e.message));
  const outside = small();
  view(outside).setUint32(136 + 32, 1_000_000, true);
  assert.throws(() => check(outside), /at byte 1000000 \(\d+ bytes\) lies outside the file \(23320 bytes\)/);
  const heap = small();
  const dv = view(heap);
  const dataSize = dv.getUint32(680 + 8, true);
  const data = dv.getUint32(680 + 24, true);
  const f = dataSize - 16;
  dv.setUint32(680 + 16, f, true); // free list head
  dv.setUint32(data + f, f, true); // whose next block is itself
  dv.setUint32(data + f + 8, 16, true);
  assert.throws(() => check(heap), new RegExp(`local heap at byte 680 has a free list that loops back to offset ${f}`));
});

test('global heaps and group B-trees the walk does not reach (dense storage) are found by signature and checked', () => {
  const b = new Uint8Array(8192);
  const enc = (at: number, s: string): void => b.set(new TextEncoder().encode(s), at);
  enc(1000, 'GCOL');
  b[1004] = 1;
  view(b).setUint32(1008, 4096, true); // a collection of 4096 bytes whose first object header is all zeros
  assert.throws(() => checkBySignature(new H5Reader(b, loadBudget(b.length))), /global heap collection at byte 1000 has an object \(index 0\) at byte 1016 whose size is zero/);
  b.fill(0);
  enc(200, 'TREE');
  b[205] = 1; // level 1, one entry: its child must be a level-0 group node
  view(b).setUint16(206, 1, true);
  view(b).setUint32(200 + 24 + 8, 200, true); // but it is the node itself
  assert.throws(() => checkBySignature(new H5Reader(b, loadBudget(b.length))), /group B-tree node at byte 200 has a child at byte 200 that is not a group B-tree node of level 0/);
});

test('the watchdog stays as the last resort: a read past its time is stopped, and the reader recovers', async () => {
  const file = path.join(FIXTURES, 'TeguhPermana666__Train_DNN__MCdroput_reguler.h5');
  setHdf5TimeoutMs(1);
  try {
    await assert.rejects(loadModel(file), (e: Error) => e.message.includes(file) && /did not finish within 1 ms/.test(e.message));
  } finally {
    setHdf5TimeoutMs(null);
  }
  const ok = await loadModel(path.join(FIXTURES, SMALL), { compile: false });
  assert.equal(ok.layers.length, 3);
});

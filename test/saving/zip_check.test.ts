// The .keras zip check: the central directory is validated before anything is inflated (sizes, ratios, overlaps,
// duplicate and escaping names), and each extracted entry must match its CRC-32.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { checkZip, crc32 } from '../../src/saving/zip_check.js';
import { readKerasZip } from '../../src/saving/keras_zip.js';
import { loadBudget } from '../../src/saving/budget.js';
import { FIXTURES } from './fashion.js';

const real = (): Uint8Array => new Uint8Array(readFileSync(path.join(FIXTURES, 'schr0841__HOML3e__my_model_A.keras')));
const check = (b: Uint8Array): unknown => checkZip(b, 'm.keras', loadBudget(b.length));
const view = (b: Uint8Array): DataView => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Byte offset of the central directory entry named `name`. */
function cdEntry(b: Uint8Array, name: string): number {
  const enc = strToU8(name);
  for (let p = b.length - 46; p >= 0; p--) {
    if (view(b).getUint32(p, true) === 0x02014b50 && view(b).getUint16(p + 28, true) === enc.length && enc.every((c, i) => b[p + 46 + i] === c)) return p;
  }
  throw new Error(`no central directory entry ${name}`);
}

test('a real .keras passes; its CRC-32s match what fflate and Keras wrote', () => {
  const b = real();
  const entries = checkZip(b, 'm.keras', loadBudget(b.length));
  assert.deepEqual(entries.map((e) => e.name).sort(), ['config.json', 'metadata.json', 'model.weights.h5']);
  assert.equal(crc32(strToU8('123456789')), 0xcbf43926);
  const archive = readKerasZip(b, 'm.keras');
  assert.ok(archive.weights.length > 1000);
});

test('a flipped byte inside an entry fails its CRC-32 check, naming the entry', () => {
  const b = real();
  const cfg = checkZip(b, 'm.keras', loadBudget(b.length)).find((e) => e.name === 'config.json')!;
  b[cfg.dataOffset + 10] ^= 0x01;
  assert.throws(() => readKerasZip(b, 'm.keras'), /m\.keras: corrupt \.keras archive: entry "config\.json" fails its CRC-32 check/);
});

test('declared sizes: beyond deflate\'s ratio, beyond the budget, stored size mismatch', () => {
  const zeros = zipSync({ 'model.weights.h5': [new Uint8Array(8 << 20), { level: 9 }] });
  assert.throws(() => check(zeros), /entry "model\.weights\.h5" declares 8388608 bytes, more than this \d+-byte archive's budget/);
  const small = zipSync({ 'config.json': [strToU8('{"a": 1}'.repeat(100)), { level: 9 }] });
  view(small).setUint32(cdEntry(small, 'config.json') + 24, 100_000_000, true);
  assert.throws(() => check(small), /declares 100000000 bytes from \d+ compressed \(a ratio deflate cannot reach\)/);
  const stored = zipSync({ 'config.json': [strToU8('{}'), { level: 0 }] });
  view(stored).setUint32(cdEntry(stored, 'config.json') + 24, 5000, true);
  assert.throws(() => check(stored), /entry "config\.json" is stored but declares 2 bytes stored for 5000/);
});

test('duplicate names, overlapping entries, escaping names, truncation and ZIP64 are refused', () => {
  const two = zipSync({ 'config.json': [strToU8('{}'), { level: 0 }], 'config.jsoX': [strToU8('{}'), { level: 0 }] });
  for (let p = 0; p < two.length - 10; p++) if (String.fromCharCode(...two.subarray(p, p + 11)) === 'config.jsoX') two[p + 10] = 'n'.charCodeAt(0);
  assert.throws(() => check(two), /entry "config\.json" appears twice/);
  const overlap = zipSync({ 'a.json': [strToU8('{"x": 1}'), { level: 0 }], 'b.json': [strToU8('{"y": 2}'), { level: 0 }] });
  view(overlap).setUint32(cdEntry(overlap, 'b.json') + 42, view(overlap).getUint32(cdEntry(overlap, 'a.json') + 42, true), true);
  assert.throws(() => check(overlap), /entries "(a|b)\.json" and "(a|b)\.json" overlap/);
  const evil = zipSync({ '../evil.txt': [strToU8('x'), { level: 0 }] });
  assert.throws(() => check(evil), /refusing zip entry "\.\.\/evil\.txt"/);
  const b = real();
  assert.throws(() => check(b.slice(0, b.length - 30)), /m\.keras: corrupt or truncated zip archive \(no end-of-central-directory record/);
  const z64 = real();
  view(z64).setUint32(z64.length - 22 + 16, 0xffffffff, true);
  assert.throws(() => check(z64), /ZIP64 archives are not supported/);
});

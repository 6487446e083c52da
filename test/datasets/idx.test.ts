// IDX reader: every dtype code against NumPy-written files, gzip detection and clear errors on bad input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import { parseIdx, readIdx } from '../../src/datasets/index.js';
import { loadGolden } from '../helpers/golden.js';

interface IdxFixture { shape: number[]; dtype: string; values: number[]; base64: string }
const fixtures = loadGolden<{ idx: Record<string, IdxFixture> }>('datasets_fixtures.json').idx;
const bytesOf = (f: IdxFixture): Uint8Array => new Uint8Array(Buffer.from(f.base64, 'base64'));
const expectedDtype: Record<string, string> = {
  uint8: 'uint8', int8: 'int32', int16: 'int32', int32: 'int32', float32: 'float32', float64: 'float64',
};

describe('parseIdx', () => {
  for (const [name, f] of Object.entries(fixtures)) {
    it(`decodes ${name} big-endian data exactly as NumPy wrote it`, () => {
      const arr = parseIdx(bytesOf(f));
      assert.equal(arr.idxType, name);
      assert.equal(arr.dtype, expectedDtype[name]);
      assert.deepEqual(arr.shape, f.shape);
      assert.deepEqual(Array.from(arr.data), f.values);
    });
  }

  it('rejects truncated, padded and foreign data with clear messages', () => {
    const good = bytesOf(fixtures.int16);
    assert.throws(() => parseIdx(good.subarray(0, good.length - 1), 'x.idx'), /x\.idx is truncated: dims \[3, 4, 2\] of int16 need 64 bytes .* received 63/);
    assert.throws(() => parseIdx(new Uint8Array([...good, 0]), 'x.idx'), /has trailing bytes/);
    assert.throws(() => parseIdx(good.subarray(0, 9), 'x.idx'), /truncated: its header declares 3 dimensions/);
    assert.throws(() => parseIdx(new Uint8Array([0, 0]), 'x.idx'), /truncated: expected at least a 4-byte magic/);
    assert.throws(() => parseIdx(new Uint8Array([0, 0, 0x07, 1, 0, 0, 0, 0])), /unknown dtype code 0x07/);
    assert.throws(() => parseIdx(new Uint8Array([1, 2, 8, 1, 0, 0, 0, 0])), /not an IDX file: expected the magic number to start with 0x00 0x00, received 0x01 0x02/);
    assert.throws(() => parseIdx(gzipSync(good)), /looks gzip-compressed/);
  });
});

describe('readIdx', () => {
  it('reads plain and gzipped files into tensors, and reports corrupt gzip', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lw-idx-'));
    try {
      const f = fixtures.float32;
      await writeFile(path.join(dir, 'a.idx'), bytesOf(f));
      await writeFile(path.join(dir, 'a.idx.gz'), gzipSync(bytesOf(f)));
      for (const name of ['a.idx', 'a.idx.gz']) {
        const t = await readIdx(path.join(dir, name));
        assert.deepEqual(t.shape, f.shape);
        assert.equal(t.dtype, 'float32');
        assert.deepEqual(Array.from(t.dataSync()), f.values);
      }
      const gz = gzipSync(bytesOf(f));
      await writeFile(path.join(dir, 'bad.gz'), gz.subarray(0, gz.length - 6));
      await assert.rejects(readIdx(path.join(dir, 'bad.gz')), /bad\.gz: corrupt or truncated gzip data/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

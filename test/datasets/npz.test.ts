// .npy / .npz reader against archives written by NumPy (np.savez and np.savez_compressed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readNpy, readNpz } from '../../src/datasets/index.js';
import { loadGolden } from '../helpers/golden.js';

interface ArrayInfo { shape: number[]; dtype: string; values: number[] | boolean[] | number }
interface NpzFixture { base64: string; sha256: string; arrays: Record<string, ArrayInfo> }
const golden = loadGolden<Record<string, NpzFixture>>('datasets_fixtures.json');
const bytesOf = (f: NpzFixture): Uint8Array => new Uint8Array(Buffer.from(f.base64, 'base64'));

function expectedDtype(numpy: string): string {
  if (numpy === 'uint8' || numpy === 'float32' || numpy === 'float64' || numpy === 'bool') return numpy;
  return 'int32';
}

describe('readNpz', () => {
  for (const key of ['mnist_npz', 'mnist_npz_compressed', 'dtypes_npz']) {
    it(`reads ${key} exactly as np.load does`, () => {
      const fixture = golden[key];
      const arrays = readNpz(bytesOf(fixture), `${key}.npz`);
      assert.deepEqual(Object.keys(arrays).sort(), Object.keys(fixture.arrays).sort());
      for (const [name, info] of Object.entries(fixture.arrays)) {
        const t = arrays[name];
        assert.deepEqual(t.shape, info.shape, name);
        assert.equal(t.dtype, expectedDtype(info.dtype), name);
        const values = Array.isArray(info.values) ? info.values : [info.values];
        assert.deepEqual(Array.from(t.dataSync(), (v) => (info.dtype === 'bool' ? v !== 0 : v)), values, name);
      }
    });
  }

  it('reports a non-zip buffer and a non-npy member clearly', () => {
    assert.throws(() => readNpz(new Uint8Array([1, 2, 3, 4]), 'junk.npz'), /junk\.npz is not a readable zip archive/);
    assert.throws(() => readNpy(new Uint8Array(16), 'a.npy'), /a\.npy is not a \.npy array/);
  });

  it('reports truncated array data with expected and received sizes', () => {
    const arrays = readNpz(bytesOf(golden.mnist_npz));
    assert.equal(arrays.x_train.size, 6 * 28 * 28);
    // Rebuild a v1.0 .npy by hand around a too-short payload.
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
    const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
    const head = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]);
    const npy = new Uint8Array([...head, ...Buffer.from(padded, 'latin1'), 0, 0, 0, 0]);
    assert.throws(() => readNpy(npy, 'short.npy'), /short\.npy: expected 12 data bytes for 3 elements of '<f4', received 4/);
  });
});

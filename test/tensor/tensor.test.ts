// Tensor creation, shapes, dtypes and conversions.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, zeros, ones, fill, range, eye, Tensor } from '../../src/index.js';

describe('tensor creation', () => {
  it('infers shape and defaults to float32', () => {
    const t = tensor([[1, 2], [3, 4]]);
    assert.deepEqual(t.shape, [2, 2]);
    assert.equal(t.dtype, 'float32');
    assert.ok(t.dataSync() instanceof Float32Array);
    assert.deepEqual(t.array(), [[1, 2], [3, 4]]);
  });
  it('keeps dtypes of typed arrays and honours explicit dtypes', () => {
    assert.equal(tensor(new Int32Array([1, 2])).dtype, 'int32');
    assert.equal(tensor(new Uint8Array([1, 2])).dtype, 'uint8');
    assert.equal(tensor([true, false]).dtype, 'bool');
    assert.deepEqual(tensor([1.7, -1.7], undefined, 'int32').array(), [1, -1]);
    assert.deepEqual(tensor([1, 0, 3], undefined, 'bool').array(), [true, false, true]);
  });
  it('reshapes flat data given a shape and rejects a mismatch', () => {
    assert.deepEqual(tensor([1, 2, 3, 4, 5, 6], [2, 3]).array(), [[1, 2, 3], [4, 5, 6]]);
    assert.throws(() => tensor([1, 2, 3], [2, 2]), /3 values cannot fill shape \[2, 2\]/);
  });
  it('rejects ragged arrays and unknown dtypes', () => {
    assert.throws(() => tensor([[1, 2], [3]]), /ragged/);
    assert.throws(() => tensor([1], undefined, 'complex64' as never), /unknown dtype/);
  });
  it('creates filled tensors, ranges and identities', () => {
    assert.deepEqual(zeros([2]).array(), [0, 0]);
    assert.deepEqual(ones([1, 2], 'int32').array(), [[1, 1]]);
    assert.deepEqual(fill([2], 7).array(), [7, 7]);
    assert.deepEqual(range(3).array(), [0, 1, 2]);
    assert.deepEqual(range(1, 2, 0.25).array(), [1, 1.25, 1.5, 1.75]);
    assert.deepEqual(eye(2).array(), [[1, 0], [0, 1]]);
    assert.throws(() => zeros([-1]), /non-negative integers/);
  });
  it('dataSync returns a copy', () => {
    const t = tensor([1, 2]);
    const d = t.dataSync();
    d[0] = 100;
    assert.equal(t.dataSync()[0], 1);
  });
  it('from a tensor: the same tensor, or a re-shaped / converted one', () => {
    const t = tensor([1, 2, 3, 4, 5, 6]);
    assert.equal(tensor(t), t);
    assert.deepEqual(tensor(t, [3, 2]).array(), [[1, 2], [3, 4], [5, 6]]);
    assert.deepEqual(tensor(t, [2, 3], 'int32').dtype, 'int32');
    assert.throws(() => tensor(t, [4]), /6 values do not fill shape \[4\]/);
  });
  it('empty and nested-empty arrays', () => {
    assert.deepEqual(tensor([]).shape, [0]);
    assert.deepEqual(tensor([[], []]).shape, [2, 0]);
    assert.deepEqual(zeros([2, 0]).array(), [[], []]);
  });
  it('a scalar has shape [] and item()', () => {
    const s = tensor(3);
    assert.deepEqual(s.shape, []);
    assert.equal(s.item(), 3);
    assert.ok(s instanceof Tensor);
  });
});

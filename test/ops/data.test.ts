// numpy-like data handling: broadcasting arithmetic and dtypes, comparisons, masks, gather, slicing, concat, reshape...
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, range } from '../../src/tensor/creation.js';
import * as o from '../../src/ops/index.js';
import { describeEachBackend } from '../helpers/each_backend.js';

describeEachBackend('data ops', () => {
  const m = tensor([[1, 2, 3], [4, 5, 6]]);
  describe('broadcasting arithmetic and dtypes', () => {
    it('row, column and scalar broadcasting', () => {
      assert.deepEqual(o.add(m, [10, 20, 30]).array(), [[11, 22, 33], [14, 25, 36]]);
      assert.deepEqual(o.mul(m, [[2], [-1]]).array(), [[2, 4, 6], [-4, -5, -6]]);
      assert.deepEqual(o.sub(1, m).array(), [[0, -1, -2], [-3, -4, -5]]);
      assert.deepEqual(o.div(m, 2).array(), [[0.5, 1, 1.5], [2, 2.5, 3]]);
      assert.deepEqual(o.add(tensor([[1], [2]]), tensor([10, 20, 30])).shape, [2, 3]);
      assert.deepEqual(m.add(1).mul(2).array(), [[4, 6, 8], [10, 12, 14]], 'tensor methods chain');
    });
    it('integer arithmetic stays integer, division gives float32, a fractional scalar promotes', () => {
      const i = tensor([7, -7, 2], undefined, 'int32');
      assert.equal(o.add(i, 1).dtype, 'int32');
      assert.equal(o.mul(i, i).dtype, 'int32');
      assert.equal(o.div(i, 2).dtype, 'float32');
      assert.deepEqual(o.div(i, 2).array(), [3.5, -3.5, 1]);
      assert.equal(o.mul(i, 0.5).dtype, 'float32');
      assert.equal(o.add(i, tensor([1, 1, 1], undefined, 'float64')).dtype, 'float64');
      assert.equal(o.add(tensor([true]), tensor([true])).dtype, 'uint8');
    });
    it('mod and floorDiv follow numpy for negative operands', () => {
      const a = tensor([7, -7, 7, -7], undefined, 'int32');
      const b = tensor([3, 3, -3, -3], undefined, 'int32');
      assert.deepEqual(o.mod(a, b).array(), [1, 2, -2, -1]);
      assert.deepEqual(o.floorDiv(a, b).array(), [2, -3, -3, 2]);
    });
    it('pow, maximum, minimum, clip and round (half to even)', () => {
      assert.deepEqual(o.pow(tensor([2, 3]), 2).array(), [4, 9]);
      assert.deepEqual(o.maximum(m, 3).array(), [[3, 3, 3], [4, 5, 6]]);
      assert.deepEqual(o.minimum(m, [2, 5, 0]).array(), [[1, 2, 0], [2, 5, 0]]);
      assert.deepEqual(o.clip(m, 2, 5).array(), [[2, 2, 3], [4, 5, 5]]);
      assert.deepEqual(o.round(tensor([0.5, 1.5, 2.5, -0.5, -1.5, 1.2])).array(), [0, 2, 2, -0, -2, 1]);
    });
  });

  describe('comparisons and masks', () => {
    it('comparisons broadcast and return bool', () => {
      const g = o.greater(m, [2, 2, 7]);
      assert.equal(g.dtype, 'bool');
      assert.deepEqual(g.array(), [[false, false, false], [true, true, false]]);
      assert.deepEqual(o.equal(m, 5).array(), [[false, false, false], [false, true, false]]);
      assert.deepEqual(o.notEqual(m, 5).array(), [[true, true, true], [true, false, true]]);
      assert.deepEqual(o.lessEqual(m, 2).array(), [[true, true, false], [false, false, false]]);
      assert.deepEqual(o.less(1, m).array(), [[false, true, true], [true, true, true]]);
      assert.deepEqual(o.greaterEqual(m, 6).array(), [[false, false, false], [false, false, true]]);
      assert.deepEqual(o.logicalAnd(o.greater(m, 1), o.less(m, 5)).array(), [[false, true, true], [true, false, false]]);
      assert.deepEqual(o.logicalOr(o.less(m, 2), o.greater(m, 5)).array(), [[true, false, false], [false, false, true]]);
      assert.deepEqual(o.logicalNot(tensor([true, false])).array(), [false, true]);
    });
    it('where selects with broadcasting', () => {
      assert.deepEqual(o.where(o.greater(m, 3), m, 0).array(), [[0, 0, 0], [4, 5, 6]]);
      assert.deepEqual(o.where([true, false, true], m, [[-1], [-2]]).array(), [[1, -1, 3], [4, -2, 6]]);
      assert.deepEqual(o.where(o.greater(m, 3), m, o.neg(m)).array(), [[-1, -2, -3], [4, 5, 6]], 'same shapes: one flat pass');
      assert.deepEqual(o.where(true, 7, m).array(), [[7, 7, 7], [7, 7, 7]], 'a single condition and value');
    });
    it('booleanMask picks rows (or elements) where the mask is true', () => {
      assert.deepEqual(o.booleanMask(m, [false, true]).array(), [[4, 5, 6]]);
      assert.deepEqual(o.booleanMask(m, o.greater(m, 2)).array(), [3, 4, 5, 6]);
      assert.deepEqual(o.booleanMask(m, [false, false]).shape, [0, 3]);
      assert.deepEqual(m.booleanMask([true, true]).array(), m.array());
    });
  });

  describe('indexing and layout', () => {
    const x = tensor(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    it('gather / take along any axis, with negative and repeated indices', () => {
      assert.deepEqual(o.gather(m, [1, 0, 1]).array(), [[4, 5, 6], [1, 2, 3], [4, 5, 6]]);
      assert.deepEqual(o.gather(m, [-1, 0], 1).array(), [[3, 1], [6, 4]]);
      assert.deepEqual(o.gather(x, [[2], [0]], 1).shape, [2, 2, 1, 4]);
      assert.deepEqual(o.gather(x, [3], -1).reshape([-1]).array(), [3, 7, 11, 15, 19, 23]);
      assert.deepEqual(o.gather(tensor([5, 6, 7]), 2).array(), 7, 'a scalar index drops the axis');
    });
    it('slice along any axis (begin/size, negative begin, -1 size) and sliceAxis with numpy bounds', () => {
      assert.deepEqual(o.slice(x, [1, 1, 2], [1, 2, -1]).array(), [[[18, 19], [22, 23]]]);
      assert.deepEqual(o.slice(x, [0, -1]).shape, [2, 1, 4]);
      assert.deepEqual(o.sliceAxis(x, 0, 1).shape, [1, 3, 4]);
      assert.deepEqual(o.sliceAxis(x, 1, 1, 2).reshape([-1]).array(), [4, 5, 6, 7, 16, 17, 18, 19]);
      assert.deepEqual(o.sliceAxis(x, -1, -2).shape, [2, 3, 2]);
      assert.deepEqual(o.sliceAxis(x, 2, 3, 100).shape, [2, 3, 1], 'bounds are clamped');
      assert.deepEqual(o.sliceAxis(x, 2, 3, 1).shape, [2, 3, 0], 'an empty range is allowed');
    });
    it('concat and stack along any axis', () => {
      assert.deepEqual(o.concat([m, tensor([[7, 8, 9]])]).array(), [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
      assert.deepEqual(o.concat([m, tensor([[0], [0]])], -1).array(), [[1, 2, 3, 0], [4, 5, 6, 0]]);
      assert.deepEqual(o.concat([x, x], 1).shape, [2, 6, 4]);
      assert.deepEqual(o.stack([tensor([1, 2]), tensor([3, 4])], 1).array(), [[1, 3], [2, 4]]);
      assert.deepEqual(o.stack([tensor([1, 2]), tensor([3, 4])]).array(), [[1, 2], [3, 4]]);
    });
    it('reshape with -1, expandDims, squeeze, flatten', () => {
      assert.deepEqual(o.reshape(x, [-1, 6]).shape, [4, 6]);
      assert.deepEqual(o.reshape(x, [4, -1, 2]).shape, [4, 3, 2]);
      assert.deepEqual(o.reshape(x, [-1]).array(), range(24).array());
      assert.deepEqual(o.expandDims(m, -1).shape, [2, 3, 1]);
      assert.deepEqual(o.squeeze(tensor([[[1], [2]]])).array(), [1, 2]);
      assert.deepEqual(o.flatten(x).shape, [2, 12]);
    });
    it('transpose, default and permuted', () => {
      assert.deepEqual(o.transpose(m).array(), [[1, 4], [2, 5], [3, 6]]);
      const t = o.transpose(x, [2, 0, 1]);
      assert.deepEqual(t.shape, [4, 2, 3]);
      assert.equal(t.array()[3][1][2], x.array()[1][2][3]);
    });
    it('pad and broadcastTo', () => {
      assert.deepEqual(o.pad(tensor([[1, 2]]), [[1, 0], [0, 1]], 9).array(), [[9, 9, 9], [1, 2, 9]]);
      assert.deepEqual(o.broadcastTo(tensor([1, 2]), [2, 2]).array(), [[1, 2], [1, 2]]);
    });
  });

  describe('astype, oneHot, argmax', () => {
    it('astype converts: floats truncate toward zero, bool is x != 0', () => {
      const f = tensor([1.7, -1.7, 0, 2.5]);
      assert.deepEqual(f.astype('int32').array(), [1, -1, 0, 2]);
      assert.equal(f.astype('int32').dtype, 'int32');
      assert.deepEqual(f.astype('bool').array(), [true, true, false, true]);
      assert.deepEqual(tensor([true, false]).astype('float32').array(), [1, 0]);
      assert.deepEqual(tensor([3, 255], undefined, 'uint8').astype('float64').array(), [3, 255]);
      assert.equal(f.astype('float32'), f, 'same dtype: the same tensor');
    });
    it('oneHot: a new last axis; out-of-range labels give zeros; float labels are accepted', () => {
      assert.deepEqual(o.oneHot(tensor([0, 2, 1], undefined, 'int32'), 3).array(), [[1, 0, 0], [0, 0, 1], [0, 1, 0]]);
      assert.deepEqual(o.oneHot([[1], [5]], 2).array(), [[[0, 1]], [[0, 0]]]);
      assert.equal(o.oneHot([1], 2, 'int32').dtype, 'int32');
      assert.deepEqual(tensor([1, 0]).oneHot(2).array(), [[0, 1], [1, 0]]);
    });
    it('argmax / argmin give int32 indices of the first extreme', () => {
      const a = o.argmax(tensor([[1, 9, 9], [7, 7, 2]]));
      assert.equal(a.dtype, 'int32');
      assert.deepEqual(a.array(), [1, 0]);
      assert.deepEqual(o.argmax(tensor([[1, 9], [1, 2]]), 0).array(), [0, 0]);
      assert.deepEqual(o.argmin(tensor([4, 1, 1, 3])).array(), 1);
    });
    it('reductions of integers and booleans; any / all', () => {
      const i = tensor([[1, 2], [3, 4]], undefined, 'int32');
      assert.equal(o.sum(i).dtype, 'int32');
      assert.equal(o.sum(i).item(), 10);
      assert.equal(o.mean(i).dtype, 'float32');
      assert.deepEqual(o.mean(i, 0).array(), [2, 3]);
      assert.deepEqual(o.sum(tensor([true, true, false])).item(), 2);
      assert.deepEqual(o.max(i, 1, true).array(), [[2], [4]]);
      assert.deepEqual(o.prod(i, -1).array(), [2, 12]);
      assert.deepEqual(o.any(tensor([[true, false], [false, false]]), 1).array(), [true, false]);
      assert.deepEqual(o.all(tensor([[true, true], [false, true]]), 1).array(), [true, false]);
    });
  });
});

// Bad input: every error says what was expected and what was received (shapes, dtypes, ranges, axes).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, zeros } from '../../src/tensor/creation.js';
import * as o from '../../src/ops/index.js';
import { describeEachBackend } from '../helpers/each_backend.js';

describeEachBackend('op errors', () => {
  describe('matmul', () => {
    it('inner dimension mismatch names both shapes and both dimensions', () => {
      assert.throws(() => o.matmul(zeros([2, 3]), zeros([4, 5])),
        /matmul: expected the inner dimensions to match, received shapes \[2, 3\] and \[4, 5\] \(inner dimensions 3 vs 4\)/);
    });
    it('mentions transposes', () => {
      assert.throws(() => o.matmul(zeros([2, 3]), zeros([4, 3]), { transposeA: true }),
        /received shapes \[2, 3\] \(transposed\) and \[4, 3\] \(inner dimensions 2 vs 4\)/);
    });
    it('batch dimensions that do not broadcast', () => {
      assert.throws(() => o.matmul(zeros([2, 2, 3]), zeros([3, 3, 4])),
        /matmul: batch dimensions of \[2, 2, 3\] and \[3, 3, 4\]: shapes \[2\] and \[3\] cannot be broadcast \(dimension 0 of the result: 2 vs 3/);
    });
    it('rank-1 operands whose lengths differ, and scalars', () => {
      assert.throws(() => o.matmul(zeros([3]), zeros([4])), /inner dimensions 3 vs 4/);
      assert.throws(() => o.matmul(tensor(2), zeros([2, 2])), /expected operands of rank >= 1, received shapes \[\] and \[2, 2\]/);
    });
    it('fused dense checks its input against the kernel', () => {
      assert.throws(() => o.dense(zeros([32, 784]), zeros([300, 10]), null),
        /dense: expected x \[batch, 300\] for a kernel of shape \[300, 10\], received \[32, 784\]/);
      assert.throws(() => o.dense(zeros([2, 3]), zeros([3, 4]), null, 'softplus'), /activation 'softplus' cannot be fused/);
    });
  });

  describe('broadcasting', () => {
    it('binary ops name both shapes and the failing dimension', () => {
      for (const f of [o.add, o.sub, o.mul, o.div, o.maximum, o.pow, o.greater]) {
        assert.throws(() => f(zeros([2, 3]), zeros([4])),
          /shapes \[2, 3\] and \[4\] cannot be broadcast \(dimension 1 of the result: 3 vs 4; each must be equal or 1\)/);
      }
    });
    it('where checks cond against the values', () => {
      assert.throws(() => o.where(tensor([true, false]), zeros([3]), 1), /where \(cond and values\): shapes \[2\] and \[3\]/);
    });
    it('broadcastTo refuses to shrink', () => {
      assert.throws(() => o.broadcastTo(zeros([2, 3]), [3]), /cannot broadcast \[2, 3\] to \[3\]|cannot be broadcast/);
      assert.throws(() => o.broadcastTo(zeros([2]), [3, 3]), /shapes \[2\] and \[3, 3\] cannot be broadcast/);
    });
  });

  describe('dtypes', () => {
    it('cast to an unknown dtype lists the known ones', () => {
      assert.throws(() => o.cast(zeros([2]), 'complex64' as never),
        /cast: unknown dtype 'complex64' \(expected float32, float64, int32, uint8 or bool\)/);
    });
    it('gather rejects fractional indices but accepts integer-valued floats', () => {
      assert.throws(() => o.gather(zeros([3]), tensor([0, 1.5])), /gather: expected integer indices, received 1.5 \(indices dtype float32\)/);
      assert.deepEqual(o.gather(tensor([10, 20, 30]), tensor([2, 0])).array(), [30, 10]);
    });
    it('concat refuses mixed dtypes', () => {
      assert.throws(() => o.concat([zeros([2]), zeros([2], 'int32')]), /concat: dtypes differ: float32 vs int32/);
    });
    it('matmul on bool and int operands computes in float32 (numpy promotes the same way)', () => {
      const m = o.matmul(tensor([[true, false], [true, true]]), tensor([[1, 2], [3, 4]], undefined, 'int32'));
      assert.equal(m.dtype, 'float32');
      assert.deepEqual(m.array(), [[1, 2], [4, 6]]);
    });
  });

  describe('ranges and axes', () => {
    it('out-of-range slice says the axis, the request and the dimension', () => {
      assert.throws(() => o.slice(zeros([2, 4]), [0, 2], [-1, 3]),
        /slice: out of range on axis 1: begin 2, size 3 for a dimension of 4 \(expected 0 <= begin and begin \+ size <= 4; tensor shape \[2, 4\]\)/);
      assert.throws(() => o.slice(zeros([2, 4]), [0, -5]), /out of range on axis 1: begin -5/);
      assert.throws(() => o.slice(zeros([2]), [0, 0]), /begin \[0, 0\] has more axes than the tensor's shape \[2\]/);
    });
    it('out-of-range gather index', () => {
      assert.throws(() => o.gather(zeros([3, 4]), [0, 3]), /gather: index 3 is out of range for axis 0 of size 3 \(expected -3 <= index < 3; shape \[3, 4\]\)/);
      assert.throws(() => o.gather(zeros([3, 4]), [-5], 1), /index -5 is out of range for axis 1 of size 4/);
    });
    it('out-of-range axes name the op, the axis and the rank', () => {
      assert.throws(() => o.sum(zeros([2, 3]), 2), /sum: axis 2 is out of range for a tensor of rank 2 \(expected -2 <= axis < 2\)/);
      assert.throws(() => o.softmax(zeros([2, 3]), -3), /softmax: axis -3 is out of range for a tensor of rank 2/);
      assert.throws(() => o.argmax(zeros([2]), 1), /argmax: axis 1 is out of range/);
      assert.throws(() => o.concat([zeros([2]), zeros([2])], 1), /concat: axis 1 is out of range for a tensor of rank 1/);
      assert.throws(() => o.gather(zeros([2]), [0], 1), /gather: axis 1 is out of range/);
      assert.throws(() => o.transpose(zeros([2, 3]), [0, 0]), /transpose: permutation \[0, 0\] does not fit a tensor of shape \[2, 3\]/);
    });
    it('reshape, concat, squeeze, booleanMask, pad and clip name what they received', () => {
      assert.throws(() => o.reshape(zeros([2, 3]), [4, -1]), /cannot reshape a tensor of shape \[2, 3\] \(6 elements\) into \[4, -1\]/);
      assert.throws(() => o.reshape(zeros([2, 3]), [-1, -1]), /at most one -1/);
      assert.throws(() => o.concat([zeros([2, 3]), zeros([3, 2])], 0), /shapes must match except on axis 0: \[2, 3\] vs \[3, 2\]/);
      assert.throws(() => o.squeeze(zeros([2, 3]), 0), /squeeze: axis 0 has size 2, expected 1/);
      assert.throws(() => o.booleanMask(zeros([3, 2]), [true, false]), /mask shape \[2\] must equal the leading dimensions of \[3, 2\]/);
      assert.throws(() => o.pad(zeros([2, 3]), [[1, 1]]), /pad: expected 2 \[before, after\] pairs for shape \[2, 3\], received 1/);
      assert.throws(() => o.pad(zeros([2]), [[-1, 0]]), /pad: expected non-negative integer paddings, received \[\[-1,0\]\]/);
      assert.throws(() => o.clip(zeros([2]), 1, 0), /lower bound 1 is above upper bound 0/);
      assert.throws(() => o.oneHot([1, 2], 0), /depth must be a positive integer, received 0/);
    });
  });
});

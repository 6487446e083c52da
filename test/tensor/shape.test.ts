// Shapes and dtypes: sizes, strides, broadcasting, axis normalization, reshape inference, promotion.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastShapes, inferReshape, normalizeAxes, normalizeAxis, reducedShape, sizeOf, stridesOf } from '../../src/tensor/shape.js';
import { convertArray, floatOf, promote } from '../../src/tensor/dtype.js';
import { tensor } from '../../src/tensor/creation.js';

describe('shapes', () => {
  it('sizes and row-major strides', () => {
    assert.equal(sizeOf([]), 1);
    assert.equal(sizeOf([2, 0, 3]), 0);
    assert.deepEqual(stridesOf([2, 3, 4]), [12, 4, 1]);
  });
  it('broadcasts like numpy and names both shapes when it cannot', () => {
    assert.deepEqual(broadcastShapes([2, 1, 3], [4, 1]), [2, 4, 3]);
    assert.deepEqual(broadcastShapes([], [3]), [3]);
    assert.deepEqual(broadcastShapes([5, 0], [1]), [5, 0]);
    assert.throws(() => broadcastShapes([2, 3], [3, 3], 'add'), /add: shapes \[2, 3\] and \[3, 3\] cannot be broadcast \(dimension 0 of the result: 2 vs 3/);
  });
  it('normalizes axes and rejects out-of-range ones', () => {
    assert.equal(normalizeAxis(-1, 3), 2);
    assert.deepEqual(normalizeAxes([2, -3, 0], 3), [0, 2]);
    assert.deepEqual(normalizeAxes(undefined, 2), [0, 1]);
    assert.deepEqual(normalizeAxes(null, 0), []);
    assert.throws(() => normalizeAxis(3, 3, 'mean'), /mean: axis 3 is out of range for a tensor of rank 3 \(expected -3 <= axis < 3\)/);
    assert.throws(() => normalizeAxis(0.5, 3), /axis 0.5 is out of range/);
    assert.throws(() => normalizeAxis(0, 0, 'sum'), /sum: axis 0 is out of range for a tensor of rank 0 \(a scalar has no axes\)/);
  });
  it('reduced shapes and reshape inference', () => {
    assert.deepEqual(reducedShape([2, 3, 4], [0, 2], true), [1, 3, 1]);
    assert.deepEqual(reducedShape([2, 3, 4], [0, 2], false), [3]);
    assert.deepEqual(inferReshape([2, 3, 4], [-1, 4]), [6, 4]);
    assert.deepEqual(inferReshape([0, 3], [-1, 3]), [0, 3]);
    assert.throws(() => inferReshape([2, 3], [-2, 3]), /invalid target shape \[-2, 3\]/);
    assert.throws(() => inferReshape([2, 3], [4, -1]), /cannot reshape a tensor of shape \[2, 3\] \(6 elements\) into \[4, -1\]/);
  });
});

describe('dtypes', () => {
  it('promote along bool < uint8 < int32 < float32 < float64', () => {
    assert.equal(promote('bool', 'uint8'), 'uint8');
    assert.equal(promote('int32', 'uint8'), 'int32');
    assert.equal(promote('int32', 'float32'), 'float32');
    assert.equal(promote('float64', 'float32'), 'float64');
    assert.equal(floatOf('int32'), 'float32');
    assert.equal(floatOf('float64'), 'float64');
  });
  it('convert: ints truncate toward zero, bool is x != 0, uint8 wraps', () => {
    assert.deepEqual(Array.from(convertArray([2.9, -2.9], 'int32')), [2, -2]);
    assert.deepEqual(Array.from(convertArray([0, -3, 0.1], 'bool')), [0, 1, 1]);
    assert.deepEqual(Array.from(convertArray([256, 257], 'uint8')), [0, 1]);
  });
  it('array() of bool gives booleans; toString summarizes', () => {
    assert.deepEqual(tensor([[true], [false]]).array(), [[true], [false]]);
    assert.equal(tensor([1, 2]).toString(), 'Tensor(shape=[2], dtype=float32, [1,2])');
    assert.throws(() => tensor([1, 2]).item(), /expected a tensor with one element, received shape \[2\]/);
  });
});

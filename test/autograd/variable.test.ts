// Variable: owns a copy of its value, assign keeps the shape, read() copies, trainable flag and names.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Variable, variable } from '../../src/autograd/variable.js';
import { tensor } from '../../src/tensor/creation.js';

describe('Variable', () => {
  it('copies its initial value and names itself', () => {
    const t = tensor([1, 2]);
    const v = variable(t, { name: 'w' });
    (t.data as Float32Array)[0] = 100;
    assert.deepEqual(v.value.array(), [1, 2]);
    assert.equal(v.name, 'w');
    assert.equal(v.trainable, true);
    assert.match(new Variable(tensor([1])).name, /^variable_\d+$/);
  });
  it('assign replaces the value and refuses another shape, naming both', () => {
    const v = variable(tensor([[1, 2]]), { name: 'k' });
    v.assign(tensor([[3, 4]]));
    assert.deepEqual(v.value.array(), [[3, 4]]);
    v.assign([5, 6]);
    assert.deepEqual(v.value.array(), [[5, 6]]);
    assert.throws(() => v.assign(tensor([1, 2, 3])), /Variable "k": cannot assign a value of shape \[3\] to a variable of shape \[1, 2\]/);
  });
  it('read() is a copy; storage() is the live buffer; dtype conversion on creation', () => {
    const v = variable(tensor([1, 2]));
    const r = v.read();
    v.storage()[0] = 9;
    assert.deepEqual(r.array(), [1, 2]);
    assert.deepEqual(v.value.array(), [9, 2]);
    const d = variable(tensor([1.5]), { dtype: 'float64', trainable: false });
    assert.equal(d.dtype, 'float64');
    assert.equal(d.trainable, false);
    assert.deepEqual(d.shape, [1]);
  });
});

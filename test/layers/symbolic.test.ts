// Symbolic application of layers: output counts and shapes on Input(...) tensors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Layer, Input, SymbolicTensor } from '../../src/layers/index.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { sum } from '../../src/ops/index.js';
import type { SymbolicShape } from '../../src/layers/symbolic.js';

class TotalSum extends Layer {
  static override readonly className = 'TotalSum';
  call(x: Tensor | Tensor[]): Tensor {
    return sum(x as Tensor);
  }
  override computeOutputShape(): SymbolicShape {
    return [];
  }
}

describe('symbolic layer calls', () => {
  it('a layer with a scalar output gives one symbolic tensor of shape []', () => {
    const out = new TotalSum().apply(Input({ shape: [3] }));
    assert.ok(out instanceof SymbolicTensor);
    assert.deepEqual(out.shape, []);
  });
});

// softmaxGrad: the reference equals the composed chain y * (dy - sum(dy * y)) bit for bit; native matches it on
// rows of edge sizes (1, odd, non-multiples of 16) and falls back to the reference off the last axis.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RawTensor } from '../../src/backend/backend.js';
import { referenceBackend as rb } from '../../src/backend/reference/index.js';
import { loadNativeBackend, setPoisonOutputs } from '../../src/backend/native.js';
import { assertClose } from '../helpers/gradcheck.js';
import { Generator } from '../../src/random/rng.js';

const { backend: nb, error } = loadNativeBackend();
setPoisonOutputs(true);

function rand(shape: number[], seed: number, lo = -2, hi = 2): RawTensor {
  const g = new Generator(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return { data: Float32Array.from({ length: n }, () => lo + (hi - lo) * g.uniform()), shape, dtype: 'float32' };
}

function composed(y: RawTensor, dy: RawTensor, axis: number): RawTensor {
  const dot = rb.reduce('sum', rb.binary('mul', dy, y, 'float32'), [axis], true);
  return rb.binary('mul', y, rb.binary('sub', dy, dot, 'float32'), 'float32');
}

const shapes: [number[], number][] = [[[1, 1], 1], [[32, 10], 1], [[7, 17], 1], [[3, 129], 1], [[5, 4, 33], 2], [[4, 6, 5], 1], [[6, 3], 0]];

describe('softmaxGrad', () => {
  it('reference: equals the composed ops exactly, on every axis', () => {
    for (const [shape, axis] of shapes) {
      const y = rb.softmax(rand(shape, shape.length + axis), axis, false);
      const dy = rand(shape, 7);
      assert.deepEqual(rb.softmaxGrad(y, dy, axis).data, composed(y, dy, axis).data, `${shape} axis ${axis}`);
    }
  });

  it('native: matches the reference on rows of 1, odd sizes and non-multiples of 16, and other axes', { skip: nb ? false : error }, () => {
    for (const [shape, axis] of shapes) {
      const y = rb.softmax(rand(shape, shape.length + axis + 1), axis, false);
      const dy = rand(shape, 11);
      const got = nb!.softmaxGrad(y, dy, axis);
      assert.deepEqual(got.shape, shape);
      assertClose(got.data, rb.softmaxGrad(y, dy, axis).data, 1e-7, 1e-6, `${shape} axis ${axis}`);
    }
  });
});

// Convolution, pooling and upsampling layers against PyTorch (test/golden/conv.json from scripts/golden/conv.py):
// outputs and the gradients of sum(w * out) for the input and every weight, float64 and float32, on each backend.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { mul, sum } from '../../src/ops/index.js';
import { lookupSerializable } from '../../src/saving/registry.js';
import type { Layer } from '../../src/layers/layer.js';
import '../../src/layers/index.js';
import { describeEachBackend } from '../helpers/each_backend.js';
import { assertClose } from '../helpers/gradcheck.js';
import { loadGolden } from '../helpers/golden.js';

interface Arr { shape: number[]; data: number[] }
interface Case {
  name: string; layer: string; config: Record<string, unknown>; input: Arr; weights: Arr[]; output: Arr;
  objective_weights: Arr; grad_input: Arr; grad_weights: Arr[];
}

const { cases } = loadGolden<{ cases: Case[] }>('conv.json');

function tensorOf(a: Arr, dtype: 'float32' | 'float64'): Tensor {
  return new Tensor(dtype === 'float64' ? Float64Array.from(a.data) : Float32Array.from(a.data), a.shape, dtype);
}

const TOL = { float64: { atol: 1e-10, rtol: 1e-9 }, float32: { atol: 3e-5, rtol: 3e-5 } };

describeEachBackend('conv layers vs PyTorch golden', () => {
  it('covers every layer family of the issue', () => {
    const families = new Set(cases.map((c) => c.layer));
    for (const name of ['Conv1D', 'Conv2D', 'Conv2DTranspose', 'DepthwiseConv2D', 'SeparableConv2D', 'MaxPooling1D', 'MaxPooling2D',
      'AveragePooling1D', 'AveragePooling2D', 'UpSampling2D']) assert.ok(families.has(name), name);
  });
  for (const dtype of ['float64', 'float32'] as const) {
    it(`outputs and gradients match (${dtype})`, () => {
      const { atol, rtol } = TOL[dtype];
      for (const c of cases) {
        const cls = lookupSerializable('layer', c.layer) as unknown as { fromConfig(c: Record<string, unknown>): Layer };
        const layer = cls.fromConfig({ ...c.config, dtype });
        const x = tensorOf(c.input, dtype);
        layer.apply(x);
        layer.setWeights(c.weights.map((w) => tensorOf(w, dtype)));
        let y: Tensor | null = null;
        const { grads } = valueAndGrads(() => {
          y = layer.apply(x) as Tensor;
          return sum(mul(y, tensorOf(c.objective_weights, dtype)));
        }, [x, ...layer.weights]);
        const out = y as unknown as Tensor;
        assert.deepEqual(out.shape, c.output.shape, `${c.name}: output shape`);
        assert.equal(out.dtype, dtype, `${c.name}: dtype`);
        assertClose(out.dataSync(), c.output.data, atol, rtol, `${c.name} (${dtype}) output`);
        assertClose(grads[0].dataSync(), c.grad_input.data, atol, rtol, `${c.name} (${dtype}) input gradient`);
        c.grad_weights.forEach((g, i) => assertClose(grads[i + 1].dataSync(), g.data, atol, rtol, `${c.name} (${dtype}) weight ${i} gradient`));
      }
    });
  }
});

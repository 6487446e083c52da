// Every op against PyTorch (test/golden/ops.json): forward values and gradients, float32 and float64, on each backend.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { DType } from '../../src/tensor/dtype.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { add, mul, sum } from '../../src/ops/index.js';
import { describeEachBackend } from '../helpers/each_backend.js';
import { assertClose } from '../helpers/gradcheck.js';
import { decode, goldenCases, OPS, runCase, toTensor } from './op_table.js';

const cases = goldenCases();

const TOL: Record<'float32' | 'float64', { atol: number; rtol: number }> = {
  float32: { atol: 2e-5, rtol: 1e-5 },
  float64: { atol: 1e-10, rtol: 1e-9 },
};

describeEachBackend('ops vs PyTorch golden', () => {
  it('covers every golden op with a layerwise op', () => {
    assert.ok(cases.length > 100, `expected the full golden file, found ${cases.length} cases`);
    for (const c of cases) assert.ok(OPS[c.op], `golden op '${c.op}' has no layerwise mapping`);
  });
  for (const dtype of ['float32', 'float64'] as const) {
    it(`forward values and gradients match (${dtype})`, () => {
      const { atol, rtol } = TOL[dtype];
      const failures: string[] = [];
      for (const c of cases) {
        try {
        const xs = c.inputs.map((a) => toTensor(a, dtype as DType));
        const wrt = c.grads.map((g, i) => (g ? i : -1)).filter((i) => i >= 0);
        let outs: ReturnType<typeof runCase> = [];
        const { grads } = valueAndGrads(() => {
          outs = runCase(c, xs);
          return outs
            .map((out, k) => sum(mul(out, toTensor(c.weights[k], dtype))))
            .reduce((acc, t) => add(acc, t));
        }, wrt.map((i) => xs[i]));
        outs.forEach((out, k) => {
          assert.deepEqual(out.shape, c.outputs[k].shape, `${c.name}: output ${k} shape`);
          assert.equal(out.dtype, dtype, `${c.name}: output ${k} dtype`);
          assertClose(out.dataSync(), decode(c.outputs[k].data), atol, rtol, `${c.name} [${dtype}] output ${k}`);
        });
        wrt.forEach((i, gi) => {
          const expected = c.grads[i]!;
          assert.deepEqual(grads[gi].shape, expected.shape, `${c.name}: gradient ${i} shape`);
          assertClose(grads[gi].dataSync(), decode(expected.data), atol, rtol, `${c.name} [${dtype}] gradient of input ${i}`);
        });
        } catch (e) {
          failures.push((e as Error).message);
        }
      }
      assert.deepEqual(failures, [], `${failures.length} of ${cases.length} golden cases differ`);
    });
  }
});

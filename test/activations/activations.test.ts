// Activations vs PyTorch goldens (forward and gradient, float64 and float32) and float64 gradchecks.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { tensor } from '../../src/tensor/creation.js';
import type { DType } from '../../src/tensor/dtype.js';
import { valueAndGrads } from '../../src/autograd/gradients.js';
import { cast, mul, sum } from '../../src/ops/index.js';
import * as activations from '../../src/activations/index.js';
import { describeEachBackend } from '../helpers/each_backend.js';
import { assertClose, f64, gradcheck, randF64 } from '../helpers/gradcheck.js';
import { loadGolden } from '../helpers/golden.js';

interface Arr { shape: number[]; data: (number | string)[] }
interface Case { name: string; params: Record<string, any>; x: Arr; w: Arr; y: Arr; grad: Arr }

const golden = loadGolden<{ activations: Case[] }>('activations.json');
const num = (a: Arr) => a.data.map((v) => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity'))));
const toT = (a: Arr, dtype: DType) => tensor(num(a), a.shape, dtype);

/** The layerwise call for a golden case: the function named by the case with the case's parameters. */
function callFor(c: Case): (x: Tensor) => Tensor {
  const p = c.params;
  switch (c.name) {
    case 'relu': return (x) => activations.relu(x, p);
    case 'leaky_relu': return (x) => (p.negative_slope === undefined ? activations.get('leaky_relu')(x) : activations.leakyRelu(x, p.negative_slope));
    case 'elu': return (x) => (p.alpha === undefined ? activations.get('elu')(x) : activations.elu(x, p.alpha));
    case 'gelu': return (x) => activations.gelu(x, p.approximate ?? false);
    case 'softmax': return (x) => activations.softmax(x, p.axis);
    case 'log_softmax': return (x) => activations.log_softmax(x, p.axis);
    default: return activations.get(c.name);
  }
}

function label(c: Case): string {
  return `${c.name}${Object.keys(c.params).length ? ` ${JSON.stringify(c.params)}` : ''}`;
}

describeEachBackend('activations vs PyTorch goldens', () => {
  for (const dtype of ['float64', 'float32'] as const) {
    // NOTE: exact gelu goes through an erfc fit with relative error < 1.2e-7, and PyTorch's float64
    // hardsigmoid/hardswish backward uses a float32 1/6; those cases get a 3e-7 tolerance.
    const loose = (c: Case) => (c.name === 'gelu' && !c.params.approximate) || c.name === 'hard_sigmoid' || c.name === 'hard_silu';
    const tol = (c: Case) => (dtype === 'float32' ? [2e-6, 2e-6] : loose(c) ? [3e-7, 3e-7] : [1e-12, 1e-10]);
    for (const c of golden.activations) {
      it(`${label(c)} forward and gradient (${dtype})`, () => {
        const x = toT(c.x, dtype);
        const w = toT(c.w, dtype);
        const f = callFor(c);
        const { value, grads } = valueAndGrads(() => sum(mul(f(x), w)), [x]);
        const y = f(x);
        const [atol, rtol] = tol(c);
        assert.deepEqual(y.shape, c.y.shape);
        assert.equal(y.dtype, dtype);
        assertClose(y.dataSync(), num(c.y), atol, rtol, `${label(c)} y`);
        assertClose(grads[0].dataSync(), num(c.grad), atol, rtol, `${label(c)} dy/dx`);
        assert.ok(Number.isFinite(value.item()));
      });
    }
  }
});

describe('activations: float64 finite-difference gradchecks', () => {
  // Smooth functions include the points -1, 0, 1; kinked ones are checked away from their kinks.
  const withKinkPoints = f64([-1, 0, 1, -2.2, 0.37, 1.9, -0.6, 3.3], [2, 4]);
  const smooth: [string, (x: Tensor) => Tensor][] = [
    ['elu', (x) => activations.elu(x)], ['gelu', (x) => activations.gelu(x)], ['gelu tanh', (x) => activations.gelu(x, true)],
    ['silu', activations.silu], ['mish', activations.mish], ['softplus', activations.softplus], ['softsign', activations.softsign],
    ['sigmoid', activations.sigmoid], ['tanh', activations.tanh], ['exponential', activations.exponential],
    ['softmax', (x) => activations.softmax(x)], ['softmax axis 0', (x) => activations.softmax(x, 0)],
    ['log_softmax', (x) => activations.logSoftmax(x)], ['linear', (x) => mul(activations.linear(x), 1)],
  ];
  for (const [name, f] of smooth) it(`${name} at -1, 0, 1 and random points`, () => gradcheck(f, [withKinkPoints]));

  const awayFromKinks = f64([-1, 1, -2.2, 0.37, 1.9, -0.6, 3.3, 7.1], [2, 4]);
  const kinked: [string, (x: Tensor) => Tensor][] = [
    ['relu', (x) => activations.relu(x)], ['relu6', activations.relu6], ['leaky_relu', (x) => activations.leakyRelu(x)],
    ['selu', activations.selu], ['elu alpha 0.5', (x) => activations.elu(x, 0.5)], ['hard_sigmoid', activations.hardSigmoid],
    ['hard_silu', activations.hardSilu],
    ['relu threshold/max/slope', (x) => activations.relu(x, { negativeSlope: 0.1, maxValue: 2.5, threshold: 0.5 })],
  ];
  for (const [name, f] of kinked) it(`${name} at -1, 1 and points off its kinks`, () => gradcheck(f, [awayFromKinks]));

  it('gelu at many random points', () => gradcheck((x) => activations.gelu(x), [randF64([30], 5, -6, 6)]));
});

describe('activations: get / serialize / fusedActivationOf', () => {
  it('resolves Keras snake_case and camelCase names to the same functions', () => {
    assert.equal(activations.get('leaky_relu'), activations.leakyRelu);
    assert.equal(activations.get('leakyRelu'), activations.leakyRelu);
    assert.equal(activations.get('log_softmax'), activations.logSoftmax);
    assert.equal(activations.get('logSoftmax'), activations.logSoftmax);
    assert.equal(activations.get('hard_sigmoid'), activations.hardSigmoid);
    assert.equal(activations.get('hardSigmoid'), activations.hardSigmoid);
    assert.equal(activations.get('swish'), activations.silu);
    assert.equal(activations.get('relu6'), activations.relu6);
    assert.equal(activations.get('selu'), activations.selu);
  });
  it('treats null/undefined as linear and returns functions as is', () => {
    assert.equal(activations.get(null), activations.linear);
    assert.equal(activations.get(undefined), activations.linear);
    const custom = (x: Tensor) => mul(x, 3);
    assert.equal(activations.get(custom), custom);
  });
  it('accepts a Keras 3 serialized function reference', () => {
    assert.equal(activations.get({ module: 'builtins', class_name: 'function', config: 'relu', registered_name: 'function' }), activations.relu);
  });
  it('rejects unknown names with the list of known ones', () => {
    assert.throws(() => activations.get('relux'), /unknown activation 'relux'.*leaky_relu/);
  });
  it('serializes to Keras names', () => {
    assert.equal(activations.serialize(activations.leakyRelu), 'leaky_relu');
    assert.equal(activations.serialize(activations.swish), 'silu');
    assert.equal(activations.serialize('logSoftmax'), 'log_softmax');
    assert.equal(activations.serialize(null), 'linear');
    for (const name of ['relu', 'relu6', 'elu', 'selu', 'gelu', 'silu', 'sigmoid', 'hard_sigmoid', 'tanh', 'softplus', 'softsign',
      'softmax', 'log_softmax', 'exponential', 'mish', 'linear', 'leaky_relu']) {
      assert.equal(activations.serialize(activations.get(name)), name);
    }
  });
  it('tells Dense which activations the backend can fuse', () => {
    assert.deepEqual(activations.fusedActivationOf('relu'), { op: 'relu' });
    assert.deepEqual(activations.fusedActivationOf(activations.elu), { op: 'elu', alpha: 1 });
    assert.deepEqual(activations.fusedActivationOf('leakyRelu'), { op: 'leakyRelu', alpha: 0.2 });
    assert.deepEqual(activations.fusedActivationOf(undefined), { op: 'linear' });
    for (const name of ['linear', 'relu6', 'selu', 'sigmoid', 'tanh']) assert.ok(activations.fusedActivationOf(name), name);
    for (const name of ['gelu', 'softmax', 'silu', 'mish', 'softplus', 'hard_sigmoid']) assert.equal(activations.fusedActivationOf(name), null, name);
    assert.equal(activations.fusedActivationOf((x: Tensor) => x), null);
  });
  it("accepts Keras 2's alpha for relu's negative slope", () => {
    const x = tensor([-2, 0.5]);
    assertClose(activations.relu(x, { alpha: 0.1 }).dataSync(), activations.relu(x, { negativeSlope: 0.1 }).dataSync(), 0, 0);
    assertClose(activations.relu(x, { alpha: 0.1 }).dataSync(), [-0.2, 0.5], 1e-7);
  });
  it('keeps integer inputs working by computing in float32', () => {
    const y = activations.get('softsign')(cast(tensor([-1, 0, 3]), 'int32'));
    assert.equal(y.dtype, 'float32');
    assertClose(y.dataSync(), [-0.5, 0, 0.75]);
  });
});

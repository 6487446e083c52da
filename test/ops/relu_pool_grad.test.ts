// The ReLU gradient folded into the max pool's vjp (src/ops/relu_grad.ts): gradients of conv2d(relu) -> max pool
// equal the unfused ones bit for bit on the native backend, every ISA path (the reference records no fused conv to
// fold into; its pool2dGrad's relu is checked in test/backend/conv_kernels.test.ts), the separate relu pass is gone,
// and a conv output that is also used elsewhere or is itself a source still gets its exact gradient.
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor } from '../../src/tensor/tensor.js';
import { conv2d } from '../../src/ops/conv.js';
import { pool2d } from '../../src/ops/pool.js';
import { add, mul, sum } from '../../src/ops/index.js';
import { GradientTape, valueAndGrads } from '../../src/autograd/gradients.js';
import { backend, getBackend, setBackend } from '../../src/backend/registry.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { setReluGradFusion } from '../../src/ops/relu_grad.js';
import type { Padding } from '../../src/ops/conv_geometry.js';
import { assertClose } from '../helpers/gradcheck.js';
import { describeEachIsa } from '../backend/each_isa.js';
import { seededTensor } from '../helpers/seeded.js';

const rand = seededTensor;

function sameBits(a: Tensor, b: Tensor, what: string): void {
  assert.deepEqual(a.shape, b.shape, `${what} shape`);
  const ua = new Uint32Array((a.data as Float32Array).buffer, a.data.byteOffset, a.size);
  const ub = new Uint32Array((b.data as Float32Array).buffer, b.data.byteOffset, b.size);
  for (let i = 0; i < a.size; i++) assert.equal(ua[i], ub[i], `${what}[${i}]: ${a.data[i]} vs ${b.data[i]}`);
}

type Case = { x: number[]; k: number[]; pool: [number, number]; strides: [number, number]; padding: Exclude<Padding, 'causal'> };
const CASES: Case[] = [
  { x: [2, 28, 28, 1], k: [3, 3, 1, 32], pool: [2, 2], strides: [2, 2], padding: 'valid' }, // W4's conv1 + pool
  { x: [2, 14, 14, 32], k: [3, 3, 32, 64], pool: [2, 2], strides: [2, 2], padding: 'valid' }, // W4's conv2 + pool
  { x: [1, 7, 9, 3], k: [3, 3, 3, 17], pool: [3, 3], strides: [2, 2], padding: 'same' }, // overlapping, padded
  { x: [3, 5, 7, 2], k: [2, 2, 2, 9], pool: [2, 2], strides: [2, 2], padding: 'valid' }, // a rim left out
  { x: [1, 1, 1, 1], k: [1, 1, 1, 1], pool: [1, 1], strides: [1, 1], padding: 'valid' },
];

/** Gradients of sum(pool(conv_relu(x)) * w) for x, kernel, bias; counts the relu activationGrad passes run. */
function grads(c: Case, i: number, extraUse = false): { g: Tensor[]; reluPasses: number } {
  const x = rand(c.x, 1 + i);
  const kernel = rand(c.k, 20 + i);
  const bias = rand([c.k[3]], 40 + i);
  const bk = backend();
  const original = bk.activationGrad;
  let reluPasses = 0;
  bk.activationGrad = (op, ...rest) => {
    if (op === 'relu') reluPasses++;
    return original.call(bk, op, ...rest);
  };
  try {
    let w: Tensor | null = null;
    const { grads: g } = valueAndGrads(() => {
      const y = conv2d(x, kernel, bias, { kernel: [c.k[0], c.k[1]], strides: [1, 1], dilation: [1, 1], padding: 'same', activation: 'relu' });
      const p = pool2d(y, 'max', { poolSize: c.pool, strides: c.strides, padding: c.padding });
      w ??= rand(p.shape as number[], 60 + i);
      const loss = sum(mul(p, w));
      return extraUse ? add(loss, sum(mul(y, y))) : loss;
    }, [x, kernel, bias]);
    return { g, reluPasses };
  } finally {
    bk.activationGrad = original;
  }
}

function suite(): void {
  it('gradients of conv2d(relu) -> max pool equal the unfused ones bit for bit, without the relu pass', () => {
    CASES.forEach((c, i) => {
      const what = `case ${i} (${c.x.join('x')}, k ${c.k.join('x')}, pool ${c.pool.join('x')} s ${c.strides.join('x')} ${c.padding})`;
      setReluGradFusion(false);
      const off = grads(c, i);
      setReluGradFusion(true);
      const on = grads(c, i);
      assert.equal(off.reluPasses, 1, `${what}: unfused runs the relu pass`);
      assert.equal(on.reluPasses, 0, `${what}: fused skips it`);
      ['dx', 'dkernel', 'dbias'].forEach((name, j) => sameBits(on.g[j], off.g[j], `${what} ${name}`));
    });
  });

  it('a conv output also used elsewhere gets the ReLU gradient of the sum (the mask applied again)', () => {
    CASES.slice(1, 3).forEach((c, i) => {
      setReluGradFusion(false);
      const off = grads(c, i, true);
      setReluGradFusion(true);
      const on = grads(c, i, true);
      assert.equal(on.reluPasses, 1);
      // equal values (the reference's dy * 0 may differ from the unfused in the sign of a zero)
      ['dx', 'dkernel', 'dbias'].forEach((name, j) => assertClose(on.g[j].data, off.g[j].data, 0, 0, `case ${i} ${name}`));
    });
  });

  it('the gradient of the conv output itself, as a source, is the plain pool gradient (no ReLU folded in)', () => {
    const c = CASES[1];
    const x = rand(c.x, 5);
    const kernel = rand(c.k, 6);
    const run = (): Tensor[] => {
      const tape = new GradientTape();
      tape.watch(kernel);
      let y: Tensor | null = null;
      const loss = tape.run(() => {
        y = conv2d(x, kernel, null, { kernel: [3, 3], strides: [1, 1], dilation: [1, 1], padding: 'same', activation: 'relu' });
        return sum(mul(pool2d(y, 'max', { poolSize: [2, 2], strides: [2, 2], padding: 'valid' }), rand([2, 7, 7, 64], 7)));
      });
      const [gy, gk] = tape.gradient(loss, [y!, kernel]);
      // the routed gradient reaches maxima that are exact zeros of the ReLU: the source's gradient keeps it
      let atZero = 0;
      for (let j = 0; j < gy.size; j++) if (y!.data[j] === 0 && gy.data[j] !== 0) atZero++;
      assert.ok(atZero > 0, 'some window maximum is a ReLU zero that receives gradient');
      return [gy, gk];
    };
    setReluGradFusion(false);
    const off = run();
    setReluGradFusion(true);
    const on = run();
    sameBits(on[0], off[0], 'dL/dy');
    sameBits(on[1], off[1], 'dkernel');
  });
}

const native = loadNativeBackend().backend;

/** Runs the suite with `name` as the backend, restoring the previous backend and the fusion switch after. */
function onBackend(name: 'native'): void {
  let previous = getBackend();
  before(() => {
    previous = getBackend();
    setBackend(name);
  });
  after(() => {
    setBackend(previous);
    setReluGradFusion(true);
  });
  suite();
}

describeEachIsa('ReLU gradient folded into max pooling (native)', native ? false : 'native addon not built', () => onBackend('native'));

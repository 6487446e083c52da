// Optimizer steps vs goldens (Keras formulas in float64 NumPy; torch.optim where conventions coincide), per clipping mode.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import { Variable } from '../../src/autograd/variable.js';
import '../../src/ops/index.js';
import * as optimizers from '../../src/optimizers/index.js';
import { loadGolden } from '../helpers/golden.js';
import { assertClose } from '../helpers/gradcheck.js';
import { describeEachBackend } from '../helpers/each_backend.js';

interface OptCase {
  name: string;
  class_name: string;
  options: Record<string, any>;
  schedule?: { class_name: string; config: Record<string, any> };
  params: any[][];
  torch_params?: any[][];
  slots?: any[];
}

const golden = loadGolden<{ init: any[]; grads: any[][]; cases: OptCase[] }>('optimizers.json');

const CLASSES: Record<string, new (o: any) => optimizers.Optimizer> = {
  SGD: optimizers.SGD, Adam: optimizers.Adam, AdamW: optimizers.AdamW, RMSprop: optimizers.RMSprop,
  Adagrad: optimizers.Adagrad, Adamax: optimizers.Adamax, Nadam: optimizers.Nadam, Adadelta: optimizers.Adadelta,
};

function flat(x: any): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

function run(c: OptCase): { vars: Variable[]; opt: optimizers.Optimizer; traj: number[][] } {
  const vars = golden.init.map((w, i) => new Variable(tensor(w), { name: `w${i}` }));
  const options = { ...c.options };
  if (c.schedule) options.learningRate = optimizers.schedules.deserialize(c.schedule);
  const opt = new CLASSES[c.class_name](options);
  const traj: number[][] = [];
  for (const step of golden.grads) {
    opt.applyGradients(step.map((g, i) => [tensor(g), vars[i]] as const));
    traj.push(vars.flatMap((v) => Array.from(v.value.dataSync())));
  }
  return { vars, opt, traj };
}

describeEachBackend('optimizer trajectories', () => {
  for (const c of golden.cases) {
    it(`${c.name}: ${golden.grads.length} steps match the Keras formulas`, () => {
      const { opt, traj } = run(c);
      traj.forEach((p, k) => assertClose(p, flat(c.params[k]), 2e-5, 1e-4, `${c.name} step ${k + 1}`));
      assert.equal(opt.iterations, golden.grads.length);
      if (c.torch_params) {
        traj.forEach((p, k) => assertClose(p, flat(c.torch_params?.[k]), 3e-5, 1e-4, `${c.name} vs torch step ${k + 1}`));
      }
      if (c.slots) {
        const state = opt.variables();
        const expectedCount = 2 + c.slots.length;
        assert.equal(state.length, expectedCount, `${c.name}: iterations, learning_rate and ${c.slots.length} slots`);
        assert.equal(state[0].value.item(), golden.grads.length);
        assertClose([state[1].value.item()], [Math.fround(c.options.learningRate)], 0, 0);
        c.slots.forEach((s, i) => assertClose(state[2 + i].value.dataSync(), flat(s), 2e-5, 1e-4, `${c.name} slot ${i} (${state[2 + i].name})`));
      }
    });
  }
});

describe('optimizer state save / restore', () => {
  it('a fresh optimizer restored from variables() continues the same trajectory', () => {
    const c = golden.cases.find((x) => x.name === 'adam/clipNorm') as OptCase;
    const vars = golden.init.map((w) => new Variable(tensor(w)));
    const opt = new optimizers.Adam(c.options);
    const step = (o: optimizers.Optimizer, k: number, vs: Variable[]) => o.applyGradients(golden.grads[k].map((g, i) => [tensor(g), vs[i]] as const));
    step(opt, 0, vars);
    step(opt, 1, vars);
    const saved = opt.variables().map((v) => v.read());
    const restored = new optimizers.Adam(c.options);
    restored.build(vars);
    restored.setVariables(saved);
    assert.equal(restored.iterations, 2);
    step(restored, 2, vars);
    step(restored, 3, vars);
    assertClose(vars.flatMap((v) => Array.from(v.value.dataSync())), flat(c.params[3]), 2e-5, 1e-4);
  });

  it('setVariables rejects a wrong count', () => {
    const opt = new optimizers.SGD({ momentum: 0.9 });
    opt.build([new Variable(tensor([1, 2]))]);
    assert.throws(() => opt.setVariables([tensor(0)]), /expected 3 values/);
  });

  it('creates slots lazily, per variable identity, for variables seen later', () => {
    const opt = new optimizers.Adam();
    const a = new Variable(tensor([1, 2]), { name: 'a' });
    const b = new Variable(tensor([3]), { name: 'b' });
    assert.equal(opt.variables().length, 2);
    opt.applyGradients([[tensor([1, 1]), a]]);
    assert.deepEqual(opt.variables().map((v) => v.name), ['iteration', 'learning_rate', 'a_momentum', 'a_velocity']);
    opt.applyGradients([[tensor([1, 1]), a], [tensor([1]), b]]);
    assert.deepEqual(opt.variables().map((v) => v.name), ['iteration', 'learning_rate', 'a_momentum', 'b_momentum', 'a_velocity', 'b_velocity']);
    assert.notEqual(b.value.item(), 3);
  });

  it('skips null gradients and errors when none are given', () => {
    const opt = new optimizers.SGD({ learningRate: 0.5 });
    const a = new Variable(tensor([1]));
    const b = new Variable(tensor([1]));
    opt.applyGradients([[tensor([1]), a], [null, b]]);
    assert.equal(a.value.item(), 0.5);
    assert.equal(b.value.item(), 1);
    assert.throws(() => opt.applyGradients([[null, b]]), /no gradients provided/);
    assert.throws(() => opt.applyGradients([[tensor([1, 2]), a]]), /gradient of shape \[2\] does not match variable/);
  });
});

// Optimizer options, errors, learning-rate get/set, configs (Keras keys) and string resolution.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor } from '../../src/tensor/creation.js';
import { Variable } from '../../src/autograd/variable.js';
import '../../src/ops/index.js';
import * as optimizers from '../../src/optimizers/index.js';

describe('optimizer options and errors', () => {
  it('rejects more than one clipping option, naming them', () => {
    assert.throws(() => new optimizers.SGD({ clipValue: 1, clipNorm: 1 }), /only one of clipNorm, clipValue and globalClipNorm can be set; received clipValue=1, clipNorm=1/);
    assert.throws(() => new optimizers.Adam({ clipNorm: 1, globalClipNorm: 2 }), /only one of/);
    assert.throws(() => new optimizers.RMSprop({ clipValue: 0.5, globalClipNorm: 2, clipNorm: 3 }), /only one of/);
  });

  it('uses Keras defaults', () => {
    assert.equal(new optimizers.SGD().learningRate, 0.01);
    assert.equal(new optimizers.Adam().learningRate, 0.001);
    const adam = new optimizers.Adam();
    assert.deepEqual([adam.beta1, adam.beta2, adam.epsilon, adam.amsgrad], [0.9, 0.999, 1e-7, false]);
    assert.equal(new optimizers.AdamW().weightDecay, 0.004);
    assert.equal(new optimizers.Adagrad().initialAccumulatorValue, 0.1);
    assert.equal(new optimizers.Adadelta().rho, 0.95);
    assert.equal(new optimizers.SGD().name, 'SGD');
    assert.equal(new optimizers.RMSprop().name, 'rmsprop');
    assert.throws(() => new optimizers.SGD({ momentum: 1.5 }), /momentum must be a number in \[0, 1\], received 1.5/);
  });

  it('learning rate is readable and settable; setting replaces a schedule', () => {
    const opt = new optimizers.SGD({ learningRate: 0.1 });
    const w = new Variable(tensor([1]));
    opt.learningRate = 1e-4;
    assert.equal(opt.learningRate, 1e-4);
    opt.applyGradients([[tensor([1]), w]]);
    assertCloseScalar(w.value.item(), 1 - 1e-4);
    const scheduled = new optimizers.SGD({ learningRate: new optimizers.ExponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 }) });
    assert.equal(scheduled.learningRate, 0.1);
    scheduled.applyGradients([[tensor([1]), w]]);
    assert.equal(scheduled.learningRate, 0.05);
    assert.equal(scheduled.variables().length, 1, 'with a schedule the state has no learning_rate variable');
    scheduled.learningRate = 0.3;
    assert.equal(scheduled.learningRateSchedule, null);
    assert.equal(scheduled.learningRate, 0.3);
    assert.throws(() => { opt.learningRate = Number.NaN; }, /learningRate must be a finite number/);
  });

  it('excludes variables from weight decay by name', () => {
    const opt = new optimizers.AdamW({ learningRate: 0.1, weightDecay: 0.5 });
    opt.excludeFromWeightDecay({ varNames: ['bias'] });
    const kernel = new Variable(tensor([1]), { name: 'kernel' });
    const bias = new Variable(tensor([1]), { name: 'dense/bias' });
    opt.applyGradients([[tensor([0]), kernel], [tensor([0]), bias]]);
    assertCloseScalar(kernel.value.item(), 1 - 0.1 * 0.5);
    assert.equal(bias.value.item(), 1);
  });
});

function assertCloseScalar(a: number, b: number): void {
  assert.ok(Math.abs(a - b) < 1e-6, `${a} vs ${b}`);
}

describe('optimizer configs and resolution', () => {
  it('getConfig uses Keras snake_case keys and fromConfig round-trips', () => {
    const sgd = new optimizers.SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true, clipValue: 1 });
    const cfg = sgd.getConfig();
    assert.equal(cfg.learning_rate, 0.05);
    assert.equal(cfg.clipvalue, 1);
    assert.equal(cfg.clipnorm, null);
    assert.equal(cfg.global_clipnorm, null);
    assert.equal(cfg.nesterov, true);
    const back = optimizers.deserialize({ class_name: 'SGD', config: cfg }) as optimizers.SGD;
    assert.deepEqual(back.getConfig(), cfg);
    const adam = new optimizers.Adam({ beta1: 0.8, amsgrad: true, globalClipNorm: 2, weightDecay: 0.01 });
    const acfg = adam.getConfig();
    assert.deepEqual([acfg.beta_1, acfg.beta_2, acfg.epsilon, acfg.amsgrad, acfg.global_clipnorm, acfg.weight_decay], [0.8, 0.999, 1e-7, true, 2, 0.01]);
    assert.deepEqual(optimizers.deserialize(optimizers.serialize(adam) as never).getConfig(), acfg);
    for (const cls of [optimizers.RMSprop, optimizers.AdamW, optimizers.Nadam, optimizers.Adamax, optimizers.Adagrad, optimizers.Adadelta]) {
      const o = new cls();
      assert.deepEqual(optimizers.deserialize({ class_name: o.className, config: o.getConfig() }).getConfig(), o.getConfig(), o.className);
    }
  });

  it('reads legacy and tfjs-style entries', () => {
    const legacy = optimizers.deserialize({ class_name: 'Adam', config: { lr: 0.02, beta_1: 0.8, decay: 0, is_legacy_optimizer: false } }) as optimizers.Adam;
    assert.equal(legacy.learningRate, 0.02);
    assert.equal(legacy.beta1, 0.8);
    assert.equal(optimizers.deserialize({ class_name: 'Custom>Adam', config: {} }).className, 'Adam');
    assert.equal(optimizers.deserialize({ class_name: 'rmsprop', config: { learning_rate: 0.5 } }).learningRate, 0.5);
    assert.throws(() => optimizers.deserialize({ class_name: 'Lion', config: {} }), /unknown optimizer class 'Lion'/);
  });

  it('serializes a schedule inside the config', () => {
    const sched = new optimizers.CosineDecay({ initialLearningRate: 0, decaySteps: 10, warmupTarget: 0.1, warmupSteps: 5 });
    const cfg = new optimizers.Adam({ learningRate: sched }).getConfig();
    assert.deepEqual(cfg.learning_rate, {
      module: 'keras.optimizers.schedules', class_name: 'CosineDecay', registered_name: null,
      config: { initial_learning_rate: 0, decay_steps: 10, alpha: 0, name: 'CosineDecay', warmup_target: 0.1, warmup_steps: 5 },
    });
    const back = optimizers.deserialize({ class_name: 'Adam', config: cfg });
    assert.ok(back.learningRateSchedule instanceof optimizers.CosineDecay);
  });

  it('get resolves Keras strings and camelCase, rejects unknown names', () => {
    const expected: [string, string][] = [
      ['sgd', 'SGD'], ['adam', 'Adam'], ['rmsprop', 'RMSprop'], ['adamw', 'AdamW'], ['adamW', 'AdamW'], ['nadam', 'Nadam'],
      ['adamax', 'Adamax'], ['adagrad', 'Adagrad'], ['adadelta', 'Adadelta'], ['RMSprop', 'RMSprop'], ['SGD', 'SGD'],
    ];
    for (const [id, cls] of expected) assert.equal(optimizers.get(id).className, cls, id);
    const sgd = new optimizers.SGD();
    assert.equal(optimizers.get(sgd), sgd);
    assert.throws(() => optimizers.get('adamz'), /unknown optimizer 'adamz'. Valid names: sgd, adam, adamw, rmsprop, adagrad, adamax, nadam, adadelta/);
  });
});

// Config (de)serialization in files: Keras 2 <-> Keras 3 layouts, registered user classes, refused code and unknowns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import '../../src/ops/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { fill } from '../../src/tensor/creation.js';
import { Layer, type CallOptions } from '../../src/layers/layer.js';
import type { SymbolicShape } from '../../src/layers/symbolic.js';
import { Dense, Flatten, LeakyReLU, Input } from '../../src/layers/index.js';
import { Sequential, Model } from '../../src/models/index.js';
import { loadModel, saveModel, registerSerializable } from '../../src/saving/index.js';
import { toKeras2ModelConfig, prepareModelConfig } from '../../src/saving/serialization.js';
import { legacyOps } from '../../src/saving/legacy_h5.js';
import { writeHdf5 } from '../../src/saving/h5.js';

const dir = mkdtempSync(path.join(tmpdir(), 'layerwise-ser-'));

class ScaleBy extends Layer {
  static override readonly className = 'ScaleBy';
  factor = 2;
  constructor(args: { factor?: number; name?: string } = {}) {
    super({ name: args.name });
    this.factor = args.factor ?? 2;
  }
  override build(shape: SymbolicShape): void {
    this.addWeight({ name: 'offset', shape: [shape[shape.length - 1] as number], initializer: { apply: (s) => fill(s, 0.5, 'float32') } });
    this.built = true;
  }
  call(x: Tensor | Tensor[], _options: CallOptions): Tensor {
    return (x as Tensor).mul(this.factor).add(this.weights[0].value);
  }
  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), factor: this.factor };
  }
  static fromConfig(c: Record<string, any>): ScaleBy {
    return new ScaleBy({ factor: c.factor, name: c.name });
  }
}

test('Keras 2 form of a Keras 3 config: no module/registered_name, batch_input_shape, alpha, dtype strings, list-form nodes', () => {
  const inp = Input({ shape: [4], name: 'in' });
  const out = new LeakyReLU({ negativeSlope: 0.25, name: 'lr' }).apply(new Dense(3, { name: 'd' }).apply(inp));
  const m = new Model({ inputs: inp, outputs: out, name: 'fm' });
  const k2 = toKeras2ModelConfig(m.className, m.getConfig()) as any;
  const text = JSON.stringify(k2);
  assert.equal(k2.class_name, 'Model');
  assert.ok(!text.includes('"module"') && !text.includes('registered_name') && !text.includes('batch_shape'));
  assert.deepEqual(k2.config.layers[0].config.batch_input_shape, [null, 4]);
  assert.equal(k2.config.layers[2].config.alpha, 0.25);
  assert.deepEqual(k2.config.layers[1].inbound_nodes, [[['in', 0, 0, {}]]]);
  assert.deepEqual(k2.config.input_layers, [['in', 0, 0]]);
  const rebuilt = Model.fromConfig(prepareModelConfig(k2, 'k2').config as Record<string, any>);
  assert.deepEqual(rebuilt.layers.map((l) => l.className), ['InputLayer', 'Dense', 'LeakyReLU']);
});

test('DTypePolicy dicts, batch_shape and Keras 3 entries {module, registered_name} are read', () => {
  const cfg = { class_name: 'Sequential', config: { name: 's', layers: [
    { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [null, 5], dtype: 'float32', name: 'i' }, registered_name: null },
    { module: 'keras.layers', class_name: 'Dense', config: { name: 'd', units: 2, activation: 'relu', dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null } }, registered_name: null },
  ] } };
  const prepared = prepareModelConfig(cfg, 'cfg');
  const s = Sequential.fromConfig(prepared.config as Record<string, any>);
  assert.equal(s.layers[0].dtype, 'float32');
  assert.deepEqual(s.outputs[0].shape, [null, 2]);
});

test('a registered user layer round-trips through .keras, .h5 and tfjs; an unregistered class is refused by name', async () => {
  registerSerializable(ScaleBy);
  assert.throws(() => registerSerializable({ className: 'Odd', fromConfig: () => ({}) }), /cannot tell what kind of object Odd is/);
  const m = new Sequential([new Dense(3, { inputShape: [2] }), new ScaleBy({ factor: 3 })]);
  const x = new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2], 'float32');
  const expected = Array.from((await m.predict(x, { verbose: 0 })).dataSync());
  for (const f of ['u.keras', 'u.h5', 'u_tfjs']) {
    await saveModel(m, path.join(dir, f));
    const loaded = await loadModel(path.join(dir, f));
    assert.equal(loaded.layers[1].className, 'ScaleBy');
    assert.deepEqual(Array.from((await loaded.predict(x, { verbose: 0 })).dataSync()), expected, f);
  }
  const json = readFileSync(path.join(dir, 'u_tfjs', 'model.json'), 'utf8').replace(/"ScaleBy"/g, '"NotRegistered"');
  writeFileSync(path.join(dir, 'u_tfjs', 'model.json'), json);
  await assert.rejects(loadModel(path.join(dir, 'u_tfjs')), /Unknown layer class "NotRegistered"/);
});

test('custom activations: refused by name until registered; then the file loads and saves under the same name', async () => {
  const m = new Sequential([new Flatten({ inputShape: [2] }), new Dense(2, { activation: 'relu' })]);
  const file = path.join(dir, 'act.keras');
  await saveModel(m, file);
  const cfgFile = path.join(dir, 'act_tfjs');
  await saveModel(m, cfgFile);
  const text = readFileSync(path.join(cfgFile, 'model.json'), 'utf8').replace('"activation":"relu"', '"activation":"my_relu6"');
  writeFileSync(path.join(cfgFile, 'model.json'), text);
  await assert.rejects(loadModel(cfgFile), /custom activation "my_relu6"/);
  registerSerializable((t: Tensor) => t.clip(0, 6), { name: 'my_relu6' });
  const loaded = await loadModel(cfgFile);
  const out = await loaded.predict(new Tensor(Float32Array.from([10, -1]), [1, 2], 'float32'), { verbose: 0 });
  assert.ok(out.dataSync().every((v) => v <= 6));
  assert.equal((loaded.getConfig().layers as any[])[2].config.activation, 'my_relu6');
});

test('a training_config naming a custom loss still loads for inference: warned, left uncompiled', async () => {
  const m = new Sequential([new Dense(2, { inputShape: [3] })]);
  const ops = legacyOps({
    kerasVersion: '2.9.0',
    modelConfig: toKeras2ModelConfig(m.className, m.getConfig()),
    trainingConfig: { loss: 'my_huber_loss', metrics: ['mae'], optimizer_config: { class_name: 'SGD', config: { learning_rate: 0.01, decay: 0 } } },
    layers: m.layers,
  });
  const file = path.join(dir, 'custom_loss.h5');
  writeFileSync(file, await writeHdf5(ops));
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (msg: string) => warnings.push(msg);
  try {
    const loaded = await loadModel(file);
    assert.equal(loaded.compiled, null);
    assert.deepEqual(loaded.getWeights().map((t) => Array.from(t.dataSync())), m.getWeights().map((t) => Array.from(t.dataSync())));
  } finally {
    console.warn = warn;
  }
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /custom_loss\.h5.*without compiling.*my_huber_loss/);
});

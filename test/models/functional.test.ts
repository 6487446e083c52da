// Functional models: graphs with several inputs/outputs, shared layers, nested models, configs and cloning.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Model, Sequential, cloneModel } from '../../src/models/index.js';
import { Dense, Flatten, BatchNormalization, Input, InputLayer, Activation } from '../../src/layers/index.js';
import { tensor, ones, randomNormal } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { add } from '../../src/ops/index.js';
import { resetNameCounters } from '../../src/utils/naming.js';
import { setRandomSeed } from '../../src/random/rng.js';

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

describe('functional Model', () => {
  beforeEach(() => {
    resetNameCounters();
    setRandomSeed(7);
  });

  it('runs a graph with two inputs, two outputs and a shared layer', () => {
    const a = Input({ shape: [3] });
    const b = Input({ shape: [3] });
    const shared = new Dense(2);
    const ha = shared.apply(a);
    const hb = shared.apply(b);
    const head = new Dense(1);
    const model = new Model({ inputs: [a, b], outputs: [head.apply(ha), hb] });
    assert.equal(model.name, 'functional');
    assert.deepEqual(model.layers.map((l) => l.className), ['InputLayer', 'InputLayer', 'Dense', 'Dense']);
    assert.equal(model.weights.length, 4);
    const xa = tensor([[1, 2, 3]]);
    const xb = tensor([[0, -1, 2]]);
    const [y1, y2] = model.predictOnBatch([xa, xb]) as unknown as Tensor[];
    assert.deepEqual(values(y2), values(shared.apply(xb)));
    assert.deepEqual(values(y1), values(head.apply(shared.apply(xa))));
    assert.match(model.summary(() => {}), /dense \(Dense\)\s+multiple\s+8/);
  });

  it('uses a model as a layer inside another model', () => {
    const inner = new Sequential([new Dense(4, { inputShape: [3], activation: 'relu' }), new Dense(2)]);
    const x = Input({ shape: [3] });
    const y = new Activation('softmax').apply(inner.apply(x));
    const outer = new Model({ inputs: x, outputs: y });
    assert.equal(outer.countParams(), inner.countParams());
    assert.equal(outer.weights[0], inner.weights[0]);
    const data = tensor([[1, 0, 2], [3, 1, -1]]);
    const got = outer.predictOnBatch(data);
    assert.deepEqual(got.shape, [2, 2]);
    const expected = inner.predictOnBatch(data).softmax();
    values(got).forEach((v, i) => assert.ok(Math.abs(v - values(expected)[i]) < 1e-6));
    assert.match(outer.summary(() => {}), /sequential \(Sequential\)\s+\(None, 2\)\s+26/);
  });

  it('reports a disconnected graph clearly', () => {
    const a = Input({ shape: [2] });
    const b = Input({ shape: [2] });
    const y = new Dense(1).apply(b);
    assert.throws(() => new Model({ inputs: a, outputs: y }), /graph disconnected.*input_layer_1/);
  });

  it('round-trips a functional config (Keras 3 layout) and reads the Keras 2 layout', () => {
    const x = Input({ shape: [4], name: 'in' });
    const h = new Dense(3, { name: 'h' }).apply(x);
    const model = new Model({ inputs: x, outputs: new Dense(1, { name: 'out' }).apply(h), name: 'net' });
    const config = model.getConfig() as any;
    assert.deepEqual(config.input_layers, [['in', 0, 0]]);
    assert.deepEqual(config.output_layers, [['out', 0, 0]]);
    const dense = config.layers[1];
    assert.equal(dense.class_name, 'Dense');
    assert.equal(dense.module, 'keras.layers');
    assert.deepEqual(dense.build_config, { input_shape: [null, 4] });
    assert.deepEqual(dense.inbound_nodes[0].args[0].config.keras_history, ['in', 0, 0]);
    const back = Model.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.deepEqual(back.layers.map((l) => l.name), ['in', 'h', 'out']);
    assert.equal(back.countParams(), model.countParams());
    back.setWeights(model.getWeights());
    const data = randomNormal([5, 4]);
    assert.deepEqual(values(back.predictOnBatch(data)), values(model.predictOnBatch(data)));
    // Keras 2 (tf.keras) layout
    const k2 = {
      name: 'k2', layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'input_1' }, name: 'input_1', inbound_nodes: [] },
        { class_name: 'Dense', config: { name: 'd', units: 2, activation: 'relu' }, name: 'd', inbound_nodes: [[['input_1', 0, 0, {}]]] },
      ],
      input_layers: [['input_1', 0, 0]], output_layers: [['d', 0, 0]],
    };
    const m2 = Model.fromConfig(k2);
    assert.deepEqual(m2.predictOnBatch(ones([1, 4])).shape, [1, 2]);
  });

  it('round-trips a Sequential config with the InputLayer first (Keras 3)', () => {
    const model = new Sequential([new Flatten({ inputShape: [2, 2] }), new BatchNormalization(), new Dense(3, { activation: 'relu' })], { name: 'seq' });
    const config = model.getConfig() as any;
    assert.equal(config.name, 'seq');
    assert.deepEqual(config.layers.map((l: any) => l.class_name), ['InputLayer', 'Flatten', 'BatchNormalization', 'Dense']);
    assert.deepEqual(config.layers[0].config.batch_shape, [null, 2, 2]);
    assert.deepEqual(config.layers[3].build_config, { input_shape: [null, 4] });
    assert.deepEqual(config.build_input_shape, [null, 2, 2]);
    const back = Sequential.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.equal(back.layers.length, 3);
    assert.equal(back.countParams(), model.countParams());
    // Keras 2: batch_input_shape in the first layer, no InputLayer entry
    const k2 = Sequential.fromConfig({ name: 'old', layers: [{ class_name: 'Dense', config: { name: 'x', units: 2, batch_input_shape: [null, 5] } }] });
    assert.ok(k2.built);
    assert.equal(k2.countParams(), 12);
    assert.throws(() => Sequential.fromConfig({ layers: [{ class_name: 'NoSuchLayer', config: {} }] }), /Unknown layer class "NoSuchLayer"/);
  });

  it('cloneModel: same architecture, new layers and weights; setWeights gives identical predictions, then independence', () => {
    const a = new Sequential([new Flatten({ inputShape: [2, 3] }), new Dense(4, { activation: 'relu' }), new BatchNormalization(), new Dense(2)]);
    const clone = cloneModel(a);
    assert.notEqual(clone, a);
    assert.equal(clone.layers.length, a.layers.length);
    clone.layers.forEach((l, i) => {
      assert.notEqual(l, a.layers[i]);
      assert.equal(l.className, a.layers[i].className);
    });
    assert.notDeepEqual(values(clone.getWeights()[0]), values(a.getWeights()[0]));
    clone.setWeights(a.getWeights());
    const x = randomNormal([3, 2, 3]);
    assert.deepEqual(values(clone.predictOnBatch(x)), values(a.predictOnBatch(x)));
    clone.layers[1].setWeights(clone.layers[1].getWeights().map((w) => add(w, 1)));
    assert.notDeepEqual(values(clone.predictOnBatch(x)), values(a.predictOnBatch(x)));

    const inp = Input({ shape: [3] });
    const shared = new Dense(3);
    const f = new Model({ inputs: inp, outputs: shared.apply(shared.apply(inp)) });
    const fc = cloneModel(f);
    assert.ok(fc.layers[0] instanceof InputLayer);
    assert.equal(fc.layers.length, 2);
    assert.notEqual(fc.layers[1], shared);
    fc.setWeights(f.getWeights());
    const d = randomNormal([2, 3]);
    assert.deepEqual(values(fc.predictOnBatch(d)), values(f.predictOnBatch(d)));
  });
});

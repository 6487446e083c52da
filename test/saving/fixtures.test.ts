// Real Keras files (tf.keras 2.2.4..2.15, Keras 3.8): loadModel opens each; outputs and accuracy match the NumPy goldens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import '../../src/ops/index.js';
// The fast backend when its addon is built (evaluate runs 8,000-10,000 images per fixture).
import '../../src/backend/native.js';
import { loadModel, registerSerializable } from '../../src/saving/index.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { softplus } from '../../src/ops/index.js';
import { readHdf5, readDataset } from '../../src/saving/h5.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { FIXTURES, haveFashion, regX, taskData, type TaskData } from './fashion.js';

interface Entry {
  file: string;
  task: string;
  test_accuracy_x_over_255: number | null;
  golden_outputs_first5: number[][];
}

const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8')) as { models: Entry[] };
const tasks = new Map<string, TaskData>();
const dataFor = (task: string): TaskData => {
  if (!tasks.has(task)) tasks.set(task, taskData(task));
  return tasks.get(task)!;
};

function firstRows(x: Tensor, n: number): Tensor {
  const per = x.shape.slice(1).reduce((a, b) => a * b, 1);
  return new Tensor((x.data as Float32Array).slice(0, n * per), [n, ...x.shape.slice(1)], 'float32');
}

function assertClose(actual: Tensor, golden: number[][], tol: number, what: string): void {
  assert.deepEqual(actual.shape, [golden.length, golden[0].length], `${what}: output shape`);
  const a = actual.dataSync();
  golden.flat().forEach((g, i) => assert.ok(Math.abs(a[i] - g) <= tol, `${what}: output ${i} is ${a[i]}, golden ${g}`));
}

for (const entry of expected.models) {
  const custom = entry.file.includes('many_custom_parts');
  test(`fixture ${entry.file}`, { skip: entry.task !== 'REG8' && !haveFashion() ? 'Fashion-MNIST test set not in data/' : false }, async () => {
    const file = path.join(FIXTURES, entry.file);
    if (custom) {
      await assert.rejects(loadModel(file), /custom activation "my_softplus"/);
      registerSerializable((x: Tensor) => softplus(x), { name: 'my_softplus' });
      // The activation is now known; the next custom object is what the error names.
      await assert.rejects(loadModel(file), /my_glorot_initializer/);
      return;
    }
    const model = await loadModel(file);
    if (entry.task === 'REG8') {
      assertClose(await model.predict(regX(), { verbose: 0 }), entry.golden_outputs_first5, 1e-5, entry.file);
      return;
    }
    const data = dataFor(entry.task);
    assertClose(await model.predict(firstRows(data.x, 5), { verbose: 0 }), entry.golden_outputs_first5, 1e-5, entry.file);
    assert.ok(model.compiled, `${entry.file}: compiled from its training config`);
    const [, accuracy] = await model.evaluate(data.x, data.y, { batchSize: 1000, verbose: 0 });
    assert.ok(Math.abs(accuracy - entry.test_accuracy_x_over_255!) <= 1.5 / data.count, `${entry.file}: accuracy ${accuracy}, expected ${entry.test_accuracy_x_over_255}`);
  });
}

test('tf.keras 2 optimizer weights (SGD/iter:0, SGD/<layer>/<weight>/momentum:0) are restored by name', async () => {
  const file = path.join(FIXTURES, 'TeguhPermana666__Train_DNN__droput_alpha.h5');
  const model = await loadModel(file);
  const root = await readHdf5(new Uint8Array(readFileSync(file)), file);
  const iter = readDataset(root, 'optimizer_weights/SGD/iter:0', file);
  const opt = model.optimizer as Optimizer;
  assert.equal(opt.iterations, Number(iter.data[0]));
  assert.ok(opt.iterations > 0);
  const kernel = model.layers.find((l) => l.name === 'dense_11')!.weights[0];
  const stored = readDataset(root, 'optimizer_weights/SGD/dense_11/kernel/momentum:0', file);
  assert.deepEqual(Array.from(opt.slotsOf(kernel)![0].read().dataSync()), Array.from(stored.data as Float32Array));
});

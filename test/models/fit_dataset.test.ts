// fit / evaluate / predict on a Dataset or an async iterable: same numbers as tensors, Keras step semantics, clear errors.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequential } from '../../src/models/index.js';
import { Dense, Dropout } from '../../src/layers/index.js';
import { LambdaCallback } from '../../src/callbacks/lambda.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { Dataset } from '../../src/data/index.js';
import { BackupAndRestore } from '../../src/callbacks/backup_and_restore.js';
import { ProgbarLogger } from '../../src/callbacks/progbar.js';

function setup(): { x: Tensor; y: Tensor; model: Sequential } {
  setRandomSeed(5);
  const x = randomNormal([40, 3]);
  const y = tensor((x.array() as number[][]).map((r) => (r[0] > r[1] ? 1 : 0)), [40], 'int32');
  const model = new Sequential([new Dense(8, { inputShape: [3], activation: 'relu' }), new Dense(2, { activation: 'softmax' })]);
  model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  return { x, y, model };
}
const weights = (m: Sequential): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));

describe('fit on a Dataset', () => {
  it('trains bit-identically to the same batches given as tensors; evaluate and predict agree too', async () => {
    const a = setup();
    const ha = await a.model.fit(a.x, a.y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0, validationData: [a.x, a.y] });
    const b = setup();
    const ds = Dataset.fromTensors([b.x, b.y]).batch(16);
    const hb = await b.model.fit(ds, { epochs: 2, verbose: 0, validationData: ds });
    assert.deepEqual(weights(b.model), weights(a.model));
    assert.deepEqual(hb.history, ha.history);
    assert.deepEqual(await b.model.evaluate(ds, { verbose: 0 }), await a.model.evaluate(a.x, a.y, { batchSize: 16, verbose: 0 }));
    const pa = await a.model.predict(a.x, { verbose: 0, batchSize: 16 });
    const pb = await b.model.predict(Dataset.fromTensors(b.x).batch(16), { verbose: 0 });
    assert.deepEqual(Array.from(pb.dataSync()), Array.from(pa.dataSync()));
    // validationSteps: only the first batches of the validation stream
    const first = await b.model.evaluate(ds.take(1), { verbose: 0 });
    const hv = await b.model.fit(ds, { epochs: 1, verbose: 0, validationData: ds, validationSteps: 1 });
    const after = await b.model.evaluate(ds.take(1), { verbose: 0 });
    assert.notDeepEqual(after, first);
    assert.equal(hv.history.val_loss[0], after[0]);
        // predict takes the x of [x, y] batches too
    assert.deepEqual((await b.model.predict(ds, { verbose: 0 })).shape, [40, 2]);
  });

  it('takes an async iterable with stepsPerEpoch, and stops with a warning when it runs out', async () => {
    const { x, y, model } = setup();
    let served = 0;
    async function* batches(): AsyncGenerator<[Tensor, Tensor]> {
      for (let i = 0; i < 5; i++) {
        served++;
        yield [x, y];
      }
    }
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      const h = await model.fit(batches(), { epochs: 3, stepsPerEpoch: 2, verbose: 0 });
      assert.equal(h.history.loss.length, 3, 'the iterator continues across epochs (2 + 2 + 1 batches)');
      assert.equal(served, 5);
      assert.match(warnings.join('\n'), /ran out of data after 1 batches of epoch 3/);
    } finally {
      console.warn = warn;
    }
  });

  it('shows an unknown total on the first epoch of a stream without a length, the count afterwards', async () => {
    const { x, y, model } = setup();
    let text = '';
    const ds = Dataset.fromGenerator(function* () {
      for (let i = 0; i < 3; i++) yield [x, y] as [Tensor, Tensor];
    });
    await model.fit(ds, { epochs: 2, verbose: 1, callbacks: [new ProgbarLogger({ stream: { write: (s: string) => (text += s) } })] });
    assert.match(text, /Epoch 1\/2\n {6}3\/Unknown - \d+s/);
    assert.match(text, /Epoch 2\/2\n3\/3 \[=+\]/);
  });
});

describe('BackupAndRestore resume points (in process)', () => {
  for (const [label, crashAt] of [['an epoch boundary', { epoch: 1, batch: 0 }], ['mid-epoch', { epoch: 1, batch: 2 }]] as const) {
    it(`a crashed tensor fit with dropout resumes from ${label} bit-identically`, async () => {
      const build = (): Sequential => {
        setRandomSeed(9);
        // One dropout on the global generator, one with its own seed (a private generator the backup must keep too).
        const m = new Sequential([new Dense(8, { inputShape: [3], activation: 'relu' }), new Dropout(0.4), new Dropout({ rate: 0.3, seed: 17 }), new Dense(2, { activation: 'softmax' })]);
        m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
        return m;
      };
      const { x, y } = setup();
      const ref = build();
      await ref.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
      const dir = mkdtempSync(join(tmpdir(), 'lw-resume-'));
      try {
        const crash = new LambdaCallback({ onBatchBegin: (b) => { if (b === crashAt.batch && epoch === crashAt.epoch) throw new Error('crash'); } });
        let epoch = 0;
        const track = new LambdaCallback({ onEpochBegin: (e) => void (epoch = e) });
        await assert.rejects(build().fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [new BackupAndRestore(dir, { saveFreq: 2 }), track, crash] }), /crash/);
        const again = build();
        await again.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: [new BackupAndRestore(dir, { saveFreq: 2 })] });
        assert.deepEqual(weights(again), weights(ref));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('fit on a stream: errors', () => {
  it('a generator that throws stops fit naming the batch; the model and the last backup are intact', async () => {
    const { x, y, model } = setup();
    const dir = mkdtempSync(join(tmpdir(), 'lw-fit-err-'));
    try {
      const ds = Dataset.fromGenerator(function* () {
        for (let i = 0; i < 3; i++) yield [x, y] as [Tensor, Tensor];
        throw new Error('disk on fire');
      });
      await assert.rejects(model.fit(ds, { epochs: 1, verbose: 0, callbacks: [new BackupAndRestore(dir, { saveFreq: 1 })] }),
        /fit: the data source failed at batch 3 \(epoch 1\): disk on fire/);
      const backup = JSON.parse(readFileSync(join(dir, 'backup.json'), 'utf8'));
      assert.equal(backup.resume.step, 3);
      const ref = setup();
      await ref.model.fit(Dataset.fromGenerator(() => [[ref.x, ref.y], [ref.x, ref.y], [ref.x, ref.y]] as [Tensor, Tensor][]), { epochs: 1, verbose: 0 });
      assert.deepEqual(weights(model), weights(ref.model), 'the weights are those after the 3 good batches');
      assert.ok(existsSync(join(dir, 'backup.json')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a batch of the wrong shape or dtype names the batch, the expected and the received shape', async () => {
    const { x, y, model } = setup();
    const bad = (third: [Tensor, Tensor]): Dataset => Dataset.fromGenerator(() => [[x, y], [x, y], third] as [Tensor, Tensor][]);
    await assert.rejects(model.fit(bad([randomNormal([40, 5]), y]), { verbose: 0 }), (e: Error) => {
      assert.match(e.message, /^fit: batch 2 \(epoch 1\): /);
      assert.match(e.message, /\[40, 5\]/);
      assert.match(e.message, /3/);
      return true;
    });
    await assert.rejects(model.fit(bad([x, tensor(new Array(80).fill(0), [40, 2], 'int32')]), { verbose: 0 }),
      /fit: batch 2 \(epoch 1\): y expected shape \[None\] int32 \(like the first batch\), received shape \[40, 2\] int32/);
    await assert.rejects(model.fit(bad([x, tensor(new Array(40).fill(0), [40], 'float32')]), { verbose: 0 }),
      /fit: batch 2 \(epoch 1\): y expected shape \[None\] int32 \(like the first batch\), received shape \[40\] float32/);
    await assert.rejects(model.fit(Dataset.fromGenerator(() => [x]), { verbose: 0 }),
      /fit: batch 0 \(epoch 1\): expected an \[x, y\] or \[x, y, sampleWeight\] batch, received a single tensor of shape \[40, 3\]/);
  });
});

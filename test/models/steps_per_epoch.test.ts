// stepsPerEpoch / validationSteps / steps with in-memory tensors, as Keras' array adapter and EpochIterator.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { LambdaCallback } from '../../src/callbacks/lambda.js';
import { tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { BackupAndRestore } from '../../src/callbacks/backup_and_restore.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** 40 samples whose single feature is the row index, so a batch's first value names the batch. */
function setup(): { x: Tensor; y: Tensor; model: Sequential } {
  setRandomSeed(2);
  const x = tensor(Array.from({ length: 40 }, (_, i) => [i]), [40, 1], 'float32');
  const y = tensor(Array.from({ length: 40 }, (_, i) => i % 2), [40], 'int32');
  const model = new Sequential([new Dense(2, { inputShape: [1], activation: 'softmax' })]);
  model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
  return { x, y, model };
}

async function withWarnings<T>(f: () => Promise<T>): Promise<{ result: T; warnings: string[] }> {
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (m: string) => warnings.push(m);
  try {
    return { result: await f(), warnings };
  } finally {
    console.warn = warn;
  }
}

describe('stepsPerEpoch with in-memory tensors (Keras array adapter)', () => {
  it('draws stepsPerEpoch batches per epoch, continuing through the data; an epoch that reaches the end stops there with a warning and the next starts a new pass', async () => {
    const { x, y, model } = setup();
    const firsts: number[][] = [];
    const log = new LambdaCallback({
      onEpochBegin: () => void firsts.push([]),
      onBatchEnd: () => void firsts[firsts.length - 1].push(model.lastTrainBatch!.xs[0].dataSync()[0]),
    });
    const { result: h, warnings } = await withWarnings(() => model.fit(x, y, { epochs: 4, batchSize: 8, stepsPerEpoch: 3, shuffle: false, verbose: 0, callbacks: [log] }));
    // 5 batches per pass: 3, then the 2 left (Keras' EpochIterator breaks when steps_seen reaches num_batches), then a new pass.
    assert.deepEqual(firsts, [[0, 8, 16], [24, 32], [0, 8, 16], [24, 32]]);
    assert.equal(h.history.loss.length, 4, 'training continues after a short epoch (Keras 3 only warns)');
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /ran out of data after 2 batches of this epoch/);
  });

  it('derives the batch size from stepsPerEpoch when batchSize is not given (ceil(samples / steps))', async () => {
    const { x, y, model } = setup();
    const sizes: number[] = [];
    const log = new LambdaCallback({ onBatchBegin: (_b, logs) => void sizes.push(logs.size) });
    await model.fit(x, y, { epochs: 2, stepsPerEpoch: 3, verbose: 0, callbacks: [log] });
    assert.deepEqual(sizes, [14, 14, 12, 14, 14, 12]);
  });

  it('shuffles each new pass, not each epoch', async () => {
    const { x, y, model } = setup();
    const seen: number[][] = [];
    const log = new LambdaCallback({
      onEpochBegin: () => void seen.push([]),
      onBatchEnd: () => void seen[seen.length - 1].push(...model.lastTrainBatch!.xs[0].dataSync()),
    });
    await model.fit(x, y, { epochs: 4, batchSize: 10, stepsPerEpoch: 2, verbose: 0, callbacks: [log] });
    const pass = (a: number[], b: number[]): number[] => [...a, ...b].sort((p, q) => p - q);
    const all = Array.from({ length: 40 }, (_, i) => i);
    assert.deepEqual(pass(seen[0], seen[1]), all, 'epochs 1 and 2 share one pass over every sample');
    assert.deepEqual(pass(seen[2], seen[3]), all);
    assert.notDeepEqual([...seen[0], ...seen[1]], [...seen[2], ...seen[3]], 'the second pass is a new shuffle');
  });

  it('evaluate and predict take steps; validationSteps limits validation', async () => {
    const { x, y, model } = setup();
    const first16 = await model.evaluate(tensor(Array.from({ length: 16 }, (_, i) => [i]), [16, 1], 'float32'), tensor(Array.from({ length: 16 }, (_, i) => i % 2), [16], 'int32'), { batchSize: 8, verbose: 0 });
    assert.deepEqual(await model.evaluate(x, y, { batchSize: 8, steps: 2, verbose: 0 }), first16);
    const p = (await model.predict(x, { batchSize: 8, steps: 3, verbose: 0 })) as Tensor;
    assert.deepEqual(p.shape, [24, 2]);
    const h = await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, validationData: [x, y], validationSteps: 2, shuffle: false });
    const ref = await model.evaluate(tensor(Array.from({ length: 16 }, (_, i) => [i]), [16, 1], 'float32'), tensor(Array.from({ length: 16 }, (_, i) => i % 2), [16], 'int32'), { batchSize: 8, verbose: 0 });
    assert.equal(h.history.val_loss[0], ref[0]);
  });

  for (const at of [{ epoch: 1, batch: 0 }, { epoch: 0, batch: null }] as const) {
    it(`resumes exactly from a backup ${at.batch === null ? 'after epoch 1 (the pass carries into epoch 2)' : 'mid-epoch 2 (a pass drawn in epoch 1)'}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lw-steps-'));
      try {
        const args = { epochs: 4, batchSize: 8, stepsPerEpoch: 3, verbose: 0 };
        const ref = setup();
        await withWarnings(() => ref.model.fit(ref.x, ref.y, args));
        const run = setup();
        const stop = new AbortController();
        let epoch = 0;
        const abort = new LambdaCallback({
          onEpochBegin: (e) => void (epoch = e),
          onBatchEnd: (b) => { if (epoch === at.epoch && b === at.batch) stop.abort(); },
          onEpochEnd: (e) => { if (e === at.epoch && at.batch === null) stop.abort(); },
        });
        await withWarnings(() => run.model.fit(run.x, run.y, { ...args, signal: stop.signal, callbacks: [new BackupAndRestore(dir, { saveFreq: 1 }), abort] }));
        assert.ok(existsSync(join(dir, 'backup.json')), 'an aborted fit keeps its backup');
        const resumed = setup();
        setRandomSeed(77); // the generator's state must come from the backup
        await withWarnings(() => resumed.model.fit(resumed.x, resumed.y, { ...args, callbacks: [new BackupAndRestore(dir)] }));
        const bits = (m: Sequential): number[][] => m.getWeights().map((w) => Array.from(w.dataSync()));
        assert.deepEqual(bits(resumed.model), bits(ref.model));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('rejects a stepsPerEpoch that is not a positive integer', async () => {
    const { x, y, model } = setup();
    await assert.rejects(model.fit(x, y, { stepsPerEpoch: 0, verbose: 0 }), /fit: stepsPerEpoch must be a positive integer, received 0/);
  });
});

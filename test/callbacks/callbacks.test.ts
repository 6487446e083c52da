// EarlyStopping, ModelCheckpoint, LR schedulers, TerminateOnNaN, CSVLogger, BackupAndRestore.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { SGD } from '../../src/optimizers/index.js';
import { randomNormal, tensor, ones } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import {
  BackupAndRestore, CSVLogger, EarlyStopping, LambdaCallback, LearningRateScheduler, ModelCheckpoint,
  ReduceLROnPlateau, TerminateOnNaN,
} from '../../src/callbacks/index.js';
import { formatFilepath } from '../../src/callbacks/checkpoint.js';

function model(lr = 0.01): Sequential {
  const m = new Sequential([new Dense(1, { inputShape: [3] })]);
  m.compile({ optimizer: new SGD({ learningRate: lr }), loss: 'mse' });
  return m;
}

function flat(m: Sequential): number[] {
  return m.getWeights().flatMap((w: Tensor) => Array.from(w.dataSync()));
}

describe('callbacks', () => {
  beforeEach(() => setRandomSeed(5));
  const x = () => randomNormal([16, 3]);
  const y = () => randomNormal([16, 1]);

  it('EarlyStopping stops after `patience` epochs without improvement and restores the best weights', async () => {
    const m = model();
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    es.setModel(m);
    es.onTrainBegin();
    const snapshots: number[][] = [];
    [1.0, 0.5, 0.6, 0.7].forEach((v, epoch) => {
      m.setWeights(m.getWeights().map((w) => ones(w.shape).mul(epoch)));
      snapshots.push(flat(m));
      if (!m.stopTraining) es.onEpochEnd(epoch, { val_loss: v });
    });
    assert.equal(m.stopTraining, true);
    assert.equal(es.stoppedEpoch, 3);
    assert.equal(es.best, 0.5);
    es.onTrainEnd();
    assert.deepEqual(flat(m), snapshots[1]);
    // inside fit: a constant val_loss (learning rate 0) stops after patience + 1 epochs
    const frozen = model(0);
    const h = await frozen.fit(x(), y(), { epochs: 20, validationData: [x(), y()], verbose: 0, callbacks: [new EarlyStopping({ patience: 1 })] });
    assert.equal(h.history.loss.length, 2);
    // minDelta: an improvement smaller than minDelta does not count
    const es2 = new EarlyStopping({ monitor: 'loss', patience: 1, minDelta: 0.1 });
    es2.setModel(m);
    m.stopTraining = false;
    es2.onTrainBegin();
    es2.onEpochEnd(0, { loss: 1 });
    es2.onEpochEnd(1, { loss: 0.95 });
    assert.equal(m.stopTraining, true);
  });

  it('ModelCheckpoint formats the path and saves only improvements with saveBestOnly', async () => {
    assert.equal(formatFilepath('ckpt_{epoch:02d}_{val_loss:.2f}.keras', 3, { val_loss: 0.12345 }), 'ckpt_03_0.12.keras');
    const m = model();
    const saved: string[] = [];
    (m as unknown as { save: (p: string) => Promise<void> }).save = async (p: string) => { saved.push(p); };
    const cb = new ModelCheckpoint('best_{epoch}.keras', { monitor: 'loss', saveBestOnly: true });
    cb.setModel(m);
    for (const [epoch, loss] of [[0, 1], [1, 0.8], [2, 0.9], [3, 0.7]]) await cb.onEpochEnd(epoch, { loss });
    assert.deepEqual(saved, ['best_1.keras', 'best_2.keras', 'best_4.keras']);
    const bare = model();
    const every = new ModelCheckpoint('m.keras');
    every.setModel(bare);
    await assert.rejects(Promise.resolve(every.onEpochEnd(0, { val_loss: 1 })), /model.save\(\): no saving implementation is registered/);
  });

  it('LearningRateScheduler sets the rate each epoch and logs learning_rate', async () => {
    const m = model(0.01);
    const seen: number[] = [];
    const sched = new LearningRateScheduler((epoch, lr) => { seen.push(epoch); return epoch === 0 ? lr : lr * 0.5; });
    const h = await m.fit(x(), y(), { epochs: 3, verbose: 0, callbacks: [sched] });
    assert.deepEqual(seen, [0, 1, 2]);
    assert.deepEqual(h.history.learning_rate.map((v) => Number(v.toPrecision(6))), [0.01, 0.005, 0.0025]);
    assert.ok(Math.abs((m.optimizer!.learningRate) - 0.0025) < 1e-9);
  });

  it('ReduceLROnPlateau multiplies the rate by factor after patience epochs on a plateau', () => {
    const m = model(0.1);
    const cb = new ReduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2, minLr: 0.03 });
    cb.setModel(m);
    cb.onTrainBegin();
    const logs = [1, 1, 1, 1, 1, 1].map((v, epoch) => {
      const l: Record<string, number> = { val_loss: v };
      cb.onEpochEnd(epoch, l);
      return l.learning_rate;
    });
    assert.deepEqual(logs.map((v) => Number(v.toPrecision(6))), [0.1, 0.1, 0.1, 0.05, 0.05, 0.03]);
    assert.throws(() => new ReduceLROnPlateau({ factor: 1 }), /factor >= 1/);
  });

  it('TerminateOnNaN stops training on a NaN loss (the epoch is still logged)', async () => {
    const m = model();
    const lines: string[] = [];
    const xs = tensor([[NaN, 1, 2], [0, 1, 2], [1, 1, 1], [2, 2, 2]]);
    const h = await m.fit(xs, ones([4, 1]), { epochs: 5, batchSize: 2, shuffle: false, verbose: 0, callbacks: [new TerminateOnNaN((l) => lines.push(l))] });
    assert.deepEqual(lines, ['Batch 0: Invalid loss, terminating training']);
    assert.equal(h.history.loss.length, 1);
    assert.ok(Number.isNaN(h.history.loss[0]));
    assert.equal(m.stopTraining, true);
  });

  it('CSVLogger writes a header and one row per epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-csv-'));
    try {
      const file = join(dir, 'log.csv');
      const h = await model().fit(x(), y(), { epochs: 2, validationData: [x(), y()], verbose: 0, callbacks: [new CSVLogger(file)] });
      const rows = readFileSync(file, 'utf8').trim().split('\n');
      assert.deepEqual(rows, [
        'epoch,loss,val_loss',
        `0,${h.history.loss[0]},${h.history.val_loss[0]}`,
        `1,${h.history.loss[1]},${h.history.val_loss[1]}`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('BackupAndRestore resumes an interrupted fit from its last completed epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-backup-'));
    try {
      const xs = x();
      const ys = y();
      const m = model();
      const controller = new AbortController();
      const stopper = new LambdaCallback({ onEpochEnd: (epoch) => { if (epoch === 1) controller.abort(); } });
      const first = await m.fit(xs, ys, { epochs: 4, batchSize: 8, verbose: 0, signal: controller.signal, callbacks: [new BackupAndRestore(dir), stopper] });
      assert.equal(first.history.loss.length, 2);
      assert.ok(existsSync(join(dir, 'backup.json')));
      const afterTwo = flat(m);
      const iterations = (m.optimizer as unknown as { iterations: number }).iterations;
      assert.equal(iterations, 4);

      // a fresh process would rebuild the model: same architecture, new weights and optimizer
      const resumed = model();
      const epochs: number[] = [];
      let restored: number[] = [];
      const probe = new LambdaCallback({ onEpochBegin: (e) => { if (epochs.length === 0) restored = flat(resumed); epochs.push(e); } });
      const second = await resumed.fit(xs, ys, { epochs: 4, batchSize: 8, verbose: 0, callbacks: [new BackupAndRestore(dir), probe] });
      assert.deepEqual(epochs, [2, 3]);
      assert.deepEqual(restored, afterTwo);
      assert.deepEqual(second.epoch, [2, 3]);
      assert.equal((resumed.optimizer as unknown as { iterations: number }).iterations, 8);
      assert.ok(!existsSync(join(dir, 'backup.json')), 'the backup is deleted once fit completes');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

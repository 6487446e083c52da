// ModelCheckpoint({ saveTrainingState }) + ResumeFromCheckpoint: a fit resumed from an epoch's checkpoint ends as the uninterrupted fit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequential } from '../../src/models/index.js';
import { Dense, Dropout } from '../../src/layers/index.js';
import { randomNormal, tensor } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { Dataset } from '../../src/data/index.js';
import { ModelCheckpoint, ResumeFromCheckpoint } from '../../src/callbacks/index.js';

function data(): { x: Tensor; y: Tensor } {
  setRandomSeed(11);
  const x = randomNormal([96, 5]);
  const y = tensor((x.array() as number[][]).map((r) => (r[0] + r[1] > 0 ? 1 : r[2] > 0.3 ? 2 : 0)), [96], 'int32');
  return { x, y };
}

/** A model whose weights, optimizer moments, dropout masks and the feed's shuffle all matter for the result. */
function build(seed: number): Sequential {
  setRandomSeed(seed);
  const m = new Sequential([new Dense(12, { inputShape: [5], activation: 'relu' }), new Dropout(0.25), new Dense(3, { activation: 'softmax' })]);
  m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'] });
  // The state file is what resuming needs; the model file itself goes through src/saving (not under test here).
  (m as unknown as { save: (p: string) => Promise<void> }).save = async () => undefined;
  return m;
}

const bits = (m: Sequential): string[] => m.getWeights().map((w) => Buffer.from(Float64Array.from(w.dataSync()).buffer).toString('base64'));

describe('ModelCheckpoint with saveTrainingState', () => {
  for (const kind of ['tensors', 'dataset'] as const) {
    it(`resumes exactly from an epoch's checkpoint (${kind})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lw-ckpt-'));
      try {
        const { x, y } = data();
        const fit = (m: Sequential, args: Parameters<Sequential['fit']>[2]) => (kind === 'tensors'
          ? m.fit(x, y, { batchSize: 16, ...args })
          : m.fit(Dataset.fromTensors([x, y]).shuffle(96, { seed: 4 }).batch(16), args));
        const a = build(3);
        const path = join(dir, 'ckpt_{epoch:02d}.keras');
        const ha = await fit(a, { epochs: 5, verbose: 0, callbacks: [new ModelCheckpoint(path, { monitor: 'loss', saveTrainingState: true })] });
        const state = join(dir, 'ckpt_02.keras.state.json');
        assert.ok(existsSync(state), 'a state file beside each checkpoint');

        // Another seed and other initial weights: everything that matters must come from the checkpoint.
        const b = build(99);
        const hb = await fit(b, { epochs: 5, verbose: 0, callbacks: [new ResumeFromCheckpoint(join(dir, 'ckpt_02.keras'))] });
        assert.deepEqual(bits(b), bits(a), 'weights after resuming from epoch 2 equal the uninterrupted fit');
        assert.deepEqual(hb.epoch, [2, 3, 4]);
        assert.deepEqual(hb.history.loss, ha.history.loss.slice(2));
        assert.deepEqual(hb.history.accuracy, ha.history.accuracy.slice(2));

        // Control: the checkpoint's weights alone (a fresh optimizer and generator) do not give the same result.
        const holder = build(99);
        const restore = new ResumeFromCheckpoint(state);
        restore.setModel(holder);
        restore.onTrainBegin();
        const weightsOnly = build(5);
        weightsOnly.setWeights(holder.getWeights());
        await fit(weightsOnly, { epochs: 5, initialEpoch: 2, verbose: 0 });
        assert.notDeepEqual(bits(weightsOnly), bits(a), 'without the training state the resumed fit differs');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('names a missing state file', () => {
    assert.throws(() => new ResumeFromCheckpoint('/nonexistent/ckpt.keras'), /no training state at \/nonexistent\/ckpt\.keras\.state\.json/);
  });
});

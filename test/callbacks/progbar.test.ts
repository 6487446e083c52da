// ProgbarLogger / Progbar: Keras' exact line format, captured from an injected stream and clock.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Sequential } from '../../src/models/index.js';
import { Dense } from '../../src/layers/index.js';
import { SGD } from '../../src/optimizers/index.js';
import { randomNormal } from '../../src/tensor/creation.js';
import { setRandomSeed } from '../../src/random/rng.js';
import { Progbar, ProgbarLogger, formatValue, type OutputStream } from '../../src/callbacks/index.js';

function capture(isTTY: boolean): OutputStream & { text: string } {
  const s = { text: '', isTTY, write(chunk: string) { s.text += chunk; return true; } };
  return s;
}

/** A clock advancing one second per reading. */
function ticking(): () => number {
  let t = 0;
  return () => t++;
}

function model(): Sequential {
  const m = new Sequential([new Dense(1, { inputShape: [3] })]);
  m.compile({ optimizer: new SGD({ learningRate: 0.01 }), loss: 'mse' });
  return m;
}

describe('progress bar', () => {
  beforeEach(() => setRandomSeed(3));

  it('formats values like Keras (4 decimals, or 4-digit scientific below 1e-3)', () => {
    assert.equal(formatValue(0.49213), '0.4921');
    assert.equal(formatValue(12.5), '12.5000');
    assert.equal(formatValue(0.0001234), '1.2340e-04');
    assert.equal(formatValue(0), '0.0000e+00');
    assert.equal(formatValue(NaN), 'nan');
  });

  it('prints one line per epoch on a non-TTY stream, with the Epoch header', async () => {
    const stream = capture(false);
    const x = randomNormal([12, 3]);
    const y = randomNormal([12, 1]);
    const xv = randomNormal([4, 3]);
    const yv = randomNormal([4, 1]);
    const h = await model().fit(x, y, {
      epochs: 2, batchSize: 4, validationData: [xv, yv], verbose: 1,
      callbacks: [new ProgbarLogger({ stream, now: ticking() })],
    });
    const f = (k: string, i: number) => formatValue(h.history[k][i]);
    // clock: 1 reading at the bar's creation, 1 per batch, 1 at the end => 4 s over 3 steps
    const expected =
      'Epoch 1/2\n' +
      `3/3 [==============================] - 4s 1s/step - loss: ${f('loss', 0)} - val_loss: ${f('val_loss', 0)}\n` +
      'Epoch 2/2\n' +
      `3/3 [==============================] - 4s 1s/step - loss: ${f('loss', 1)} - val_loss: ${f('val_loss', 1)}\n`;
    assert.equal(stream.text, expected);
  });

  it('redraws in place with \\r and an ETA on a TTY', () => {
    const stream = capture(true);
    let t = 0;
    const bar = new Progbar(3, { stream, now: () => (t += 0.5) });
    bar.update(1, [['loss', 0.5]]);
    bar.update(2, [['loss', 0.25]]);
    bar.update(3, [['loss', 0.125], ['accuracy', 0.75]], true);
    const parts = stream.text.split('\r').filter(Boolean);
    assert.equal(parts.length, 3);
    assert.equal(parts[0], '1/3 [=========>....................] - ETA: 1s - loss: 0.5000');
    assert.equal(parts[1], '2/3 [===================>..........] - ETA: 0s - loss: 0.2500');
    assert.equal(parts[2], '3/3 [==============================] - 2s 500ms/step - loss: 0.1250 - accuracy: 0.7500\n');
  });

  it('verbose 2 prints a summary line per epoch and no bar', async () => {
    const stream = capture(false);
    const h = await model().fit(randomNormal([8, 3]), randomNormal([8, 1]), {
      epochs: 1, batchSize: 4, verbose: 2, callbacks: [new ProgbarLogger({ stream, now: ticking() })],
    });
    assert.equal(stream.text, `2/2 - 3s - loss: ${formatValue(h.history.loss[0])} - 3s/epoch - 2s/step\n`);
  });

  it('prints nothing with verbose 0', async () => {
    const stream = capture(false);
    await model().fit(randomNormal([8, 3]), randomNormal([8, 1]), { epochs: 2, verbose: 0, callbacks: [new ProgbarLogger({ stream, verbose: 0 })] });
    assert.equal(stream.text, '');
  });
});

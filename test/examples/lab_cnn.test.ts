// Lab experiment 8 (CNN transfer learning, examples/chapter11/lab/exp8_cnn_transfer.ts) in a tiny configuration, and its verdict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { QUICK } from '../../examples/chapter11/lab/config.js';
import { loadLabData } from '../../examples/chapter11/lab/data.js';
import { Section } from '../../examples/chapter11/lab/report.js';
import { cnnTransferExperiment, verdict } from '../../examples/chapter11/lab/exp8_cnn_transfer.js';

test('experiment 8 trains the 10-class CNN, model A and B over seeds and reports accuracies and a verdict', async () => {
  const cfg = { ...QUICK, seeds: 2, trainSize: 600, validSize: 200, testSize: 300 };
  const data = await loadLabData(cfg);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'layerwise-lab-cnn-'));
  const log = console.log;
  console.log = () => undefined;
  try {
    const section = new Section(8, 'CNN transfer', dir);
    await cnnTransferExperiment({ cfg, data, section }, {
      tenClass: { trainSize: 600, epochs: 1 }, epochsA: 1, trainSizeA: 400, epochsB: 2, frozenEpochs: 1, unfrozenEpochs: 1, bImages: 100,
    });
    const text = section.lines.join('\n');
    const m = /test accuracy \*\*(\d\.\d+)\*\* on 300 images/.exec(text);
    assert.ok(m, text);
    assert.ok(Number(m[1]) > 0.3, `10-class CNN after one epoch on 600 images: ${m[1]}`);
    assert.equal(text.match(/^\| [12] \|/gm)?.length, 2, text);
    assert.match(text, /Verdict: CNN B on A is (better|worse) than from scratch/);
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the verdict calls a difference inside the spread over seeds inconclusive, and a consistent one clear', () => {
  assert.match(verdict([0.9, 0.95, 0.92], [0.93, 0.91, 0.94]), /inside the spread over seeds/);
  assert.match(verdict([0.90, 0.91, 0.92, 0.90], [0.95, 0.96, 0.96, 0.95]), /beyond twice its standard error/);
});

// Files written by layerwise pass scripts/golden/h5_verify.py (h5py + NumPy, Keras' reading rules); the committed
// verdict is checked to be about the layout layerwise writes today (structural fingerprints recomputed here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadGolden } from '../helpers/golden.js';
import { makeSamples, samplesFingerprint, SAMPLE_FILES } from './samples.js';

interface Verdict {
  all_ok: boolean;
  fingerprints: Record<string, string>;
  checks: { file: string; check: string; ok: boolean; detail: string }[];
}

test('h5_verify.py verdict: every check passed, for every sample format', () => {
  const verdict = loadGolden('saving_h5_verify.json') as unknown as Verdict;
  assert.equal(verdict.all_ok, true);
  const failed = verdict.checks.filter((c) => !c.ok);
  assert.deepEqual(failed, []);
  for (const f of SAMPLE_FILES) {
    assert.ok(verdict.checks.filter((c) => c.file === f).length >= 3, `${f}: verified`);
    assert.ok(verdict.checks.some((c) => c.file === f && c.check.startsWith('NumPy forward pass') && c.ok), `${f}: forward pass checked`);
  }
});

test('the verdict is about the files layerwise writes now (same structural fingerprints)', async () => {
  const verdict = loadGolden('saving_h5_verify.json') as unknown as Verdict;
  const dir = mkdtempSync(path.join(tmpdir(), 'layerwise-samples-'));
  await makeSamples(dir);
  assert.deepEqual(await samplesFingerprint(dir), verdict.fingerprints,
    'the saved layout changed: regenerate the verdict (node build/test/saving/samples.js DIR && /usr/bin/python3 scripts/golden/h5_verify.py DIR test/fixtures/keras-real test/golden/saving_h5_verify.json)');
});

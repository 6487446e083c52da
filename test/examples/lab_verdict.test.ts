// The lab's spread and verdict logic on crafted per-seed values, the summary table, and the committed PyTorch reference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { THRESHOLDS, fmtSpread, pairedVerdict, rangesOverlap, spread, verdict } from '../../examples/chapter11/lab/verdict.js';
import { fmtThreshold, summaryTable } from '../../examples/chapter11/lab/report.js';
import { outcome } from '../../examples/chapter11/lab/exp4_clipping.js';
import { REFERENCE_URL, gradientReference, type GradientReference } from '../../examples/chapter11/lab/reference.js';
import { FULL, QUICK } from '../../examples/chapter11/lab/config.js';
import { SETUPS } from '../../examples/chapter11/lab/exp1_gradients.js';
import { BN_MODELS, CLAIM_MODEL } from '../../examples/chapter11/lab/exp3_batchnorm.js';

test('spread: median of odd and even counts, range, mean and sample std; non-finite seeds kept out but counted', () => {
  assert.deepEqual(spread([3, 1, 2]), { n: 3, finite: 3, median: 2, min: 1, max: 3, mean: 2, std: 1 });
  const even = spread([4, 1, 3, 2]);
  assert.equal(even.median, 2.5);
  assert.equal(even.min, 1);
  assert.equal(even.max, 4);
  const withNaN = spread([1, NaN, 3, Infinity]);
  assert.equal(withNaN.n, 4);
  assert.equal(withNaN.finite, 2);
  assert.equal(withNaN.median, 2);
  assert.ok(Number.isNaN(spread([NaN]).median));
  assert.equal(fmtSpread([6.19e-4, 2.1e-3, 2.6e-2]), '2.10e-3 [6.19e-4, 2.60e-2]');
  assert.equal(fmtSpread([0.5, NaN]), '0.5000 [0.5000, 0.5000] (1 of 2 non-finite)');
  assert.equal(fmtSpread([0.25]), '0.2500', 'one seed prints its value, not a range');
});

test('verdict: "holds" only when every seed supports it, otherwise it says how many do', () => {
  const below = (r: number): boolean => r < THRESHOLDS.vanishingRatio;
  const all = verdict([1e-4, 5e-4, 9e-4, 2e-5, 1e-6], below, 'below 1e-3');
  assert.deepEqual([all.support, all.n, all.holds], [5, 5, true]);
  assert.equal(all.text, '**holds**: below 1e-3 in 5 of 5 seeds');
  // The case: one lucky seed under the threshold, the others above it.
  const some = verdict([6.19e-4, 2.1e-3, 5e-3, 2.6e-2, 9e-3], below, 'below 1e-3');
  assert.deepEqual([some.support, some.holds], [1, false]);
  assert.equal(some.text, 'not reproduced: below 1e-3 in 1 of 5 seeds');
  assert.doesNotMatch(some.text, /\*\*holds\*\*/);
  const none = verdict([2e-3, 3e-3], below, 'below 1e-3');
  assert.equal(none.text, '**does not hold**: below 1e-3 in 0 of 2 seeds');
  assert.equal(verdict([NaN], below, 'below 1e-3').support, 0, 'a NaN seed does not support a threshold');
  assert.equal(verdict([], below, 'x').holds, false, 'no seeds, no verdict');
  assert.equal(verdict([1e-4], below, 'below 1e-3').text, '**holds**: below 1e-3 in 1 of 1 seed');
});

test('pairedVerdict compares seed by seed, not the means', () => {
  // Higher mean on the left (one big win) but better in only 1 of 3 seeds.
  const v = pairedVerdict([0.99, 0.80, 0.81], [0.70, 0.82, 0.83], 'B on A above B alone');
  assert.equal(v.support, 1);
  assert.equal(v.text, 'not reproduced: B on A above B alone in 1 of 3 seeds');
  assert.equal(pairedVerdict([0.9, 0.9], [0.9, 0.8], 'x').support, 1, 'a tie does not count as better');
  assert.throws(() => pairedVerdict([1, 2], [1], 'x'), /as many values on both sides, received 2 and 1/);
});

test('rangesOverlap: closed [min, max] ranges, NaN ignored, empty means no overlap', () => {
  assert.equal(rangesOverlap([1, 3], [3, 5]), true);
  assert.equal(rangesOverlap([1e-31, 2e-31], [3e-31, 4e-31]), false);
  assert.equal(rangesOverlap([2, NaN], [1, 3]), true);
  assert.equal(rangesOverlap([NaN], [1, 3]), false);
});

test('clipping outcome: diverged, exploded, trained or did not improve, from the running losses and the gradient norms', () => {
  const calm = (n: number): number[] => Array.from({ length: n }, () => 10);
  assert.equal(outcome({ losses: [2.3, 5, NaN], norms: calm(3) }).kind, 'diverged');
  assert.equal(outcome({ losses: [2.3, 2.2, 2.1], norms: [10, 1e3, Infinity] }).kind, 'diverged', 'a non-finite gradient norm is a divergence');
  assert.equal(outcome({ losses: [2.3, 14.9, 14.5], norms: calm(3) }).kind, 'exploded');
  assert.equal(outcome({ losses: [2.3, 2.2, 2.1], norms: [10, 20, 10 * THRESHOLDS.explodedGradientFactor + 1] }).kind, 'exploded', 'the gradient norm alone can show an explosion');
  assert.equal(outcome({ losses: [2.3, 2.2, 2.1], norms: [10, 20, 10 * THRESHOLDS.explodedGradientFactor] }).kind, 'trained', 'at the threshold is not above it');
  assert.equal(outcome({ losses: [2.3, 4.0, 1.2], norms: calm(3) }).kind, 'trained', 'a transient rise that recovers is not an explosion');
  assert.equal(outcome({ losses: [2.3, 2.2, 2.4], norms: calm(3) }).kind, 'did not improve');
  assert.equal(outcome({ losses: [2.3, 4.7, 2.31], norms: calm(3) }).kind, 'exploded', `above ${THRESHOLDS.explodedLossFactor} x the first loss and ending above it`);
  assert.equal(outcome({ losses: [], norms: [] }).kind, 'diverged', 'no step at all is not a success');
});

test('summaryTable: one row per claim, pipes escaped, nothing without claims', () => {
  assert.deepEqual(summaryTable([], 5), []);
  const lines = summaryTable([{ claim: 'A claim (§1)', measured: 'x | y', test: 'ratio < 1e-3', verdict: '**holds**: in 5 of 5 seeds' }], 5);
  assert.equal(lines[0], "## Summary: the book's claims over 5 seeds");
  const rows = lines.filter((l) => l.startsWith('| '));
  assert.equal(rows.length, 2);
  assert.equal(rows[1], '| A claim (§1) | x \\| y | ratio < 1e-3 | **holds**: in 5 of 5 seeds |');
  assert.equal(fmtThreshold(1e-3), '1e-3');
  assert.equal(fmtThreshold(1e3), '1e3');
  assert.equal(fmtThreshold(0.85), '0.85');
});

test('the committed PyTorch reference matches the lab\'s gradient setups and seed counts (regenerate it when config.ts changes)', async () => {
  const ref = JSON.parse(readFileSync(REFERENCE_URL, 'utf8')) as GradientReference;
  assert.equal(ref.generator, 'scripts/reference/gradients_torch.py');
  for (const [name, cfg] of [['full', FULL], ['quick', QUICK]] as const) {
    const trainSize = Number.isFinite(cfg.trainSize) ? cfg.trainSize : 55000;
    const found = await gradientReference({ ...cfg.gradients, trainSize });
    assert.ok(typeof found !== 'string', `${name}: ${String(found)}`);
    assert.equal(found.config.seeds, cfg.seeds, `${name}: the reference has as many seeds as the lab`);
    assert.deepEqual(found.config.setups.map((s) => s.label), SETUPS.map((s) => s.label));
    for (const s of found.config.setups) {
      assert.equal(s.ratio.length, cfg.seeds);
      assert.ok(s.ratio.every((r) => Number.isFinite(r) && r > 0), `${name} ${s.label}: finite positive ratios`);
    }
  }
  const missing = await gradientReference({ depth: 7, units: 3, batch: 2, trainSize: 1 });
  assert.match(String(missing), /no PyTorch reference for depth 7, 3 units, batch 2/);
  const absent = await gradientReference(FULL.gradients && { ...FULL.gradients, trainSize: 55000 }, new URL('file:///nonexistent/gradients_torch.json'));
  assert.match(String(absent), /no PyTorch reference .*scripts\/reference\/gradients_torch\.py/);
});

test('every claim-bearing setup runs over all the seeds: BN\'s claim model for the book\'s 10 epochs, the others at least one epoch', () => {
  assert.ok(BN_MODELS.includes(CLAIM_MODEL));
  assert.equal(FULL.batchNorm.epochs, 10, 'the book\'s protocol for the accuracy claim');
  for (const cfg of [FULL, QUICK]) {
    assert.ok(cfg.batchNorm.compareEpochs >= 1 && cfg.batchNorm.compareEpochs <= cfg.batchNorm.epochs, 'the comparison epoch lies within the claim model\'s run');
  }
  assert.equal(FULL.seeds, 5);
  assert.equal(QUICK.seeds, 2);
});

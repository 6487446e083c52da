// The chapter 11 lab: `start.js --quick` runs end to end and writes a report with its summary table, all eight sections, their numbers and plots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeRun, runNode } from './spawn.js';
import { parseArgs } from '../../examples/chapter11/lab/config.js';

/** The report's sections keyed by their number ('## 3. Batch normalization' -> 3). */
function sections(md: string): Map<number, string> {
  const out = new Map<number, string>();
  const parts = md.split(/^## (?=\d+\. )/m).slice(1);
  for (const p of parts) out.set(Number(p.slice(0, p.indexOf('.'))), p);
  return out;
}

test('lab arguments: --quick, --out, --seeds, --only; bad values are refused', () => {
  assert.deepEqual(parseArgs(['--quick', '--out', 'x', '--seeds', '3', '--only=1,5']), { quick: true, outDir: 'x', seeds: 3, only: [1, 5], help: false });
  assert.throws(() => parseArgs(['--seeds', '0']), /--seeds expects a positive integer/);
  assert.throws(() => parseArgs(['--only', '9']), /experiment numbers 1-8/);
  assert.throws(() => parseArgs(['--fast']), /unknown argument --fast/);
});

test('start.js --quick writes runs/<dir>/report.md with every experiment, its numbers and its plots', { timeout: 180_000 }, async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'layerwise-lab-'));
  try {
    const r = await runNode('build/examples/start.js', ['--quick', '--out', out], 170_000);
    assert.equal(r.code, 0, describeRun(r));
    const reportPath = path.join(out, 'report.md');
    assert.ok(r.stdout.includes(`Report: ${reportPath}`), `stdout names the report path\n${describeRun(r)}`);
    assert.match(r.stdout, /Epoch 1\/\d+/, 'training prints Keras-style progress');
    const md = readFileSync(reportPath, 'utf8');
    const bySection = sections(md);
    assert.deepEqual([...bySection.keys()], [1, 2, 3, 4, 5, 6, 7, 8]);
    for (const [n, body] of bySection) {
      assert.ok(!/This experiment failed/.test(body), `section ${n} failed:\n${body.slice(0, 600)}`);
      const numericRows = body.split('\n').filter((l) => l.startsWith('|') && /\d\.\d{2}/.test(l));
      assert.ok(numericRows.length >= 2, `section ${n} has a table with numbers:\n${body.slice(0, 600)}`);
    }
    // Every figure the report links exists beside it and is an SVG.
    const figures = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(figures.length >= 4, `the report links plots (found ${figures.length})`);
    for (const f of figures) {
      const file = path.join(out, f);
      assert.ok(existsSync(file), `${f} exists`);
      assert.match(readFileSync(file, 'utf8').slice(0, 200), /<svg/);
    }
    // Section 3 prints the API.md BN model's summary and checks its totals.
    const bn = bySection.get(3)!;
    for (const total of ['Total params: 271,346', 'Trainable params: 268,978', 'Non-trainable params: 2,368']) assert.ok(bn.includes(total), `summary shows ${total}`);
    assert.match(bn, /: match\)/);
    // The header states the wall time, the backend with its ISA path and threads, and the CPU; the summary table is at the top.
    assert.match(md, /- Total wall time: \d+\.\d s \(CPU time of the experiments: \d+\.\d s\)/);
    assert.match(md, /- Backend: (native \((avx512|avx2|baseline|neon) kernels, \d+ threads\)|wasm \(simd128 kernels, \d+ threads\)|reference); CPU: .+; Node v/);
    // Every fit is logged for the training board, and the report says where.
    assert.match(md, /- Training board: every fit is logged under `board\/`; watch or replay them with `npm run board -- .*board`/);
    const runs = readdirSync(path.join(out, 'board'));
    assert.ok(runs.some((r) => r.startsWith('e1-')) && runs.some((r) => r.startsWith('e8-')), `board runs of experiments 1 and 8: ${runs.join(', ')}`);
    for (const r of runs.slice(0, 3)) assert.match(readFileSync(path.join(out, 'board', r, 'events.jsonl'), 'utf8').split('\n')[0], /"type":"run"/);
    const summaryStart = md.indexOf("## Summary: the book's claims over 2 seeds");
    assert.ok(summaryStart > 0 && summaryStart < md.indexOf('## 1. '), 'the summary table comes before the experiments');
    const summary = md.slice(summaryStart, md.indexOf('| Experiment | Wall time'));
    const claimRows = summary.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith("| Book's claim"));
    for (const claim of ['Sigmoid + N(0, 1)', 'SELU self-normalizes', 'Batch normalization reaches', 'Gradient clipping tames', 'Transfer learning', 'Pretraining helps']) {
      assert.ok(claimRows.some((r) => r.startsWith(`| ${claim}`)), `the summary has a row for "${claim}":\n${summary}`);
    }
    for (const row of claimRows) {
      const verdictCell = row.split(' | ').at(-1)!;
      for (const part of verdictCell.replace(/ \|$/, '').split('; ')) {
        assert.match(part, /(\*\*holds\*\*|not reproduced|\*\*does not hold\*\*): .* in \d of 2 seeds$/, `every verdict counts its seeds: ${row}`);
      }
    }
    // Section 1: the verdict agrees with the per-seed ratios printed beside it, and PyTorch's ranges are shown.
    const grads = bySection.get(1)!;
    const perSeed = (setup: string): number[] => {
      const lines = grads.split('\n');
      const header = lines.findIndex((l) => l.startsWith('| Setup | ratio, seed 1 | ratio, seed 2 |'));
      assert.ok(header >= 0, 'the per-seed ratio table is present');
      const row = lines.slice(header).find((l) => l.startsWith(`| ${setup} |`));
      assert.ok(row, `the ${setup} row is present`);
      return row.split('|').slice(2, -1).map((c) => Number(c.trim()));
    };
    const sigmoid = perSeed('sigmoid + N(0, 1)');
    assert.equal(sigmoid.length, 2);
    const below = sigmoid.filter((r) => r < 1e-3).length;
    const sigmoidClaim = claimRows.find((r) => r.startsWith('| Sigmoid + N(0, 1)'))!;
    assert.ok(sigmoidClaim.includes(`ratio below 1e-3 in ${below} of 2 seeds`), `the verdict counts the seeds below 1e-3 (${sigmoid.join(', ')}): ${sigmoidClaim}`);
    assert.ok(sigmoidClaim.includes('PyTorch, same setup: '), 'the PyTorch range is beside the lab\'s');
    assert.ok(perSeed('SELU + LeCun').every((r) => r > 1e-2), `SELU + LeCun ratios ${perSeed('SELU + LeCun').join(', ')}`);
    assert.ok(sigmoid.every((r, i) => r < perSeed('SELU + LeCun')[i]), 'sigmoid + N(0, 1) vanishes more than SELU + LeCun in every seed');
    assert.match(grads, /\| sigmoid \+ N\(0, 1\) \| \S+ \[\S+, \S+\] \| \S+ \[\S+, \S+\] \| (yes|\*\*no\*\*) \|/, 'layerwise and PyTorch ranges side by side');
    assert.match(grads, /Training \*\*holds\*\*: validation loss lower after training than before in 2 of 2 seeds/);
    // Section 3: every BN model over both seeds; the claim's model for all its epochs, the others for fewer, compared at their last epoch.
    const bnSection = bySection.get(3)!;
    assert.match(bnSection, /\| BN after activation, notebook \(relu, glorot_uniform\) \| 2 \| 29,146 \|/);
    for (const model of ['BN after activation', 'BN before activation', 'no BN']) assert.match(bnSection, new RegExp(`\\| ${model} \\| 1 \\| [\\d,]+ \\| \\S+ \\[\\S+, \\S+\\] \\|`));
    assert.ok(claimRows.some((r) => r.startsWith('| Batch normalization speeds up training') && r.includes('above no BN at epoch 1 (same seed) in ')), 'BN\'s speed is compared per seed at epoch 1');
    // Section 4: per-step gradient norms, and the verdict counts the per-seed outcomes printed beside it.
    const clipping = bySection.get(4)!;
    const outcomes = (label: string): string[] => {
      const row = clipping.split('\n').find((l) => l.startsWith(`| ${label} |`));
      assert.ok(row, `the ${label} row is present:\n${clipping.slice(0, 1500)}`);
      return row.split(' | ').at(-1)!.replace(/ \|$/, '').split(', ');
    };
    const unclipped = outcomes('no clipping');
    assert.equal(unclipped.length, 2);
    for (const label of ['clipValue 1.0', 'clipNorm 1.0', 'globalClipNorm 1.0']) {
      const blewUp = (o: string): boolean => ['diverged', 'exploded'].includes(o);
      const tamed = outcomes(label).filter((o, i) => !blewUp(o) && blewUp(unclipped[i])).length;
      assert.ok(clipping.includes(`unclipped blew up while ${label} stayed finite and bounded (same seed) in ${tamed} of 2 seeds`), `the ${label} verdict counts its seeds (${outcomes(label).join(', ')})`);
      const trained = outcomes(label).filter((o) => o === 'trained').length;
      assert.ok(clipping.includes(`${label} trained (final running loss below the first) in ${trained} of 2 seeds`), `the ${label} training verdict counts its seeds`);
    }
    assert.match(clipping, /!\[Gradient norm per step, before clipping/);
    // Section 5 reports every seed and the mean and spread.
    const transfer = bySection.get(5)!;
    assert.match(transfer, /\| B alone \| \d\.\d+ \| \d\.\d+ \|/);
    assert.match(transfer, /\| B on A \| \d\.\d+ \| \d\.\d+ \|/);
    assert.match(transfer, /\| 2 \| \d\.\d+ \| \d\.\d+ \|/);
    // Model A is saved as .keras and .h5 and reloaded with the same predictions.
    for (const ext of ['keras', 'h5']) {
      assert.match(transfer, new RegExp(`saved \`my_model_A\\.${ext}\``));
      const m = new RegExp(`reloaded the \\.${ext} file: max \\|prediction difference\\| vs model A on \\d+ test images = (\\S+);`).exec(transfer);
      assert.ok(m, `the .${ext} reload is checked:\n${transfer.slice(0, 1500)}`);
      assert.ok(Number(m[1]) < 1e-5, `reloaded .${ext} predictions differ by ${m[1]}`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

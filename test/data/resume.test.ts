// Exact resume: a fit SIGKILLed at random moments and restarted (BackupAndRestore) ends bit-identical to an uninterrupted fit.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Generator } from '../../src/random/rng.js';

const script = fileURLToPath(new URL('./resume_script.js', import.meta.url));

/**
 * Runs the script; kills it `killAfterMs` after it starts training (null: let it finish). Resolves whether it
 * finished, and how long it trained (from its 'training' line to its exit).
 */
function runOnce(dir: string, out: string, mode: string, killAfterMs: number | null): Promise<{ finished: boolean; trainMs: number }> {
  return new Promise((resolve, reject) => {
    let started = 0;
    const child = spawn(process.execPath, [script, '--run', dir, out, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let timer: NodeJS.Timeout | null = null;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      if (started === 0 && d.toString().includes('training')) {
        started = performance.now();
        if (killAfterMs !== null) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      const trainMs = started ? performance.now() - started : 0;
      if (signal === 'SIGKILL') resolve({ finished: false, trainMs });
      else if (code === 0) resolve({ finished: true, trainMs });
      else reject(new Error(`resume_script exited with ${code}: ${err}`));
    });
  });
}

async function check(mode: string, seed: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'lw-resume-'));
  try {
    const refOut = join(root, 'ref.json');
    const ref = await runOnce(join(root, 'ref-backup'), refOut, mode, null);
    assert.ok(ref.finished);
    const out = join(root, 'out.json');
    const backup = join(root, 'backup');
    const g = new Generator(seed);
    let kills = 0;
    let resumedFromBackup = 0;
    // Kill several times at random moments of training (mid-batch, mid-write), then let the last run finish. The
    // moments are fractions (5-30 %) of the uninterrupted run's training time, so a faster machine kills as often.
    // A machine whose load drops after the reference run can finish a resumed run before its moment: then the
    // scenario starts over from nothing with moments half as late (up to 3 times), so every pass kills at least twice.
    for (let attempt = 0, scale = 1; attempt < 3; attempt++, scale /= 2) {
      rmSync(backup, { recursive: true, force: true });
      rmSync(out, { force: true });
      rmSync(`${out}.epochs.json`, { force: true });
      kills = 0;
      resumedFromBackup = 0;
      while (kills < 4) {
        if (existsSync(join(backup, 'backup.json'))) resumedFromBackup++;
        const { finished } = await runOnce(backup, out, mode, Math.max(20, Math.floor(scale * (0.05 + 0.25 * g.uniform()) * ref.trainMs)));
        if (finished) break;
        kills++;
      }
      if (kills >= 2) break;
    }
    if (!existsSync(out)) assert.ok((await runOnce(backup, out, mode, null)).finished);
    assert.ok(kills >= 2, `expected several kills, got ${kills}`);
    assert.ok(resumedFromBackup >= 1, 'at least one restart resumed from a backup');
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(readFileSync(refOut, 'utf8')), `${mode}: weights differ after ${kills} kills`);
    // The epochs' logs (loss and metrics, including epochs resumed mid-way from restored accumulators) are the uninterrupted run's.
    const epochs = JSON.parse(readFileSync(`${out}.epochs.json`, 'utf8')) as Record<string, Record<string, number>>;
    assert.deepEqual(epochs, JSON.parse(readFileSync(`${refOut}.epochs.json`, 'utf8')), `${mode}: epoch logs differ after ${kills} kills`);
    assert.deepEqual(Object.keys(epochs[0]), ['loss', 'accuracy', 'sparse_top_k_categorical_accuracy']);
    assert.ok(!existsSync(join(backup, 'backup.json')), 'the backup is deleted when fit completes');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

describe('BackupAndRestore: exact resume after SIGKILL', () => {
  it('a Dataset fit (seeded shuffle, dropout, Adam) killed at random moments ends bit-identical', async () => {
    await check('stream', 7);
  });
  it('an in-memory tensor fit (fit shuffles with the global generator) ends bit-identical', async () => {
    await check('tensor', 8);
  });
  it('a stream with stepsPerEpoch (one iterator across epochs) ends bit-identical', async () => {
    await check('steps', 9);
  });
  it('in-memory tensors with stepsPerEpoch (passes spanning epochs, a short epoch at a pass end) end bit-identical', async () => {
    await check('tensor-steps', 10);
  });
});

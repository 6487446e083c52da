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

/** Runs the script; kills it `killAfterMs` after it starts training (null: let it finish). Resolves true if it finished. */
function runOnce(dir: string, out: string, mode: string, killAfterMs: number | null): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, '--run', dir, out, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let timer: NodeJS.Timeout | null = null;
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d: Buffer) => {
      if (killAfterMs !== null && timer === null && d.toString().includes('training')) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    });
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      if (signal === 'SIGKILL') resolve(false);
      else if (code === 0) resolve(true);
      else reject(new Error(`resume_script exited with ${code}: ${err}`));
    });
  });
}

async function check(mode: string, seed: number): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'lw-resume-'));
  try {
    const refOut = join(root, 'ref.json');
    assert.ok(await runOnce(join(root, 'ref-backup'), refOut, mode, null));
    const out = join(root, 'out.json');
    const backup = join(root, 'backup');
    const g = new Generator(seed);
    let kills = 0;
    let resumedFromBackup = 0;
    // Kill several times at random moments of training (mid-batch, mid-write), then let the last run finish.
    while (kills < 4) {
      if (existsSync(join(backup, 'backup.json'))) resumedFromBackup++;
      const finished = await runOnce(backup, out, mode, 50 + Math.floor(g.uniform() * 700));
      if (finished) break;
      kills++;
    }
    if (!existsSync(out)) assert.ok(await runOnce(backup, out, mode, null));
    assert.ok(kills >= 2, `expected several kills, got ${kills}`);
    assert.ok(resumedFromBackup >= 1, 'at least one restart resumed from a backup');
    assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), JSON.parse(readFileSync(refOut, 'utf8')), `${mode}: weights differ after ${kills} kills`);
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
});

// A fit over 2 GiB of .npy shards on disk keeps the process's peak RSS under 600 MB (shards made in a temp folder, then removed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./rss_script.js', import.meta.url));

describe('streaming .npy shards', () => {
  it('fits over 2 GiB of shards with peak RSS < 600 MB', (t) => {
    const fs = statfsSync(tmpdir());
    if (fs.bavail * fs.bsize < 3 * 2 ** 30) {
      t.skip(`needs 3 GiB free in ${tmpdir()} for the 2 GiB of shards`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'lw-rss-'));
    try {
      const r = JSON.parse(execFileSync(process.execPath, [script, '--run', dir], { encoding: 'utf8', timeout: 120_000 })) as
        { maxRssMB: number; samples: number; seconds: number; loss: number; bytes: number };
      console.log(`# 2 GiB of .npy shards: peak RSS ${r.maxRssMB.toFixed(0)} MB, fit ${r.seconds.toFixed(1)} s`);
      assert.equal(r.bytes, 2 ** 31);
      assert.equal(r.samples, 64 * 2048, 'every sample was trained on once');
      assert.ok(Number.isFinite(r.loss));
      assert.ok(r.maxRssMB < 600, `peak RSS ${r.maxRssMB} MB`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

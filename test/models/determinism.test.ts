// setRandomSeed(42) makes a whole fit (initializers, shuffling, dropout) bit-identical across processes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./determinism_script.js', import.meta.url));

function run(): { history: Record<string, number[]>; weights: number[][] } {
  return JSON.parse(execFileSync(process.execPath, [script, '--run'], { encoding: 'utf8' }));
}

describe('determinism', () => {
  it('two processes with setRandomSeed(42) give bit-identical history and weights', () => {
    const a = run();
    const b = run();
    assert.deepEqual(Object.keys(a.history), ['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    assert.equal(a.history.loss.length, 3);
    assert.ok(a.history.loss.every(Number.isFinite));
    // JSON round-trips doubles exactly, so deepEqual is a bit-level comparison
    assert.deepEqual(a, b);
  });
});

// The NEON kernels, tested without ARM hardware: the kernel core and native/test/kernels_test.cc cross-compiled
// for AArch64 and run under qemu-aarch64, every kernel against its double-precision reference (edge sizes, all
// transposes, fused epilogues, NaN/inf). Needs Debian's g++-aarch64-linux-gnu and qemu-user (.ci/run installs them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CROSS_CXX, QEMU, arm64Sources, buildArm64KernelTest, onPath, run } from './neon_build.js';

const nativeDir = path.resolve('native');
const missing = [CROSS_CXX, QEMU].filter((c) => !onPath(c));
const skip = missing.length > 0 ? `NEON kernel suite skipped: ${missing.join(' and ')} not found (apt-get install g++-aarch64-linux-gnu qemu-user)` : false;

test('binding.gyp gives the arm64 build the NEON table and no N-API code', () => {
  const { sources, flags } = arm64Sources(nativeDir);
  assert.ok(sources.includes('isa/neon/kernels.cc'), `isa/neon/kernels.cc missing from ${sources.join(' ')}`);
  assert.ok(sources.includes('isa/baseline/kernels.cc') && sources.includes('gemm.cc') && sources.includes('dispatch.cc'));
  assert.ok(!sources.some((s) => s.startsWith('addon') || s.includes('avx')), sources.join(' '));
  assert.ok(flags.includes('-O3') && flags.includes('-std=c++17'), flags.join(' '));
});

test('NEON kernels match the scalar references under qemu-aarch64', { skip, timeout: 900_000 }, async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'layerwise-neon-'));
  try {
    const t0 = Date.now();
    const exe = await buildArm64KernelTest(nativeDir, out);
    const built = Date.now() - t0;
    const r = await run(QEMU, [exe, 'neon'], 600_000);
    console.log(`# NEON kernel suite: cross-compiled in ${(built / 1000).toFixed(0)} s, ran under qemu in ${(r.ms / 1000).toFixed(1)} s`);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    // One summary line for the path, and nothing failed.
    assert.match(r.stdout, /^ok neon: \d+ arrays, \d+ values checked, 0 failed/m, r.stdout);
    assert.doesNotMatch(r.stdout, /mismatch|FAIL/, r.stdout);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

// The kernel core (native/ minus the N-API files) compiles standalone, with no Node headers: for this host and,
// when the cross compiler is installed, for aarch64 (its baseline row only), as the NEON and WASM builds need.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const native = join(repo, 'native');
const core = readdirSync(native).filter((f) => f.endsWith('.cc') && !f.startsWith('addon')).map((f) => join(native, f));
const has = (cmd: string): boolean => spawnSync(cmd, ['--version'], { encoding: 'utf8' }).status === 0;

function syntaxCheck(cxx: string, files: string[], extra: string[] = []): void {
  const res = spawnSync(cxx, ['-std=c++17', '-fsyntax-only', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter', ...extra, ...files], { encoding: 'utf8' });
  assert.equal(res.status, 0, `${cxx}: ${res.stderr}`);
}

describe('native kernel core', () => {
  it('has no N-API include and no host-tuned -march in its build', () => {
    for (const f of core) assert.doesNotMatch(readFileSync(f, 'utf8'), /napi\.h/, f);
    assert.doesNotMatch(readFileSync(join(native, 'binding.gyp'), 'utf8'), /"-march=/);
  });
  it('compiles standalone for this host, every ISA folder with its own flags', { skip: has('c++') ? false : 'no c++ compiler' }, () => {
    syntaxCheck('c++', [...core, join(native, 'isa', 'baseline', 'kernels.cc')]);
    if (process.arch === 'x64') {
      syntaxCheck('c++', [join(native, 'isa', 'avx2', 'kernels.cc')], ['-mavx2', '-mfma']);
      syntaxCheck('c++', [join(native, 'isa', 'avx512', 'kernels.cc')], ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx2', '-mfma']);
    }
  });
  const cross = 'aarch64-linux-gnu-g++';
  it('compiles standalone for aarch64 (baseline row only)', { skip: has(cross) ? false : `${cross} not installed: cannot check the aarch64 build` }, () => {
    syntaxCheck(cross, [...core, join(native, 'isa', 'baseline', 'kernels.cc')]);
  });
  // The dispatch must never run an instruction the CPU lacks: the core, built as the addon builds it, on emulated
  // older CPUs picks the best path they have and computes the same result.
  const emulate = process.arch === 'x64' && has('qemu-x86_64') && has('g++');
  it('on emulated CPUs without AVX-512 or AVX, picks avx2 / baseline and computes the same', { skip: emulate ? false : 'qemu-x86_64 or g++ missing (or not x86-64): cannot emulate older CPUs' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'lw-isa-'));
    try {
      const flags = ['-std=c++17', '-O1', '-ffp-contract=fast', '-fno-math-errno', '-pthread', `-I${native}`];
      const objs: [string, string[]][] = [['avx2', ['-mavx2', '-mfma']], ['avx512', ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-mavx2', '-mfma']]];
      for (const [isa, f] of objs) {
        const r = spawnSync('g++', [...flags, ...f, '-c', join(native, 'isa', isa, 'kernels.cc'), '-o', join(dir, `${isa}.o`)], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
      }
      const exe = join(dir, 'probe');
      const link = spawnSync('g++', [...flags, '-static', join(repo, 'test', 'backend', 'fixtures', 'isa_probe.cc'), ...core,
        join(native, 'isa', 'baseline', 'kernels.cc'), join(dir, 'avx2.o'), join(dir, 'avx512.o'), '-o', exe], { encoding: 'utf8' });
      assert.equal(link.status, 0, link.stderr);
      const run = (cpu: string): string[] => {
        const r = spawnSync('qemu-x86_64', ['-cpu', cpu, exe], { encoding: 'utf8', timeout: 120_000 });
        assert.equal(r.status, 0, `${cpu}: ${r.stderr} ${r.signal ?? ''}`);
        return r.stdout.trim().split(' ');
      };
      const [isaW, pathsW, gemmW, softW] = run('Westmere');  // SSE4.2, no AVX
      assert.equal(isaW, 'baseline');
      assert.equal(pathsW, 'baseline');
      const [isaH, pathsH, gemmH, softH] = run('Haswell');  // AVX2 + FMA
      assert.equal(isaH, 'avx2');
      assert.equal(pathsH, 'avx2,baseline');
      // Same sums up to rounding (FMA on one path only): a GEMM checksum and a position-weighted softmax sum.
      for (const [h, w] of [[gemmH, gemmW], [softH, softW]]) assert.ok(Math.abs(Number(h) - Number(w)) <= 1e-3 * (1 + Math.abs(Number(w))), `${h} vs ${w}`);
      assert.ok(Number.isFinite(Number(gemmW)) && Number(gemmW) !== 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The kernel core (native/ minus the N-API files) compiles standalone, with no Node headers: for this host and,
// when the cross compiler is installed, for aarch64 (its baseline row only), as the NEON and WASM builds need.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const native = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'native');
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
});

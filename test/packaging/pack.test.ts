// The package as a user installs it: `npm pack` (its prepack builds dist/ and the prebuilt addons) in a copy of the
// repository, then `npm install --ignore-scripts <tarball>` in an empty project with no C/C++ compiler on PATH, and
// the native backend must load there from the shipped prebuild. Slow by nature (a TypeScript build and, when
// Debian's g++-aarch64-linux-gnu is present, a cross-compiled arm64 addon): about a minute, packed once per run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { elfMachine, expectedIsa, findNpmCli, maxVersion, onPath } from './pack_util.js';

const repo = process.cwd();
const npmCli = findNpmCli();
const cross = onPath('aarch64-linux-gnu-g++');
const skip = process.platform !== 'linux' || !['x64', 'arm64'].includes(process.arch)
  ? `packaging test: prebuilds are made for linux-x64/arm64 only (this is ${process.platform}-${process.arch})`
  : !npmCli ? 'packaging test: npm-cli.js not found (set npm_execpath)' : false;

function show(r: SpawnSyncReturns<string>): string {
  return `exit ${r.status ?? r.signal}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-3000)}`;
}

describe('npm pack, then npm install --ignore-scripts in an empty project', { skip, timeout: 600_000 }, () => {
  let work = '';
  let tarball = '';
  let project = '';
  let bin = '';
  let installSeconds = 0;

  before(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'layerwise-pack-'));
    // A copy of the repository (dependencies linked), so the prepack build never rewrites files other tests read.
    const src = path.join(work, 'src');
    const skipped = new Set(['node_modules', 'build', 'dist', 'runs', '.git', 'prebuilds'].map((d) => path.join(repo, d)));
    cpSync(repo, src, {
      recursive: true, preserveTimestamps: true,
      filter: (p) => !skipped.has(p) && !p.startsWith(path.join(repo, 'native', 'build', 'Release', 'obj')),
    });
    symlinkSync(path.join(repo, 'node_modules'), path.join(src, 'node_modules'));
    const t0 = Date.now();
    // LAYERWISE_PREBUILD_REUSE: the host's addon is the one `npm install` just built from the same sources and flags.
    const pack = spawnSync(process.execPath, [npmCli!, 'pack', '--pack-destination', work], {
      cwd: src, encoding: 'utf8', env: { ...process.env, LAYERWISE_PREBUILD_REUSE: '1' }, timeout: 480_000,
    });
    assert.equal(pack.status, 0, show(pack));
    const name = readdirSync(work).find((f) => f.endsWith('.tgz'));
    assert.ok(name, `npm pack wrote no tarball in ${work}`);
    tarball = path.join(work, name);
    const mb = (readFileSync(tarball).length / 1e6).toFixed(1);
    console.log(`# packaging: npm pack ${((Date.now() - t0) / 1000).toFixed(0)} s, ${name} ${mb} MB`);
    assert.equal(existsSync(path.join(src, 'prebuilds')), false, 'postpack must remove prebuilds/ from the working tree');

    // An empty project whose PATH holds only node and npm: no compiler could build anything there.
    project = path.join(work, 'project');
    bin = path.join(work, 'bin');
    mkdirSync(project);
    mkdirSync(bin);
    symlinkSync(process.execPath, path.join(bin, 'node'));
    writeFileSync(path.join(bin, 'npm'), `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(npmCli)} "$@"\n`, { mode: 0o755 });
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', private: true, type: 'module' }));
    const t1 = Date.now();
    const install = spawnSync(path.join(bin, 'npm'), ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline', tarball], {
      cwd: project, encoding: 'utf8', env: { ...process.env, PATH: bin }, timeout: 240_000,
    });
    installSeconds = (Date.now() - t1) / 1000;
    assert.equal(install.status, 0, show(install));
    console.log(`# packaging: npm install --ignore-scripts of the tarball ${installSeconds.toFixed(1)} s`);
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the tarball holds dist/, the sources for other platforms and a prebuilt addon per architecture', () => {
    const list = spawnSync('tar', ['tzf', tarball], { encoding: 'utf8' });
    assert.equal(list.status, 0, show(list));
    const files = new Set(list.stdout.split('\n'));
    for (const f of ['dist/index.js', 'native/binding.gyp', 'scripts/build-native.mjs', `prebuilds/linux-${process.arch}/layerwise.napi.glibc.node`]) {
      assert.ok(files.has(`package/${f}`), `package/${f} missing from the tarball`);
    }
    assert.ok(![...files].some((f) => /^package\/(native\/build|build|test|node_modules)\//.test(f)), 'build output or tests packed');
    const installed = path.join(project, 'node_modules', 'layerwise', 'prebuilds');
    assert.equal(elfMachine(path.join(installed, 'linux-x64', 'layerwise.napi.glibc.node')), 62, 'linux-x64 prebuild is not an x86-64 ELF');
    if (cross) {
      assert.equal(elfMachine(path.join(installed, 'linux-arm64', 'layerwise.napi.glibc.node')), 183, 'linux-arm64 prebuild is not an AArch64 ELF');
    } else {
      console.log('# packaging: aarch64-linux-gnu-g++ not found: the linux-arm64 prebuild was not built (apt-get install g++-aarch64-linux-gnu)');
    }
  });

  it('the prebuilds are N-API modules needing at most glibc 2.29 and GCC 12\'s libstdc++ (as the README says)', (t) => {
    const tools: Record<string, string> = { x64: 'objdump', arm64: 'aarch64-linux-gnu-objdump' };
    const installed = path.join(project, 'node_modules', 'layerwise', 'prebuilds');
    for (const [arch, tool] of Object.entries(tools)) {
      const file = path.join(installed, `linux-${arch}`, 'layerwise.napi.glibc.node');
      if (!existsSync(file) || !onPath(tool)) {
        t.diagnostic(`linux-${arch}: ${existsSync(file) ? `${tool} not found` : 'not packed'}, symbol versions not checked`);
        continue;
      }
      const dump = spawnSync(tool, ['-T', file], { encoding: 'utf8' });
      assert.equal(dump.status, 0, show(dump));
      assert.match(dump.stdout, /\bnapi_register_module_v1\b/, `linux-${arch}: not an N-API module`);
      const glibc = maxVersion(dump.stdout, 'GLIBC');
      const glibcxx = maxVersion(dump.stdout, 'GLIBCXX_3.4');
      assert.ok(glibc > 0 && glibc <= 2029, `linux-${arch} needs GLIBC_${Math.floor(glibc / 1000)}.${glibc % 1000}`);
      assert.ok(glibcxx <= 30, `linux-${arch} needs GLIBCXX_3.4.${glibcxx}`);
    }
  });

  it('no compiler is on the install PATH, and no addon was built there', () => {
    const probe = spawnSync('/bin/sh', ['-c', 'command -v g++ || command -v gcc || command -v cc || command -v c++ || command -v make'], {
      encoding: 'utf8', env: { PATH: bin },
    });
    assert.notEqual(probe.status, 0, `a compiler is reachable: ${probe.stdout}`);
    assert.equal(existsSync(path.join(project, 'node_modules', 'layerwise', 'native', 'build')), false);
  });

  it('the installed package runs on the native backend, from the prebuild, with the host\'s best ISA', () => {
    const script = `import * as lw from 'layerwise';
const x = lw.tensor([[1, 2], [3, 4]]);
const y = lw.matmul(x, x).array();
// backendInfo() when the public API has it, else the backend module's nativeInfo() (same module instance).
const info = typeof lw.backendInfo === 'function' ? lw.backendInfo()
  : (await import(new URL('./node_modules/layerwise/dist/backend/native.js', import.meta.url))).nativeInfo();
console.log(JSON.stringify({ backend: lw.getBackend(), info, y }));`;
    writeFileSync(path.join(project, 'check.mjs'), script);
    const env: NodeJS.ProcessEnv = { PATH: bin, HOME: process.env.HOME };
    const r = spawnSync(path.join(bin, 'node'), ['check.mjs'], { cwd: project, encoding: 'utf8', env });
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stderr.includes('native backend unavailable'), false, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { backend: string; info: { isa?: string } | null; y: number[][] };
    assert.equal(out.backend, 'native');
    assert.deepEqual(out.y, [[7, 10], [15, 22]]);
    assert.equal(out.info?.isa, expectedIsa(), `the installed addon runs ${out.info?.isa}; this CPU's best path is ${expectedIsa()}`);
  });

  it('the install script, run anyway, finds the loadable prebuild and builds nothing', () => {
    const pkg = path.join(project, 'node_modules', 'layerwise');
    const r = spawnSync(path.join(bin, 'node'), ['scripts/build-native.mjs'], { cwd: pkg, encoding: 'utf8', env: { PATH: bin } });
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout + r.stderr, '');
    assert.equal(existsSync(path.join(pkg, 'native', 'build')), false);
  });
});

// The addon loader: which prebuilt files match this process (node-gyp-build's tags), the order candidates are tried
// in, and falling through a file that does not load to the next candidate.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addonCandidates, loadAddon, matchingPrebuilds, nativeAddonPath } from '../../src/backend/native_load.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'layerwise-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function withEnv<T>(vars: Record<string, string | undefined>, fn: () => T): T {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

test('prebuilt files match by N-API or ABI tag and C library, most specific first', () => {
  const pre = path.join(dir, 'linux-x64');
  mkdirSync(pre);
  const files = ['layerwise.napi.node', 'layerwise.napi.glibc.node', 'layerwise.napi.musl.node', 'layerwise.abi1.node',
    `node.abi${process.versions.modules}.node`, 'layerwise.electron.napi.node', 'README.md', 'layerwise.node.txt'];
  for (const f of files) writeFileSync(path.join(pre, f), '');
  const names = (libc: string): string[] => withEnv({ LIBC: libc }, () => matchingPrebuilds(pre).map((p) => path.basename(p)));
  assert.deepEqual(names('glibc').sort(), ['layerwise.napi.glibc.node', 'layerwise.napi.node', `node.abi${process.versions.modules}.node`].sort());
  assert.equal(names('glibc')[0], 'layerwise.napi.glibc.node');
  assert.deepEqual(names('musl').sort(), ['layerwise.napi.musl.node', 'layerwise.napi.node', `node.abi${process.versions.modules}.node`].sort());
  assert.deepEqual(matchingPrebuilds(path.join(dir, 'absent')), []);
});

test('candidates: LAYERWISE_NATIVE_ADDON, then prebuilds, then the source build, ending at the package root', () => {
  const list = withEnv({ LAYERWISE_NATIVE_ADDON: '/x/custom.node' }, () => addonCandidates());
  assert.equal(list[0], '/x/custom.node');
  const root = process.cwd();
  const source = list.indexOf(path.join(root, 'native', 'build', 'Release', 'layerwise.node'));
  assert.ok(source > 0, list.join('\n'));
  // Nothing above the package root (the repository here) is searched.
  assert.ok(list.every((p) => p === '/x/custom.node' || p.startsWith(root + path.sep)), list.join('\n'));
});

test('a candidate that fails to load is skipped for the next one', () => {
  const broken = path.join(dir, 'broken.node');
  writeFileSync(broken, 'not an ELF file');
  const { addon, error } = withEnv({ LAYERWISE_NATIVE_ADDON: broken }, () => loadAddon<{ isa(): string }>());
  // The repository's source build (npm ci made it) is the next candidate; without it the error names both tries.
  if (addon) {
    assert.equal(nativeAddonPath(), path.join(process.cwd(), 'native', 'build', 'Release', 'layerwise.node'));
    assert.equal(typeof addon.isa(), 'string');
  } else {
    assert.match(error, new RegExp(`${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  }
});

// backendInfo() / ready(): the active backend, its ISA path, threads and CPU model; LAYERWISE_ISA forcing a path.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { backendInfo, getBackend, ready, setBackend } from '../../src/index.js';
import { loadNativeBackend, nativeInfo } from '../../src/backend/native.js';

const { backend: nb, error } = loadNativeBackend();
const skip = nb ? false : `native backend not available: ${error}`;
const here = new URL('.', import.meta.url).href;

/** backendInfo() in a child process with `env` added; returns its JSON or the error message. */
function childInfo(env: Record<string, string>): { info?: Record<string, unknown>; error?: string } {
  const script = `
    const lw = await import('${here}../../src/index.js');
    try { console.log(JSON.stringify({ info: await lw.ready() })); } catch (e) { console.log(JSON.stringify({ error: e.message })); }
  `;
  const res = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(res.status, 0, res.stderr);
  return JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as { info?: Record<string, unknown>; error?: string };
}

describe('backendInfo', { skip }, () => {
  it('ready() resolves with the native backend, its best ISA path, threads and the CPU model', async () => {
    const info = await ready();
    assert.equal(getBackend(), 'native');
    assert.deepEqual(info, backendInfo());
    const native = nativeInfo()!;
    assert.equal(info.backend, 'native');
    assert.equal(info.isa, native.isa);
    assert.ok(native.supportedIsas.includes(info.isa!), `${info.isa} in ${native.supportedIsas.join(',')}`);
    assert.ok(info.threads >= 1);
    assert.ok(info.cpu.length > 0 && info.cpu !== 'unknown CPU');
    let model = '';
    try {
      model = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? '';
    } catch {
      // no /proc here
    }
    if (model) assert.equal(info.cpu, model, 'cpuid brand string = /proc/cpuinfo model name');
  });

  it('the reference backend has no ISA but still tells the CPU', () => {
    setBackend('reference');
    try {
      const info = backendInfo();
      assert.equal(info.backend, 'reference');
      assert.equal(info.isa, null);
      assert.equal(info.cpu, nativeInfo()!.cpu);
    } finally {
      setBackend('native');
    }
  });

  it('LAYERWISE_ISA forces every path this CPU runs, and an unknown one fails naming the choices', () => {
    for (const isa of nativeInfo()!.supportedIsas) {
      const r = childInfo({ LAYERWISE_ISA: isa });
      assert.equal(r.info?.isa, isa, JSON.stringify(r));
    }
    const bad = childInfo({ LAYERWISE_ISA: 'avx9000' });
    assert.match(bad.error ?? '', /LAYERWISE_ISA=avx9000: unknown instruction set \(expected one of .*baseline\)/);
  });
});

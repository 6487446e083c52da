// Builds native/test/kernels_test.cc with the kernel core for AArch64 (Debian's aarch64-linux-gnu-g++, static, so
// qemu-aarch64 runs it without an ARM64 sysroot). The source list and flags come from native/binding.gyp, the one
// place they are written: the addon target's sources minus the N-API boundary, plus its arm64 condition's.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CROSS_CXX = 'aarch64-linux-gnu-g++';
export const QEMU = 'qemu-aarch64';

export function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(path.join(d, cmd)));
}

interface GypTarget { target_name: string; sources?: string[]; cflags_cc?: string[]; conditions?: [string, GypTarget][] }
interface Gyp { target_defaults?: { cflags_cc?: string[] }; targets: GypTarget[] }

/** The kernel core's sources (relative to native/) and C++ flags for an arm64 build, read from binding.gyp. */
export function arm64Sources(nativeDir: string): { sources: string[]; flags: string[] } {
  const text = readFileSync(path.join(nativeDir, 'binding.gyp'), 'utf8');
  const gyp = JSON.parse(text.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n')) as Gyp;
  const addon = gyp.targets.find((t) => t.target_name === 'layerwise');
  if (!addon?.sources) throw new Error('native/binding.gyp: no "layerwise" target with sources');
  const arm = (addon.conditions ?? []).filter(([cond]) => cond.replace(/\s/g, '') === "target_arch=='arm64'");
  const sources = [...addon.sources, ...arm.flatMap(([, t]) => t.sources ?? [])].filter((s) => !/^addon/.test(path.basename(s)));
  const flags = (gyp.target_defaults?.cflags_cc ?? []).filter((f) => !f.startsWith('-march'));
  return { sources, flags };
}

export interface RunResult { code: number | null; stdout: string; stderr: string; ms: number }

export function run(cmd: string, args: string[], timeoutMs: number, cwd?: string): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - t0 }));
    child.on('error', (e) => resolve({ code: -1, stdout, stderr: stderr + String(e), ms: Date.now() - t0 }));
  });
}

/** Compiles every source (two at a time, or the CPU count) and links the static test binary; returns its path. */
export async function buildArm64KernelTest(nativeDir: string, outDir: string): Promise<string> {
  const { sources, flags } = arm64Sources(nativeDir);
  const units = [...sources, 'test/kernels_test.cc'];
  const objects = units.map((s) => path.join(outDir, s.replace(/[/\\]/g, '_').replace(/\.cc$/, '.o')));
  const jobs = Math.max(1, Math.min(2, os.availableParallelism()));
  let next = 0;
  const errors: string[] = [];
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < units.length) {
      const i = next++;
      const r = await run(CROSS_CXX, [...flags, '-Wall', '-c', path.join(nativeDir, units[i]), '-o', objects[i]], 300_000);
      if (r.code !== 0) errors.push(`${units[i]}: ${r.stderr.slice(-2000)}`);
    }
  }));
  if (errors.length > 0) throw new Error(`${CROSS_CXX} failed:\n${errors.join('\n')}`);
  const exe = path.join(outDir, 'kernels_test');
  const link = await run(CROSS_CXX, ['-static', '-pthread', ...objects, '-o', exe], 120_000);
  if (link.code !== 0) throw new Error(`${CROSS_CXX} link failed: ${link.stderr.slice(-2000)}`);
  return exe;
}

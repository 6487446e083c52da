// Helpers of the packaging tests: where npm's CLI is, what an ELF file is built for, the ISA this CPU should run.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** npm's JavaScript entry point: the one running this test (npm_execpath), else npm beside this node. */
export function findNpmCli(): string | null {
  const candidates = [
    process.env.npm_execpath,
    path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'),
  ];
  return candidates.find((c): c is string => !!c && c.endsWith('.js') && existsSync(c)) ?? null;
}

/** The e_machine field of an ELF file (62 x86-64, 183 AArch64), or -1 when the file is not ELF. */
export function elfMachine(file: string): number {
  const b = readFileSync(file);
  return b.length > 20 && b.readUInt32BE(0) === 0x7f454c46 ? b.readUInt16LE(18) : -1;
}

/** The best kernel path for this CPU, read from /proc/cpuinfo independently of the addon's own detection. */
export function expectedIsa(cpuinfo = readFileSync('/proc/cpuinfo', 'utf8'), arch: string = process.arch): string {
  if (arch === 'arm64') return 'neon';
  const flags = new Set((/^flags\s*:(.*)$/m.exec(cpuinfo)?.[1] ?? '').trim().split(/\s+/));
  if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f))) return 'avx512';
  if (flags.has('avx2') && flags.has('fma')) return 'avx2';
  return 'baseline';
}

export function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(path.join(d, cmd)));
}

/**
 * The highest version of the symbol versions named `<prefix>_<major>.<minor>` (GLIBC) or `<prefix>.<n>`
 * (GLIBCXX_3.4) in `objdump -T` output, as major * 1000 + minor (or n); 0 when none. GLIBC_2.29 gives 2029.
 */
export function maxVersion(dump: string, prefix: string): number {
  const re = new RegExp(`\\b${prefix.replace(/\./g, '\\.')}[._](\\d+)(?:\\.(\\d+))?`, 'g');
  let best = 0;
  for (const m of dump.matchAll(re)) best = Math.max(best, m[2] === undefined ? Number(m[1]) : Number(m[1]) * 1000 + Number(m[2]));
  return best;
}

// Runs a native kernel suite once per instruction-set path this CPU can run (avx512, avx2, baseline on x86-64; neon,
// baseline on arm64), switching the addon's kernel table (setNativeIsa) for the duration of each path's suite.
import { after, before, describe } from 'node:test';
import { nativeInfo, setNativeIsa } from '../../src/backend/native.js';

/** The paths of this architecture's native build, best first. */
export const ALL_ISAS = process.arch === 'x64' ? ['avx512', 'avx2', 'baseline']
  : process.arch === 'arm64' ? ['neon', 'baseline'] : ['baseline'];

/**
 * describe(`${name} [isa]`) for every path this CPU supports. With `reportMissing`, a path the CPU lacks gets one
 * skipped suite saying so (call it from one file only, so the line appears once).
 */
export function describeEachIsa(name: string, skip: string | false, fn: (isa: string) => void, reportMissing = false): void {
  const info = nativeInfo();
  if (skip || !info) {
    describe(name, { skip: skip || 'native backend not available' }, () => undefined);
    return;
  }
  const initial = info.isa;
  for (const isa of ALL_ISAS) {
    if (!info.supportedIsas.includes(isa)) {
      if (reportMissing) {
        describe(`${name} [${isa}]`, { skip: `this CPU (${info.cpu}: ${info.cpuFeatures}) cannot run the ${isa} path` }, () => undefined);
      }
      continue;
    }
    describe(`${name} [${isa}]`, () => {
      before(() => setNativeIsa(isa));
      after(() => setNativeIsa(initial));
      fn(isa);
    });
  }
}

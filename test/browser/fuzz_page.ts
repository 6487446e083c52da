// Runs in Chromium (bundled by test/browser/fuzz.test.ts): the smaller form of the loader fuzz suite. Real Keras files
// fetched from the test server are mutated with test/saving/mutate.ts (fixed seed) and loaded through the browser
// entry's loadModel from an ArrayBuffer or a File; each load is timed with performance.now(). Results go to
// window.__lwFuzz and a summary table on the page (the screenshot).
import * as lw from '../../src/index.browser.js';
import { MUTATIONS, Rng, mutate, unclearReason } from '../saving/mutate.js';

export interface FuzzParams {
  files: string[];
  cases: number;
  seed: number;
  /** Zeroed runs [file, at, length] that kept libhdf5 busy until its watchdog (issue 19), run before the seeded cases. */
  zeroed: [string, number, number][];
}

export interface FuzzCase { label: string; via: string; ms: number; outcome: 'loaded' | 'refused'; message?: string; problem?: string }

function table(rows: string[][]): void {
  document.body.innerHTML = `<h3>layerwise loader fuzz in Chromium (backend ${lw.getBackend()})</h3><table border="1" cellpadding="4">${
    rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</table>`;
}

async function main(): Promise<void> {
  const p = (await (await fetch('/params.json')).json()) as FuzzParams;
  const originals = new Map<string, Uint8Array>();
  for (const f of p.files) originals.set(f, new Uint8Array(await (await fetch(`/fixtures/keras-real/${f}`)).arrayBuffer()));
  // The loader warns on real training configs (left uncompiled): expected, and silenced.
  console.warn = () => undefined;
  // Warm-up (not timed): every original loads, except the one needing a custom activation, refused by name.
  const warm: string[] = [];
  for (const [f, b] of originals) {
    try {
      await lw.loadModel(b.slice().buffer);
      warm.push(`${f}: loaded`);
    } catch (e) {
      warm.push(`${f}: ${(e as Error).message.slice(0, 120)}`);
    }
  }
  const cases: { file: string; label: string; data: Uint8Array }[] = [];
  for (const [f, at, len] of p.zeroed) {
    const data = originals.get(f)!.slice();
    data.fill(0, at, at + len);
    cases.push({ file: f, label: `${f} (${len} bytes zeroed at ${at}, hung libhdf5)`, data });
  }
  const rng = new Rng(p.seed);
  for (let i = 0; i < p.cases; i++) {
    const f = p.files[i % p.files.length];
    const kind = MUTATIONS[Math.floor(i / p.files.length) % MUTATIONS.length];
    const { data, what } = mutate(originals.get(f)!, kind, rng, 4096);
    cases.push({ file: f, label: `${f} (${what})`, data });
  }
  let ticks = 0;
  const timer = setInterval(() => ticks++, 0);
  const results: FuzzCase[] = [];
  const t0 = performance.now();
  for (const [i, c] of cases.entries()) {
    // Even cases as an ArrayBuffer (the label is 'ArrayBuffer'), odd ones as a File whose name the error must give.
    const name = `case${i}${c.file.slice(c.file.lastIndexOf('.'))}`;
    const source = i % 2 === 0 ? c.data.buffer as ArrayBuffer : new File([c.data as Uint8Array<ArrayBuffer>], name);
    const via = i % 2 === 0 ? 'ArrayBuffer' : name;
    const started = performance.now();
    let r: FuzzCase;
    try {
      await lw.loadModel(source, { compile: false });
      r = { label: c.label, via, ms: performance.now() - started, outcome: 'loaded' };
    } catch (err) {
      const problem = unclearReason(err, via);
      const message = err instanceof Error ? err.message.slice(0, 300) : String(err);
      r = { label: c.label, via, ms: performance.now() - started, outcome: 'refused', message, ...(problem ? { problem } : {}) };
    }
    results.push(r);
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  const totalMs = performance.now() - t0;
  clearInterval(timer);
  const worst = results.reduce((a, b) => (b.ms > a.ms ? b : a));
  const refused = results.filter((r) => r.outcome === 'refused').length;
  const problems = results.filter((r) => r.problem);
  table([
    ['warm-up (originals)', warm.join('<br>')],
    ['cases', `${results.length}: ${results.length - refused} loaded, ${refused} refused, ${problems.length} unclear`],
    ['worst load', `${worst.ms.toFixed(1)} ms: ${worst.label}`],
    ['zeroed runs that hung libhdf5', results.slice(0, p.zeroed.length).map((r) => `${r.ms.toFixed(1)} ms, ${r.outcome}`).join('<br>')],
    ['timer ticks during the run', `${ticks} in ${totalMs.toFixed(0)} ms`],
    ...problems.slice(0, 10).map((r) => ['unclear', `${r.label}: ${r.problem}`]),
  ]);
  (globalThis as Record<string, unknown>).__lwFuzz = { warm, results, ticks, totalMs };
}

// Under Node (node --test loads every file under build/test) this module does nothing.
if (typeof document !== 'undefined') main().catch((e: Error) => {
  table([['page error', e.message]]);
  (globalThis as Record<string, unknown>).__lwFuzz = { error: `${e.message}\n${e.stack ?? ''}` };
});

// node:test's describe / it for the page (aliased by esbuild when test/browser/page.ts is bundled): a tree of
// suites run in order, each test's outcome recorded.
type Fn = () => void | Promise<void>;
interface Options { skip?: boolean | string; timeout?: number }
interface Case { name: string; fn: Fn; skip: boolean | string }
export interface Outcome { name: string; ok: boolean; skipped?: string; error?: string; ms: number }

const cases: Case[] = [];
const stack: { name: string; skip: boolean | string }[] = [];

function args(a: Options | Fn, b?: Fn): [Options, Fn] {
  return typeof a === 'function' ? [{}, a] : [a, b!];
}

export function describe(name: string, a: Options | Fn, b?: Fn): void {
  const [opts, fn] = args(a, b);
  stack.push({ name, skip: opts.skip ?? false });
  try {
    void fn();
  } finally {
    stack.pop();
  }
}

export function it(name: string, a: Options | Fn, b?: Fn): void {
  const [opts, fn] = args(a, b);
  const skip = stack.find((s) => s.skip)?.skip ?? opts.skip ?? false;
  cases.push({ name: [...stack.map((s) => s.name), name].join(' > '), fn, skip });
}

export const test = it;

/** Runs every registered case (yielding to the page between them); returns their outcomes. */
export async function runAll(onResult?: (o: Outcome) => void): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const c of cases.splice(0)) {
    const t0 = performance.now();
    let o: Outcome;
    if (c.skip) o = { name: c.name, ok: true, skipped: String(c.skip), ms: 0 };
    else {
      try {
        await c.fn();
        o = { name: c.name, ok: true, ms: performance.now() - t0 };
      } catch (e) {
        o = { name: c.name, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e), ms: performance.now() - t0 };
      }
    }
    out.push(o);
    onResult?.(o);
    await new Promise((r) => setTimeout(r, 0));
  }
  return out;
}

export function before(fn: Fn): void {
  void fn;
}
export function after(fn: Fn): void {
  void fn;
}

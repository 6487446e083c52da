// node:assert/strict for the page (aliased by esbuild): the assertions the shared test helpers use, with Node's
// strict semantics (SameValue for primitives, typed arrays and arrays element by element, plain objects by keys).

class AssertionError extends Error {
  override name = 'AssertionError';
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!same(x[i], y[i])) return false;
    return true;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function fail(message: string | undefined, fallback: string): never {
  throw new AssertionError(message ?? fallback);
}

const show = (v: unknown): string => {
  try {
    return JSON.stringify(ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>).slice(0, 20) : v)?.slice(0, 300) ?? String(v);
  } catch {
    return String(v);
  }
};

function assert(value: unknown, message?: string): asserts value {
  if (!value) fail(message, `expected a truthy value, received ${show(value)}`);
}
assert.ok = assert;
assert.equal = (a: unknown, b: unknown, message?: string): void => {
  if (!Object.is(a, b)) fail(message, `${show(a)} !== ${show(b)}`);
};
assert.deepEqual = (a: unknown, b: unknown, message?: string): void => {
  if (!same(a, b)) fail(message, `not deep-equal: ${show(a)} vs ${show(b)}`);
};
assert.notDeepEqual = (a: unknown, b: unknown, message?: string): void => {
  if (same(a, b)) fail(message, `unexpectedly deep-equal: ${show(a)}`);
};
assert.throws = (fn: () => unknown, expected?: RegExp, message?: string): void => {
  try {
    fn();
  } catch (e) {
    if (expected && !expected.test((e as Error).message)) fail(message, `threw "${(e as Error).message}", expected ${String(expected)}`);
    return;
  }
  fail(message, 'expected the function to throw');
};
assert.match = (s: string, re: RegExp, message?: string): void => {
  if (!re.test(s)) fail(message, `${show(s)} does not match ${String(re)}`);
};

export default assert;

// Test helper: seeded byte mutations for fuzzing the loaders (bit flips, truncation, zeroed runs, spliced ranges).

export type Mutation = 'flip' | 'truncate' | 'zero' | 'splice';
export const MUTATIONS: readonly Mutation[] = ['flip', 'truncate', 'zero', 'splice'];

/** A small deterministic generator (LCG), so every run mutates the same bytes. */
export class Rng {
  constructor(private state: number) {}

  next(): number {
    this.state = (Math.imul(this.state, 1664525) + 1013904223) >>> 0;
    return this.state / 2 ** 32;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * One mutation of `bytes`, with a description for the failure message.
 * `focus` (optional) biases positions to the first bytes, where HDF5 and zip metadata usually live.
 */
export function mutate(bytes: Uint8Array, kind: Mutation, rng: Rng, focus = 0): { data: Uint8Array; what: string } {
  const n = bytes.length;
  const pos = (): number => (focus > 0 && rng.next() < 0.5 ? rng.int(Math.min(n, focus)) : rng.int(n));
  if (kind === 'truncate') {
    const at = pos();
    return { data: bytes.slice(0, at), what: `truncated to ${at} bytes` };
  }
  const out = bytes.slice();
  if (kind === 'flip') {
    const flips = 1 + rng.int(8);
    const at: number[] = [];
    for (let k = 0; k < flips; k++) {
      const p = pos();
      out[p] ^= 1 << rng.int(8);
      at.push(p);
    }
    return { data: out, what: `bits flipped at ${at.join(', ')}` };
  }
  if (kind === 'zero') {
    const at = pos();
    const len = 1 + rng.int(256);
    out.fill(0, at, at + len);
    return { data: out, what: `${len} bytes zeroed at ${at}` };
  }
  const from = pos();
  const to = pos();
  const len = 1 + rng.int(512);
  out.set(bytes.subarray(from, Math.min(n, from + len)).subarray(0, Math.max(0, n - to)), to);
  return { data: out, what: `${len} bytes from ${from} spliced over ${to}` };
}

/** Error messages that leak an internal failure instead of saying what is wrong with the file. */
const UNCLEAR = /is not a function|is not iterable|Cannot read propert|Cannot set propert|of undefined|of null|Maximum call stack|Invalid typed array length|Invalid array length|Array buffer allocation failed|out of bounds|Offset is outside|unreachable|memory access|^\s*$/i;

/** A clear error: an Error (not a TypeError/RangeError leak) whose message names the file and no internal failure. */
export function unclearReason(err: unknown, file: string): string | null {
  if (!(err instanceof Error)) return `threw a non-Error: ${String(err)}`;
  if (err.name !== 'Error' && err.name !== 'Hdf5StructureError') return `threw a ${err.name}: ${err.message}`;
  if (!err.message.includes(file)) return `the message does not name the file: ${err.message}`;
  if (UNCLEAR.test(err.message)) return `the message leaks an internal failure: ${err.message}`;
  return null;
}

/** The zeroed runs ([at, length]) in this real Keras file that kept libhdf5 busy until its 30 s watchdog (issue 19). */
export const LIBHDF5_HANGS = { file: 'thap__skl-tf__my_keras_model.h5', runs: [[3435, 157], [3656, 195], [3678, 168]] as [number, number][] };

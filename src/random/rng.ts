// Seeded randomness: xoshiro128** seeded through splitmix32; uniform, normal and truncated normal draws.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A xoshiro128** generator: fast, 128-bit state, reproducible from a 32-bit seed. */
export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    this.reseed(seed);
  }

  reseed(seed: number): void {
    const sm = splitmix32(seed);
    for (let i = 0; i < 4; i++) this.s[i] = sm();
    this.spare = null;
  }

  /** The full state (4 words + the spare normal draw), enough to resume the exact sequence (BackupAndRestore). */
  getState(): { s: number[]; spare: number | null } {
    return { s: Array.from(this.s), spare: this.spare };
  }

  /** Restores a state returned by getState(). */
  setState(state: { s: readonly number[]; spare: number | null }): void {
    if (!Array.isArray(state?.s) || state.s.length !== 4) throw new Error(`Generator.setState: expected 4 state words, received ${JSON.stringify(state?.s)}`);
    for (let i = 0; i < 4; i++) this.s[i] = state.s[i] >>> 0;
    this.spare = state.spare ?? null;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Standard normal re-drawn until within 2 standard deviations (Keras/TensorFlow truncation). */
  truncatedNormal(): number {
    for (;;) {
      const x = this.normal();
      if (x >= -2 && x <= 2) return x;
    }
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

function freshSeed(): number {
  return (Date.now() ^ Math.floor(Math.random() * 0x100000000)) >>> 0;
}

let globalGenerator = new Generator(freshSeed());

/** Makes every later random draw (initializers, shuffling, dropout, RReLU) reproducible run to run. */
export function setRandomSeed(seed: number): void {
  if (!Number.isFinite(seed)) throw new Error(`setRandomSeed: expected a finite number, received ${seed}`);
  globalGenerator = new Generator(Math.trunc(seed));
}

/** The generator behind every random draw that is not given its own seed. */
export function globalRng(): Generator {
  return globalGenerator;
}

/** Mixes a seed with a salt (e.g. an epoch) into a new 32-bit seed (splitmix32 finalizer). */
export function mixSeed(seed: number, salt: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b9) ^ Math.imul((salt >>> 0) + 0x7f4a7c15, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** A generator for an explicit seed, or the global one. */
export function rngFor(seed?: number | null): Generator {
  return seed === undefined || seed === null ? globalGenerator : new Generator(seed);
}

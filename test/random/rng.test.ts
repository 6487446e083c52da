// Seeded randomness: reproducible across processes after setRandomSeed, and the moments of each distribution.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Generator, globalRng, rngFor, setRandomSeed } from '../../src/random/rng.js';
import { randomNormal, randomPermutation, randomUniform, truncatedNormal } from '../../src/tensor/creation.js';
import { repoRoot } from '../helpers/golden.js';

const modUrl = (rel: string): string => pathToFileURL(path.join(repoRoot, 'build', 'src', rel)).href;

/** The same draws, in this process or printed as JSON by a fresh one. */
const DRAWS = `
  setRandomSeed(7);
  const out = {
    uniform: Array.from(randomUniform([5]).dataSync()),
    normal: Array.from(randomNormal([5], { mean: 1, stddev: 2 }).dataSync()),
    truncated: Array.from(truncatedNormal([5]).dataSync()),
    permutation: Array.from(randomPermutation(8).dataSync()),
    raw: [globalRng().uniform(), globalRng().normal()],
  };`;

function drawsInChild(): unknown {
  const script =
    `import { setRandomSeed, globalRng } from ${JSON.stringify(modUrl('random/rng.js'))};\n` +
    `import { randomUniform, randomNormal, truncatedNormal, randomPermutation } from ${JSON.stringify(modUrl('tensor/creation.js'))};\n` +
    `${DRAWS}\nprocess.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}

function drawsHere(): unknown {
  const f = new Function('setRandomSeed', 'randomUniform', 'randomNormal', 'truncatedNormal', 'randomPermutation', 'globalRng',
    `${DRAWS}\nreturn out;`);
  return JSON.parse(JSON.stringify(f(setRandomSeed, randomUniform, randomNormal, truncatedNormal, randomPermutation, globalRng)));
}

function stats(xs: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i];
    min = Math.min(min, xs[i]);
    max = Math.max(max, xs[i]);
  }
  const mean = s / xs.length;
  let v = 0;
  for (let i = 0; i < xs.length; i++) v += (xs[i] - mean) ** 2;
  return { mean, std: Math.sqrt(v / xs.length), min, max };
}

describe('setRandomSeed reproducibility', () => {
  it('setRandomSeed(7) then the same draws gives identical numbers in two separate node processes', () => {
    const first = drawsInChild();
    const second = drawsInChild();
    assert.deepEqual(first, second);
    assert.deepEqual(drawsHere(), first, 'this process agrees too');
  });
  it('different seeds give different draws; reseeding restarts the stream', () => {
    setRandomSeed(7);
    const a = Array.from(randomUniform([4]).dataSync());
    const b = Array.from(randomUniform([4]).dataSync());
    assert.notDeepEqual(a, b, 'the stream advances');
    setRandomSeed(8);
    assert.notDeepEqual(Array.from(randomUniform([4]).dataSync()), a);
    setRandomSeed(7);
    assert.deepEqual(Array.from(randomUniform([4]).dataSync()), a);
  });
  it('an explicit seed gives its own stream and leaves the global one alone', () => {
    setRandomSeed(3);
    const expected = globalRng().uniform();
    setRandomSeed(3);
    const s1 = Array.from(randomNormal([3], { seed: 11 }).dataSync());
    assert.deepEqual(Array.from(randomNormal([3], { seed: 11 }).dataSync()), s1);
    assert.equal(globalRng().uniform(), expected);
    assert.notEqual(rngFor(11), globalRng());
    assert.equal(rngFor(), globalRng());
  });
  it('rejects a non-finite seed', () => {
    assert.throws(() => setRandomSeed(NaN), /expected a finite number, received NaN/);
  });
});

describe('distributions', () => {
  const N = 40000;
  it('uniform: in [minval, maxval), mean and variance of U(a, b)', () => {
    const u = randomUniform([N], { seed: 1, minval: -1, maxval: 3, dtype: 'float64' }).dataSync();
    const s = stats(u);
    assert.ok(s.min >= -1 && s.max < 3, `range [${s.min}, ${s.max}]`);
    assert.ok(Math.abs(s.mean - 1) < 0.03, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 4 / Math.sqrt(12)) < 0.02, `std ${s.std}`);
    const g = new Generator(5);
    for (let i = 0; i < 1000; i++) {
      const v = g.uniform();
      assert.ok(v >= 0 && v < 1);
      const k = g.int(7);
      assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
    }
  });
  it('normal: mean and standard deviation', () => {
    const s = stats(randomNormal([N], { seed: 2, mean: 3, stddev: 0.5 }).dataSync());
    assert.ok(Math.abs(s.mean - 3) < 0.01, `mean ${s.mean}`);
    assert.ok(Math.abs(s.std - 0.5) < 0.01, `std ${s.std}`);
    const z = stats(randomNormal([N], { seed: 9 }).dataSync());
    assert.ok(Math.abs(z.mean) < 0.02 && Math.abs(z.std - 1) < 0.02, `standard normal: ${JSON.stringify(z)}`);
  });
  it('truncatedNormal: never beyond two standard deviations, std 0.8796 * stddev', () => {
    const s = stats(truncatedNormal([N], { seed: 3, mean: 1, stddev: 2, dtype: 'float64' }).dataSync());
    assert.ok(s.min >= 1 - 4 && s.max <= 1 + 4, `range [${s.min}, ${s.max}]`);
    assert.ok(s.min < 1 - 3.9 && s.max > 1 + 3.9, 'the tails reach the bound');
    assert.ok(Math.abs(s.mean - 1) < 0.03, `mean ${s.mean}`);
    // the standard deviation of a standard normal truncated to [-2, 2] is 0.87962566103423978
    assert.ok(Math.abs(s.std - 2 * 0.8796256610342398) < 0.02, `std ${s.std}`);
  });
  it('randomPermutation is a permutation of 0..n-1', () => {
    const p = Array.from(randomPermutation(50, 4).dataSync());
    assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
    assert.notDeepEqual(p, Array.from({ length: 50 }, (_, i) => i));
  });
});

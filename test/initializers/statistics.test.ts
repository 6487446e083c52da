// Initializers: large-draw statistics against the Keras formulas, fan rules, truncation and reproducibility.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor } from '../../src/tensor/tensor.js';
import { setRandomSeed } from '../../src/random/rng.js';
import * as initializers from '../../src/initializers/index.js';
import { computeFans } from '../../src/initializers/index.js';

const TRUNC = 0.87962566103423978;

interface Stats { n: number; mean: number; std: number; min: number; max: number; beyond2: number }

function stats(t: Tensor): Stats {
  const d = t.dataSync();
  let s = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of d) {
    s += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = s / d.length;
  let s2 = 0;
  for (const v of d) s2 += (v - mean) ** 2;
  const std = Math.sqrt(s2 / d.length);
  let beyond2 = 0;
  for (const v of d) if (Math.abs(v - mean) > 2 * std) beyond2++;
  return { n: d.length, mean, std, min, max, beyond2: beyond2 / d.length };
}

/** Mean within 5 standard errors of 0, std within 1.5% of the target. */
function assertMoments(s: Stats, std: number, what: string, mean = 0): void {
  assert.ok(Math.abs(s.mean - mean) < (5 * std) / Math.sqrt(s.n), `${what}: mean ${s.mean}, expected ${mean} (std ${std}, n ${s.n})`);
  assert.ok(Math.abs(s.std / std - 1) < 0.015, `${what}: std ${s.std}, expected ${std}`);
}

/** A Keras truncated normal with final std `std`: bounded by 2 * std / 0.8796 and reaching close to it. */
function assertTruncated(s: Stats, std: number, what: string): void {
  const bound = (2 * std) / TRUNC;
  assert.ok(s.max <= bound * (1 + 1e-6) && s.min >= -bound * (1 + 1e-6), `${what}: values beyond ±${bound} (min ${s.min}, max ${s.max})`);
  assert.ok(s.max > 0.97 * bound && s.min < -0.97 * bound, `${what}: truncation narrower than ±${bound} (min ${s.min}, max ${s.max})`);
  assertMoments(s, std, what);
}

function assertUniform(s: Stats, limit: number, what: string): void {
  assert.ok(s.max <= limit && s.min >= -limit, `${what}: values beyond ±${limit} (min ${s.min}, max ${s.max})`);
  assert.ok(s.max > 0.995 * limit && s.min < -0.995 * limit, `${what}: range narrower than ±${limit}`);
  assertMoments(s, limit / Math.sqrt(3), what);
}

describe('initializers: Keras fan rules', () => {
  it('computes fans for rank 0, 1, 2 and convolution kernels', () => {
    assert.deepEqual(computeFans([]), [1, 1]);
    assert.deepEqual(computeFans([7]), [7, 7]);
    assert.deepEqual(computeFans([784, 300]), [784, 300]);
    assert.deepEqual(computeFans([3, 3, 64, 128]), [3 * 3 * 64, 3 * 3 * 128]);
    assert.deepEqual(computeFans([5, 16, 32]), [5 * 16, 5 * 32]);
  });
  it('uses fan_in for rank 1 and the receptive field for rank 4 in the drawn variance', () => {
    setRandomSeed(11);
    assertUniform(stats(new initializers.VarianceScaling({ scale: 1, mode: 'fan_in', distribution: 'uniform' }).apply([50000])), Math.sqrt(3 / 50000), 'rank 1');
    const conv = new initializers.VarianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'untruncated_normal' }).apply([3, 3, 64, 128]);
    assertMoments(stats(conv), Math.sqrt(2 / ((576 + 1152) / 2)), 'rank 4 fan_avg');
    const fanOut = new initializers.VarianceScaling({ scale: 1, mode: 'fan_out', distribution: 'truncated_normal' }).apply([3, 3, 64, 128]);
    assertTruncated(stats(fanOut), Math.sqrt(1 / 1152), 'rank 4 fan_out');
  });
  it('divides by max(1, fan) so empty fans do not blow up', () => {
    const s = new initializers.VarianceScaling({ scale: 0.5 });
    assert.equal(s.scaledVariance([]), 0.5);
    assert.equal(s.scaledVariance([0, 4]), 0.5);
    assert.equal(s.scaledVariance([10, 4]), 0.05);
  });
});

describe('initializers: statistics of large draws match the Keras formulas', () => {
  setRandomSeed(2024);
  it('he_normal on [784, 300]: truncated normal with std sqrt(2/784)', () => {
    assertTruncated(stats(initializers.get('he_normal').apply([784, 300])), Math.sqrt(2 / 784), 'he_normal');
  });
  it('he_uniform: limit sqrt(6/fan_in)', () => {
    assertUniform(stats(initializers.get('he_uniform').apply([784, 300])), Math.sqrt(6 / 784), 'he_uniform');
  });
  it('glorot_uniform (Dense default): limit sqrt(6/(fan_in+fan_out))', () => {
    assertUniform(stats(initializers.get('glorot_uniform').apply([784, 300])), Math.sqrt(6 / 1084), 'glorot_uniform');
  });
  it('glorot_normal: truncated, std sqrt(2/(fan_in+fan_out))', () => {
    assertTruncated(stats(initializers.get('glorot_normal').apply([784, 300])), Math.sqrt(2 / 1084), 'glorot_normal');
  });
  it('lecun_normal: truncated, std sqrt(1/fan_in)', () => {
    assertTruncated(stats(initializers.get('lecun_normal').apply([300, 400])), Math.sqrt(1 / 300), 'lecun_normal');
  });
  it('lecun_uniform: limit sqrt(3/fan_in)', () => {
    assertUniform(stats(initializers.get('lecun_uniform').apply([300, 400])), Math.sqrt(3 / 300), 'lecun_uniform');
  });
  it('VarianceScaling(scale 2, fan_avg, uniform): the He-avg initializer of the chapter', () => {
    const init = new initializers.VarianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'uniform' });
    assertUniform(stats(init.apply([784, 300])), Math.sqrt((3 * 2) / ((784 + 300) / 2)), 'he avg');
  });
  it("VarianceScaling 'normal' is the truncated normal; untruncated_normal is not truncated", () => {
    assert.equal(new initializers.VarianceScaling({ distribution: 'normal' }).distribution, 'truncated_normal');
    const s = stats(new initializers.VarianceScaling({ scale: 3, distribution: 'untruncated_normal' }).apply([500, 400]));
    assertMoments(s, Math.sqrt(3 / 500), 'untruncated');
    // P(|z| > 2) = 4.55% for a normal; a truncated draw would have none.
    assert.ok(Math.abs(s.beyond2 - 0.0455) < 0.003, `fraction beyond 2 std: ${s.beyond2}`);
  });
  it('RandomNormal, RandomUniform and TruncatedNormal honour their parameters and Keras defaults', () => {
    assertMoments(stats(new initializers.RandomNormal().apply([400, 500])), 0.05, 'RandomNormal default');
    assertMoments(stats(new initializers.RandomNormal({ mean: 1, stddev: 2 }).apply([400, 500])), 2, 'RandomNormal(1, 2)', 1);
    assertUniform(stats(new initializers.RandomUniform().apply([400, 500])), 0.05, 'RandomUniform default');
    const u = stats(new initializers.RandomUniform({ minval: 2, maxval: 5 }).apply([400, 500]));
    assert.ok(u.min >= 2 && u.max < 5 && u.min < 2.01 && u.max > 4.99, `RandomUniform(2, 5): [${u.min}, ${u.max}]`);
    assertMoments(u, 3 / Math.sqrt(12), 'RandomUniform(2, 5)', 3.5);
    // TruncatedNormal: stddev is that of the underlying normal (no correction), bounded at mean ± 2 stddev.
    const t = stats(new initializers.TruncatedNormal({ mean: 0.5, stddev: 0.1 }).apply([400, 500]));
    assert.ok(t.min >= 0.3 - 1e-7 && t.max <= 0.7 + 1e-7 && t.min < 0.305 && t.max > 0.695, `TruncatedNormal: [${t.min}, ${t.max}]`);
    assertMoments(t, 0.1 * TRUNC, 'TruncatedNormal', 0.5);
  });
  it('draws in the requested dtype', () => {
    assert.equal(initializers.get('he_normal').apply([3, 4], 'float64').dtype, 'float64');
    assert.equal(initializers.get('glorot_uniform').apply([3, 4]).dtype, 'float32');
    assert.equal(initializers.get('orthogonal').apply([3, 4], 'float64').dtype, 'float64');
  });
});

describe('initializers: seeding (Keras 3 semantics)', () => {
  const same = (a: Tensor, b: Tensor) => assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  const differ = (a: Tensor, b: Tensor) => assert.notDeepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  for (const name of ['he_normal', 'glorot_uniform', 'random_normal', 'random_uniform', 'truncated_normal', 'orthogonal', 'variance_scaling']) {
    it(`${name}: setRandomSeed makes fresh unseeded initializers reproducible`, () => {
      setRandomSeed(42);
      const a = initializers.get(name).apply([20, 10]);
      const a2 = initializers.get(name).apply([20, 10]);
      setRandomSeed(42);
      const b = initializers.get(name).apply([20, 10]);
      const b2 = initializers.get(name).apply([20, 10]);
      same(a, b);
      same(a2, b2);
      differ(a, a2);
      setRandomSeed(43);
      differ(a, initializers.get(name).apply([20, 10]));
    });
  }
  it('a seeded initializer returns the same values at every call, whatever the global seed', () => {
    const init = new initializers.HeNormal({ seed: 7 });
    setRandomSeed(1);
    const a = init.apply([30, 5]);
    setRandomSeed(2);
    same(a, init.apply([30, 5]));
    same(a, new initializers.HeNormal({ seed: 7 }).apply([30, 5]));
    differ(a, new initializers.HeNormal({ seed: 8 }).apply([30, 5]));
  });
  it('an unseeded instance also repeats its values across calls (Keras 3), fresh instances do not', () => {
    const init = new initializers.GlorotUniform();
    same(init.apply([10, 10]), init.apply([10, 10]));
    differ(new initializers.GlorotUniform().apply([10, 10]), new initializers.GlorotUniform().apply([10, 10]));
  });
  it('rejects non-integer seeds', () => {
    assert.throws(() => new initializers.RandomNormal({ seed: 1.5 }), /RandomNormal: expected an integer seed, received 1.5/);
  });
});

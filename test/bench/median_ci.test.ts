// The Dashboard bench's 95% interval of a median (bench/dashboard.ts medianCi) vs exact binomial ranks from Python.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { medianCi } from '../../bench/dashboard.js';
import { loadGolden } from '../helpers/golden.js';

const g = loadGolden<{ ranks: Record<string, number>; samples: { values: number[]; interval: [number, number] }[] }>('median_ci.json');

describe('bench medianCi (distribution-free interval of a median)', () => {
  it('picks the order statistics of the exact binomial ranks for 1 to 201 values', () => {
    for (const [n, k] of Object.entries(g.ranks)) {
      // Values 1..n: the interval's ends are their ranks.
      const values = Array.from({ length: Number(n) }, (_, i) => Number(n) - i);
      const expected = k === 0 ? [1, Number(n)] : [k, Number(n) - k + 1];
      assert.deepEqual(medianCi(values), expected, `n = ${n}`);
    }
  });

  it('gives the intervals of the NumPy samples', () => {
    for (const s of g.samples) assert.deepEqual(medianCi(s.values), s.interval, `n = ${s.values.length}`);
  });
});

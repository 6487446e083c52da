"""Golden ranks of the distribution-free 95% confidence interval of a median (bench/dashboard.ts medianCi): for n values
sorted, the interval is [k-th smallest, k-th largest] with k the largest rank such that P(Binomial(n, 1/2) < k) <= 2.5%
(k = 0: no such rank, the whole range). Computed exactly with Python's integer binomial coefficients (math.comb,
fractions); plus the interval of fixed NumPy samples.

Run: /usr/bin/python3 scripts/golden/median_ci.py
"""
import json
import os

from fractions import Fraction
from math import comb

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), '..', '..', 'test', 'golden', 'median_ci.json')


def rank(n):
    k, cdf = 0, Fraction(0)
    while k < n:
        cdf += Fraction(comb(n, k), 2 ** n)  # now P(B <= k) = P(B < k + 1)
        if cdf > Fraction(1, 40):
            break
        k += 1
    return k


def interval(values):
    s = np.sort(np.asarray(values, dtype=np.float64))
    k = rank(len(s))
    return [float(s[0]), float(s[-1])] if k == 0 else [float(s[k - 1]), float(s[len(s) - k])]


rng = np.random.default_rng(17)
samples = [rng.normal(-0.02, 0.05, n).tolist() for n in (5, 9, 31, 101)]
with open(OUT, 'w') as f:
    json.dump({
        'generator': 'scripts/golden/median_ci.py', 'numpy': np.__version__,
        'ranks': {str(n): rank(n) for n in range(1, 202)},
        'samples': [{'values': v, 'interval': interval(v)} for v in samples],
    }, f)
    f.write('\n')

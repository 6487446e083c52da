// Max-pooling inner loops over the channels of one output pixel, written once over vec.inl and compiled per ISA (the
// window geometry, threading and zeroing live in native/conv.cc). Included inside an ISA's namespace only.

/**
 * y[j] = max over taps t of x[t][j] for j in [0, c), NaN-propagating: a NaN tap wins over any number, and a NaN
 * already held is kept (as the reference's `s > d || (s != s && d == d)`).
 */
void poolMaxRow(const float* const* x, long taps, float* y, long c) {
  for (long j = 0; j < c; j += W) {
    const long n = c - j;
    const bool full = n >= W;
    vf d = vset1(-INFINITY);
    for (long t = 0; t < taps; t++) {
      const vf s = full ? vload(x[t] + j) : vloadn(x[t] + j, n);
      d = vblend(vle(s, s), s, vblend(vlt(d, s), d, s));  // s NaN: s; else the larger (d kept on ties / NaN d)
    }
    if (full) vstore(y + j, d);
    else vstoren(y + j, d, n);
  }
}

/**
 * Routes dy[j] to the first tap holding the maximum of x[t][j] (a later tap wins only when strictly greater, so ties
 * and NaN go to the earliest tap): dx[t][j] += dy[j] when `accumulate` (overlapping windows, dx zeroed by the caller),
 * else dx[t][j] = dy[j] at the winner and 0 at every other tap (each input position in exactly one window).
 * `relu`: x is a ReLU's output and dx also takes its gradient: dy goes on only where the maximum is > 0 (0 where it
 * is not, or NaN), the same select as the relu activationGrad, so the result equals that pass after this one bit for bit.
 */
void poolMaxGradRow(const float* const* x, long taps, const float* dy, float* const* dx, long c, bool accumulate, bool relu) {
  for (long j = 0; j < c; j += W) {
    const long n = c - j;
    const bool full = n >= W;
    vf best = full ? vload(x[0] + j) : vloadn(x[0] + j, n);
    vf where = vzero();
    for (long t = 1; t < taps; t++) {
      const vf s = full ? vload(x[t] + j) : vloadn(x[t] + j, n);
      const vm more = vlt(best, s);
      best = vblend(more, best, s);
      where = vblend(more, where, vset1(static_cast<float>(t)));
    }
    const vf zero = vzero();
    vf g = full ? vload(dy + j) : vloadn(dy + j, n);
    if (relu) g = vblend(vlt(zero, best), zero, g);
    for (long t = 0; t < taps; t++) {
      // tap indices are small whole numbers held exactly as floats: |where - t| < 0.5 means where == t
      vf r = vblend(vlt(vabs(vsub(where, vset1(static_cast<float>(t)))), vset1(0.5f)), zero, g);
      float* d = dx[t] + j;
      if (accumulate) r = vadd(r, full ? vload(d) : vloadn(d, n));
      if (full) vstore(d, r);
      else vstoren(d, r, n);
    }
  }
}

// Direct convolution inner loops for inputs whose column entries are single floats (one input channel, e.g. a first
// layer on grey images): the taps are read straight from the image, with no unfolded column matrix and no GEMM
// packing. Written once over vec.inl and compiled per ISA; the window geometry (which taps, borders, threading)
// lives in native/conv.cc. Included inside an ISA's namespace only.

/**
 * V vectors (the last holding n - (V - 1) * W of them) of count pixels' filters j..j + n: y = act(sum over taps t
 * in order of x_t * w[t] + bias), x_t = src[t][p * step], the sum as the GEMM's (FMA from 0, then the bias).
 */
template <int V>
inline void convTapsBlock(const float* const* src, long k, long count, long step, const float* w, long f, long n,
                          const Epilogue& ep, float* y) {
  const bool full = n == V * W;
  const long tail = n - (V - 1) * W;
  for (long p = 0; p < count; p++) {
    vf acc[V];
    for (int v = 0; v < V; v++) acc[v] = vzero();
    for (long t = 0; t < k; t++) {
      const vf x = vset1(src[t][p * step]);
      const float* wt = w + t * f;
      for (int v = 0; v < V - 1; v++) acc[v] = vfmadd(x, vload(wt + v * W), acc[v]);
      acc[V - 1] = vfmadd(x, full ? vload(wt + (V - 1) * W) : vloadn(wt + (V - 1) * W, tail), acc[V - 1]);
    }
    float* yp = y + p * f;
    for (int v = 0; v < V; v++) {
      const bool last = v == V - 1;
      vf r = acc[v];
      if (ep.bias) r = vadd(r, last && !full ? vloadn(ep.bias + v * W, tail) : vload(ep.bias + v * W));
      if (ep.act) r = vact(ep.act, r, ep.alpha);
      if (last && !full) vstoren(yp + v * W, r, tail);
      else vstore(yp + v * W, r);
    }
  }
}

/**
 * y[p, 0:f] = act(sum over taps t of src[t][p * step] * w[t, 0:f] + bias) for pixels p in [0, count), y rows f apart
 * (ep: bias and activation). A tap outside the image points at a zero (step 0), as the column matrix holds zeros.
 */
void convTapsRows(const float* const* src, long k, long count, long step, const float* w, long f, const Epilogue& ep,
                  float* y) {
  long j = 0;
  for (; j + 4 * W <= f; j += 4 * W) {
    const Epilogue e{ep.bias ? ep.bias + j : nullptr, ep.act, ep.alpha};
    convTapsBlock<4>(src, k, count, step, w + j, f, 4 * W, e, y + j);
  }
  const long n = f - j;
  if (n == 0) return;
  const Epilogue e{ep.bias ? ep.bias + j : nullptr, ep.act, ep.alpha};
  if (n > 3 * W) convTapsBlock<4>(src, k, count, step, w + j, f, n, e, y + j);
  else if (n > 2 * W) convTapsBlock<3>(src, k, count, step, w + j, f, n, e, y + j);
  else if (n > W) convTapsBlock<2>(src, k, count, step, w + j, f, n, e, y + j);
  else convTapsBlock<1>(src, k, count, step, w + j, f, n, e, y + j);
}

/**
 * dw[t, 0:f] += sum over pixels p in [0, count) in order of src[t][p * step] * dz[p, 0:f] (dz rows f apart): the
 * kernel gradient of convTapsRows, a tap at a time so its accumulators stay in registers on every ISA.
 */
void convTapsGrad(const float* const* src, long k, long count, long step, const float* dz, long f, float* dw) {
  for (long t = 0; t < k; t++) {
    const float* x = src[t];
    float* d = dw + t * f;
    long j = 0;
    for (; j + 2 * W <= f; j += 2 * W) {
      vf a0 = vload(d + j), a1 = vload(d + j + W);
      for (long p = 0; p < count; p++) {
        const vf xv = vset1(x[p * step]);
        a0 = vfmadd(xv, vload(dz + p * f + j), a0);
        a1 = vfmadd(xv, vload(dz + p * f + j + W), a1);
      }
      vstore(d + j, a0);
      vstore(d + j + W, a1);
    }
    for (; j < f; j += W) {
      const long n = f - j < W ? f - j : W;
      vf a = vloadn(d + j, n);
      for (long p = 0; p < count; p++) a = vfmadd(vset1(x[p * step]), vloadn(dz + p * f + j, n), a);
      vstoren(d + j, a, n);
    }
  }
}

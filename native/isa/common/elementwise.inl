// Element-wise, reduction and softmax chunk kernels, written once and compiled per ISA (the plain loops are
// auto-vectorized for that ISA's width; exp-based ones use vec.inl). Included inside an ISA's namespace only.

void unaryChunk(int op, const float* x, float* y, long n, float alpha) {
  if (op < 100) {
    activateArray(op, alpha, x, y, n);
    return;
  }
  switch (op) {
    case U_NEG: for (long i = 0; i < n; i++) y[i] = -x[i]; break;
    case U_EXP: vmap(x, y, n, [](vf v) { return vexp(v); }); break;
    case U_EXPM1: vmap(x, y, n, [](vf v) { return vexpm1(v); }); break;
    case U_LOG: for (long i = 0; i < n; i++) y[i] = std::log(x[i]); break;
    case U_LOG1P: for (long i = 0; i < n; i++) y[i] = std::log1p(x[i]); break;
    case U_SQRT: for (long i = 0; i < n; i++) y[i] = std::sqrt(x[i]); break;
    case U_RSQRT: for (long i = 0; i < n; i++) y[i] = 1.f / std::sqrt(x[i]); break;
    case U_ABS: for (long i = 0; i < n; i++) y[i] = std::fabs(x[i]); break;
    case U_SQUARE: for (long i = 0; i < n; i++) y[i] = x[i] * x[i]; break;
    case U_RECIPROCAL: for (long i = 0; i < n; i++) y[i] = 1.f / x[i]; break;
    case U_SIN: for (long i = 0; i < n; i++) y[i] = std::sin(x[i]); break;
    case U_COS: for (long i = 0; i < n; i++) y[i] = std::cos(x[i]); break;
    case U_FLOOR: for (long i = 0; i < n; i++) y[i] = std::floor(x[i]); break;
    case U_CEIL: for (long i = 0; i < n; i++) y[i] = std::ceil(x[i]); break;
    case U_SIGN:
      for (long i = 0; i < n; i++) y[i] = x[i] > 0.f ? 1.f : x[i] < 0.f ? -1.f : x[i] == 0.f ? 0.f : x[i];
      break;
    default: break;
  }
}

void activationGradChunk(int act, const float* x, const float* y, const float* dy, float* out, long n, float alpha) {
  switch (act) {
    case ACT_RELU: for (long i = 0; i < n; i++) out[i] = x[i] > 0.f ? dy[i] : 0.f; break;
    case ACT_ELU: for (long i = 0; i < n; i++) out[i] = x[i] > 0.f ? dy[i] : dy[i] * (y[i] + alpha); break;
    case ACT_SELU:
      for (long i = 0; i < n; i++) out[i] = x[i] > 0.f ? dy[i] * SELU_SCALE : dy[i] * (y[i] + SELU_SCALE * SELU_ALPHA);
      break;
    case ACT_SIGMOID: for (long i = 0; i < n; i++) out[i] = dy[i] * y[i] * (1.f - y[i]); break;
    case ACT_TANH: for (long i = 0; i < n; i++) out[i] = dy[i] * (1.f - y[i] * y[i]); break;
    default: for (long i = 0; i < n; i++) out[i] = actGradScalar(act, x[i], y[i], dy[i], alpha); break;
  }
}

struct OpAdd { static float f(float a, float b) { return a + b; } };
struct OpSub { static float f(float a, float b) { return a - b; } };
struct OpMul { static float f(float a, float b) { return a * b; } };
struct OpDiv { static float f(float a, float b) { return a / b; } };
struct OpMax { static float f(float a, float b) { return (a >= b || a != a) ? a : b; } };
struct OpMin { static float f(float a, float b) { return (a <= b || a != a) ? a : b; } };
struct OpPow { static float f(float a, float b) { return std::pow(a, b); } };

template <typename O>
void binaryInner(const float* a, const float* b, float* out, long n, long sa, long sb) {
  if (sa == 1 && sb == 1) {
    for (long i = 0; i < n; i++) out[i] = O::f(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float bv = b[0];
    for (long i = 0; i < n; i++) out[i] = O::f(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const float av = a[0];
    for (long i = 0; i < n; i++) out[i] = O::f(av, b[i]);
  } else {
    for (long i = 0; i < n; i++) out[i] = O::f(a[i * sa], b[i * sb]);
  }
}

void binaryChunk(int op, const float* a, const float* b, float* out, long n, long sa, long sb) {
  switch (op) {
    case B_ADD: binaryInner<OpAdd>(a, b, out, n, sa, sb); break;
    case B_SUB: binaryInner<OpSub>(a, b, out, n, sa, sb); break;
    case B_MUL: binaryInner<OpMul>(a, b, out, n, sa, sb); break;
    case B_DIV: binaryInner<OpDiv>(a, b, out, n, sa, sb); break;
    case B_MAX: binaryInner<OpMax>(a, b, out, n, sa, sb); break;
    case B_MIN: binaryInner<OpMin>(a, b, out, n, sa, sb); break;
    case B_POW: binaryInner<OpPow>(a, b, out, n, sa, sb); break;
    default: break;
  }
}

void reduceRowsChunk(int op, const float* x, float* out, long outer, long r) {
  for (long o = 0; o < outer; o++) {
    const float* p = x + o * r;
    if (op == R_SUM) {
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      long i = 0;
      for (; i + 4 <= r; i += 4) {
        s0 += p[i];
        s1 += p[i + 1];
        s2 += p[i + 2];
        s3 += p[i + 3];
      }
      for (; i < r; i++) s0 += p[i];
      out[o] = static_cast<float>((s0 + s1) + (s2 + s3));
    } else {
      float acc = p[0];
      for (long i = 1; i < r; i++) {
        const float v = p[i];
        if (v != v) {
          acc = v;
          break;
        }
        if (op == R_MAX ? v > acc : v < acc) acc = v;
      }
      out[o] = acc;
    }
  }
}

void reduceColsChunk(int op, const float* x, float* out, long r, long inner, double* acc) {
  if (op == R_SUM) {
    for (long i = 0; i < inner; i++) acc[i] = 0.0;
    for (long k = 0; k < r; k++) {
      const float* row = x + k * inner;
      for (long i = 0; i < inner; i++) acc[i] += row[i];
    }
    for (long i = 0; i < inner; i++) out[i] = static_cast<float>(acc[i]);
    return;
  }
  for (long i = 0; i < inner; i++) out[i] = x[i];
  for (long k = 1; k < r; k++) {
    const float* row = x + k * inner;
    if (op == R_MAX) {
      for (long i = 0; i < inner; i++) out[i] = (row[i] > out[i] || row[i] != row[i]) && out[i] == out[i] ? row[i] : out[i];
    } else {
      for (long i = 0; i < inner; i++) out[i] = (row[i] < out[i] || row[i] != row[i]) && out[i] == out[i] ? row[i] : out[i];
    }
  }
}

void softmaxRowsChunk(const float* x, float* out, long r0, long r1, long n, bool log) {
  for (long r = r0; r < r1; r++) {
    const float* p = x + r * n;
    float* q = out + r * n;
    float m = -INFINITY;
    for (long i = 0; i < n; i++) m = std::fmax(m, p[i]);
    for (long i = 0; i < n; i++)
      if (p[i] != p[i]) m = p[i];
    const vf mv = vset1(m);
    vf sv = vzero();
    long i = 0;
    for (; i + W <= n; i += W) {
      const vf e = vexp(vsub(vload(p + i), mv));
      vstore(q + i, e);
      sv = vadd(sv, e);
    }
    if (i < n) {
      // Lanes past n load 0 and give exp(-m): blend them out of the sum.
      const vf e = vexp(vsub(vloadn(p + i, n - i), mv));
      vstoren(q + i, e, n - i);
      alignas(64) float lanes[W];
      vstore(lanes, e);
      for (long j = n - i; j < W; j++) lanes[j] = 0.f;
      sv = vadd(sv, vload(lanes));
    }
    const float sum = vsum(sv);
    if (log) {
      const float ls = std::log(sum);
      for (long j = 0; j < n; j++) q[j] = (p[j] - m) - ls;
    } else {
      const float inv = 1.f / sum;
      for (long j = 0; j < n; j++) q[j] *= inv;
    }
  }
}

void softmaxGradRowsChunk(const float* y, const float* dy, float* dx, long rows, long n) {
  for (long r = 0; r < rows; r++) {
    const float* yr = y + r * n;
    const float* gr = dy + r * n;
    float* out = dx + r * n;
    double acc = 0;
    for (long i = 0; i < n; i++) {
      const float p = gr[i] * yr[i];
      acc += static_cast<double>(p);
    }
    const float dot = static_cast<float>(acc);
    for (long i = 0; i < n; i++) {
      const float t = gr[i] - dot;
      out[i] = yr[i] * t;
    }
  }
}

// Float32 kernels besides GEMM: unary maths and activations, fused activation gradients, broadcasting
// binary ops, axis reductions and row softmax (optimizer updates: optimizer.cc).
#include "kernels.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "simd.h"
#include "threadpool.h"

namespace lw {
namespace {

constexpr long PAR_MIN = 1L << 16;  // elementwise work below this stays on the calling thread

/** Runs fn(begin, end) over [0, n) in one chunk per pool thread when n is large. */
template <typename F>
void parallelRange(long n, F&& fn) {
  ThreadPool& pool = ThreadPool::get();
  const long nth = pool.size();
  if (n < PAR_MIN || nth == 1) {
    fn(0L, n);
    return;
  }
  const long tasks = nth * TASKS_PER_THREAD;
  pool.run(static_cast<int>(tasks), [&](int t) {
    const long b = (n * t / tasks) & ~15L;
    const long e = t == tasks - 1 ? n : (n * (t + 1) / tasks) & ~15L;
    if (b < e) fn(b, e);
  });
}

#if LW_AVX512
template <typename V>
void map16(const float* x, float* y, long n, V vf) {
  long i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, vf(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 m = tailMask(n - i);
    _mm512_mask_storeu_ps(y + i, m, vf(_mm512_maskz_loadu_ps(m, x + i)));
  }
}
#endif

void unaryChunk(int op, const float* x, float* y, long n, float alpha) {
  if (op < 100) {
    activateArray(op, alpha, x, y, n);
    return;
  }
  switch (op) {
    case U_NEG: for (long i = 0; i < n; i++) y[i] = -x[i]; break;
    case U_EXP:
#if LW_AVX512
      map16(x, y, n, [](__m512 v) { return exp512(v); });
#else
      for (long i = 0; i < n; i++) y[i] = std::exp(x[i]);
#endif
      break;
    case U_EXPM1:
#if LW_AVX512
      map16(x, y, n, [](__m512 v) { return expm1512(v); });
#else
      for (long i = 0; i < n; i++) y[i] = std::expm1(x[i]);
#endif
      break;
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

template <typename O>
void binaryStrided(const float* a, const float* b, float* out, const std::vector<long>& shape,
                   const std::vector<long>& sa, const std::vector<long>& sb) {
  const int rank = static_cast<int>(shape.size());
  const long inner = shape[rank - 1];
  long outer = 1;
  for (int d = 0; d < rank - 1; d++) outer *= shape[d];
  auto rows = [&](long o0, long o1) {
    std::vector<long> idx(rank, 0);
    long rem = o0, ia = 0, ib = 0;
    for (int d = rank - 2; d >= 0; d--) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    for (long o = o0; o < o1; o++) {
      binaryInner<O>(a + ia, b + ib, out + o * inner, inner, sa[rank - 1], sb[rank - 1]);
      for (int d = rank - 2; d >= 0; d--) {
        ia += sa[d];
        ib += sb[d];
        if (++idx[d] < shape[d]) break;
        ia -= sa[d] * shape[d];
        ib -= sb[d] * shape[d];
        idx[d] = 0;
      }
    }
  };
  if (outer * inner < PAR_MIN || outer < 2) {
    rows(0, outer);
  } else {
    ThreadPool& pool = ThreadPool::get();
    const long nth = pool.size();
    pool.run(static_cast<int>(nth), [&](int t) { rows(outer * t / nth, outer * (t + 1) / nth); });
  }
}

}  // namespace

void unary(int op, const float* x, float* y, long n, float alpha) {
  parallelRange(n, [&](long b, long e) { unaryChunk(op, x + b, y + b, e - b, alpha); });
}

void activationGrad(int act, const float* x, const float* y, const float* dy, float* out, long n, float alpha) {
  parallelRange(n, [&](long b, long e) { activationGradChunk(act, x + b, y + b, dy + b, out + b, e - b, alpha); });
}

void binary(int op, const float* a, const float* b, float* out, const long* shape, const long* sa, const long* sb,
            int rank) {
  // Coalesce adjacent dimensions that are contiguous (or broadcast) in both operands.
  std::vector<long> s, xa, xb;
  for (int d = 0; d < rank; d++) {
    if (shape[d] == 1) continue;
    if (!s.empty() && xa.back() == sa[d] * shape[d] && xb.back() == sb[d] * shape[d]) {
      s.back() *= shape[d];
      xa.back() = sa[d];
      xb.back() = sb[d];
    } else {
      s.push_back(shape[d]);
      xa.push_back(sa[d]);
      xb.push_back(sb[d]);
    }
  }
  if (s.empty()) {
    s.push_back(1);
    xa.push_back(0);
    xb.push_back(0);
  }
  switch (op) {
    case B_ADD: binaryStrided<OpAdd>(a, b, out, s, xa, xb); break;
    case B_SUB: binaryStrided<OpSub>(a, b, out, s, xa, xb); break;
    case B_MUL: binaryStrided<OpMul>(a, b, out, s, xa, xb); break;
    case B_DIV: binaryStrided<OpDiv>(a, b, out, s, xa, xb); break;
    case B_MAX: binaryStrided<OpMax>(a, b, out, s, xa, xb); break;
    case B_MIN: binaryStrided<OpMin>(a, b, out, s, xa, xb); break;
    case B_POW: binaryStrided<OpPow>(a, b, out, s, xa, xb); break;
    default: break;
  }
}

void reduce3(int op, const float* x, float* out, long outer, long r, long inner) {
  if (inner == 1) {
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
          if (v != v) { acc = v; break; }
          if (op == R_MAX ? v > acc : v < acc) acc = v;
        }
        out[o] = acc;
      }
    }
    return;
  }
  if (op == R_SUM) {
    std::vector<double> acc(inner);
    for (long o = 0; o < outer; o++) {
      std::fill(acc.begin(), acc.end(), 0.0);
      const float* base = x + o * r * inner;
      for (long k = 0; k < r; k++) {
        const float* row = base + k * inner;
        for (long i = 0; i < inner; i++) acc[i] += row[i];
      }
      for (long i = 0; i < inner; i++) out[o * inner + i] = static_cast<float>(acc[i]);
    }
    return;
  }
  for (long o = 0; o < outer; o++) {
    const float* base = x + o * r * inner;
    float* dst = out + o * inner;
    for (long i = 0; i < inner; i++) dst[i] = base[i];
    for (long k = 1; k < r; k++) {
      const float* row = base + k * inner;
      if (op == R_MAX) {
        for (long i = 0; i < inner; i++) dst[i] = (row[i] > dst[i] || row[i] != row[i]) && dst[i] == dst[i] ? row[i] : dst[i];
      } else {
        for (long i = 0; i < inner; i++) dst[i] = (row[i] < dst[i] || row[i] != row[i]) && dst[i] == dst[i] ? row[i] : dst[i];
      }
    }
  }
}

void softmaxRows(const float* x, float* out, long rows, long n, bool log) {
  auto work = [&](long r0, long r1) {
    for (long r = r0; r < r1; r++) {
      const float* p = x + r * n;
      float* q = out + r * n;
      float m = -INFINITY;
      for (long i = 0; i < n; i++) m = std::fmax(m, p[i]);
      for (long i = 0; i < n; i++)
        if (p[i] != p[i]) m = p[i];
      float sum = 0.f;
#if LW_AVX512
      {
        const __m512 mv = _mm512_set1_ps(m);
        __m512 sv = _mm512_setzero_ps();
        long i = 0;
        for (; i + 16 <= n; i += 16) {
          const __m512 e = exp512(_mm512_sub_ps(_mm512_loadu_ps(p + i), mv));
          _mm512_storeu_ps(q + i, e);
          sv = _mm512_add_ps(sv, e);
        }
        if (i < n) {
          const __mmask16 mk = tailMask(n - i);
          const __m512 e = exp512(_mm512_sub_ps(_mm512_maskz_loadu_ps(mk, p + i), mv));
          _mm512_mask_storeu_ps(q + i, mk, e);
          sv = _mm512_add_ps(sv, _mm512_maskz_mov_ps(mk, e));
        }
        sum = _mm512_reduce_add_ps(sv);
      }
#else
      for (long i = 0; i < n; i++) {
        q[i] = std::exp(p[i] - m);
        sum += q[i];
      }
#endif
      if (log) {
        const float ls = std::log(sum);
        for (long i = 0; i < n; i++) q[i] = (p[i] - m) - ls;
      } else {
        const float inv = 1.f / sum;
        for (long i = 0; i < n; i++) q[i] *= inv;
      }
    }
  };
  ThreadPool& pool = ThreadPool::get();
  if (rows * n < PAR_MIN || rows < 2 || pool.size() == 1) {
    work(0, rows);
  } else {
    const long nth = pool.size();
    pool.run(static_cast<int>(nth), [&](int t) { work(rows * t / nth, rows * (t + 1) / nth); });
  }
}

}  // namespace lw

namespace lw {

void softmaxGradRows(const float* y, const float* dy, float* dx, long rows, long n) {
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

}  // namespace lw

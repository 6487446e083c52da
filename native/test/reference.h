// Scalar double-precision references and the comparison helpers of native/test/kernels_test.cc. Each reference
// returns the expected values with a per-element tolerance derived from the float rounding the kernel may do.
#pragma once
#include <chrono>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <random>
#include <vector>

#include "../ops.h"

namespace lwtest {

/** Expected values and their tolerances (NaN expects NaN, +-inf expects the same infinity). */
struct Check {
  std::vector<double> want, tol;
  explicit Check(long n = 0) : want(static_cast<size_t>(n)), tol(static_cast<size_t>(n)) {}
};

struct State {
  const char* path = "";
  long arrays = 0, values = 0, failures = 0;
  std::chrono::steady_clock::time_point t0;
};
inline State& state() {
  static State s;
  return s;
}

inline void beginPath(const char* path) {
  State& s = state();
  s = State{};
  s.path = path;
  s.t0 = std::chrono::steady_clock::now();
}

/** Prints the path's summary line; 1 when any check failed. */
inline int endPath() {
  const State& s = state();
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.t0).count();
  std::printf("%s %s: %ld arrays, %ld values checked, %ld failed (%.1f s)\n", s.failures ? "FAIL" : "ok", s.path, s.arrays,
              s.values, s.failures, sec);
  return s.failures ? 1 : 0;
}

inline void report(long i, double got, double want, double tol, const char* fmt, va_list ap) {
  State& s = state();
  if (++s.failures > 20) return;
  char what[256];
  std::vsnprintf(what, sizeof what, fmt, ap);
  std::printf("  mismatch [%s] %s: at %ld got %.9g, want %.9g (tolerance %.3g)\n", s.path, what, i, got, want, tol);
}

/** got[i] against want[i] +- tol[i]; reports the first mismatch of the array. */
__attribute__((format(printf, 3, 4))) inline void expect(const float* got, const Check& c, const char* fmt, ...) {
  State& s = state();
  s.arrays++;
  for (size_t i = 0; i < c.want.size(); i++) {
    s.values++;
    const double g = got[i], w = c.want[i];
    const bool ok = std::isnan(w) ? std::isnan(g) : std::isinf(w) ? g == w : std::fabs(g - w) <= c.tol[i];
    if (!ok) {
      va_list ap;
      va_start(ap, fmt);
      report(static_cast<long>(i), g, w, c.tol[i], fmt, ap);
      va_end(ap);
      return;
    }
  }
}

/** got and want equal bit for bit (the fused paths promise identical rounding). */
__attribute__((format(printf, 4, 5))) inline void expectSame(const float* got, const float* want, long n, const char* fmt, ...) {
  State& s = state();
  s.arrays++;
  for (long i = 0; i < n; i++) {
    s.values++;
    if (got[i] != want[i] && !(std::isnan(got[i]) && std::isnan(want[i]))) {
      va_list ap;
      va_start(ap, fmt);
      report(i, got[i], want[i], 0, fmt, ap);
      va_end(ap);
      return;
    }
  }
}

inline double actRef(int act, double x, double alpha) {
  using namespace lw;
  switch (act) {
    case ACT_RELU: return x > 0 ? x : 0;
    case ACT_RELU6: return x > 0 ? (x < 6 ? x : 6) : 0;
    case ACT_LEAKY: return x >= 0 ? x : alpha * x;
    case ACT_ELU: return x > 0 ? x : alpha * std::expm1(x);
    case ACT_SELU: return x > 0 ? SELU_SCALE * x : SELU_SCALE * (double)SELU_ALPHA * std::expm1(x);
    case ACT_SIGMOID: return 1 / (1 + std::exp(-x));
    case ACT_TANH: return std::tanh(x);
    case ACT_SOFTPLUS: return std::log1p(std::exp(-std::fabs(x))) + (x > 0 ? x : 0);
    default: return x;
  }
}

/** Relative and absolute tolerance of the elementwise kernels (polynomial exp, cancellation in 1 - t near 0). */
constexpr double RTOL = 1e-5, ATOL = 1e-7;

inline Check gemmRef(long M, long N, long K, const float* A, long rsa, long csa, const float* B, long rsb, long csb,
                     const lw::Epilogue& ep) {
  Check c(M * N);
  for (long i = 0; i < M; i++)
    for (long j = 0; j < N; j++) {
      double s = 0, mag = 0;
      for (long p = 0; p < K; p++) {
        const double t = static_cast<double>(A[i * rsa + p * csa]) * B[p * rsb + j * csb];
        s += t;
        mag += std::fabs(t);
      }
      if (ep.bias) s += ep.bias[j], mag += std::fabs(ep.bias[j]);
      const double y = actRef(ep.act, s, ep.alpha);
      c.want[i * N + j] = std::isnan(mag) ? NAN : y;
      c.tol[i * N + j] = 8e-6 * mag + RTOL * std::fabs(y) + 1e-6;
    }
  return c;
}

inline Check unaryRef(int op, const float* x, long n, float alpha) {
  using namespace lw;
  Check c(n);
  for (long i = 0; i < n; i++) {
    const double v = x[i];
    double y;
    switch (op) {
      case U_NEG: y = -v; break;
      case U_EXP: y = static_cast<float>(std::exp(v)); break;  // overflow to inf as float does
      case U_EXPM1: y = std::expm1(v); break;
      case U_LOG: y = std::log(v); break;
      case U_LOG1P: y = std::log1p(v); break;
      case U_SQRT: y = std::sqrt(v); break;
      case U_RSQRT: y = 1 / std::sqrt(v); break;
      case U_ABS: y = std::fabs(v); break;
      case U_SQUARE: y = v * v; break;
      case U_RECIPROCAL: y = 1 / v; break;
      case U_SIN: y = std::sin(v); break;
      case U_COS: y = std::cos(v); break;
      case U_FLOOR: y = std::floor(v); break;
      case U_CEIL: y = std::ceil(v); break;
      case U_SIGN: y = v > 0 ? 1 : v < 0 ? -1 : v; break;
      default: y = actRef(op, v, alpha);
    }
    c.want[i] = y;
    c.tol[i] = RTOL * std::fabs(y) + ATOL;
  }
  return c;
}

inline double actGradRef(int act, double x, double y, double dy, double alpha) {
  using namespace lw;
  switch (act) {
    case ACT_RELU: return x > 0 ? dy : 0;
    case ACT_RELU6: return x > 0 && x < 6 ? dy : 0;
    case ACT_LEAKY: return x > 0 ? dy : alpha * dy;
    case ACT_ELU: return x > 0 ? dy : dy * (y + alpha);
    case ACT_SELU: return x > 0 ? dy * SELU_SCALE : dy * (y + (double)SELU_SCALE * SELU_ALPHA);
    case ACT_SIGMOID: return dy * y * (1 - y);
    case ACT_TANH: return dy * (1 - y * y);
    case ACT_SOFTPLUS: return dy / (1 + std::exp(-x));
    default: return dy;
  }
}

inline Check activationGradRef(int act, const float* x, const float* y, const float* dy, long n, float alpha) {
  Check c(n);
  for (long i = 0; i < n; i++) {
    c.want[i] = actGradRef(act, x[i], y[i], dy[i], alpha);
    c.tol[i] = RTOL * (std::fabs(c.want[i]) + std::fabs(dy[i]) * 1e-2) + ATOL;
  }
  return c;
}

/** a [r, c] op b [r, c] read through element strides sa, sb (0 broadcasts). */
inline Check binaryRef(int op, const float* a, const float* b, long r, long cols, const long* sa, const long* sb) {
  using namespace lw;
  Check c(r * cols);
  for (long i = 0; i < r; i++)
    for (long j = 0; j < cols; j++) {
      const double x = a[i * sa[0] + j * sa[1]], y = b[i * sb[0] + j * sb[1]];
      const bool nan = std::isnan(x) || std::isnan(y);
      double v = op == B_ADD ? x + y : op == B_SUB ? x - y : op == B_MUL ? x * y : op == B_DIV ? x / y
               : op == B_MAX ? (nan ? NAN : std::fmax(x, y)) : op == B_MIN ? (nan ? NAN : std::fmin(x, y)) : std::pow(x, y);
      c.want[i * cols + j] = v;
      c.tol[i * cols + j] = 2e-6 * std::fabs(v) + ATOL;
    }
  return c;
}

inline Check reduceRef(int op, const float* x, long outer, long r, long inner) {
  Check c(outer * inner);
  for (long o = 0; o < outer; o++)
    for (long i = 0; i < inner; i++) {
      double acc = op == lw::R_SUM ? 0 : x[o * r * inner + i], mag = 0;
      bool nan = false;
      for (long k = 0; k < r; k++) {
        const double v = x[(o * r + k) * inner + i];
        nan = nan || std::isnan(v);
        mag += std::fabs(v);
        acc = op == lw::R_SUM ? acc + v : op == lw::R_MAX ? std::fmax(acc, v) : std::fmin(acc, v);
      }
      c.want[o * inner + i] = nan ? NAN : acc;
      c.tol[o * inner + i] = 1e-6 * mag + ATOL;
    }
  return c;
}

inline Check softmaxRef(const float* x, long rows, long n, bool log) {
  Check c(rows * n);
  for (long r = 0; r < rows; r++) {
    const float* p = x + r * n;
    double m = -INFINITY, s = 0;
    bool nan = false;
    for (long i = 0; i < n; i++) m = std::fmax(m, p[i]), nan = nan || std::isnan(p[i]);
    for (long i = 0; i < n; i++) s += std::exp(p[i] - m);
    for (long i = 0; i < n; i++) {
      const double v = nan ? NAN : log ? (p[i] - m) - std::log(s) : std::exp(p[i] - m) / s;
      c.want[r * n + i] = v;
      c.tol[r * n + i] = RTOL * std::fabs(v) + (log ? 1e-6 : 1e-8);
    }
  }
  return c;
}

/** Rows of a softmax output (positive, summing to 1), as softmaxGrad receives. */
inline std::vector<float> softmaxInput(long rows, long n, std::mt19937& rng) {
  std::uniform_real_distribution<float> d(0.05f, 1.f);
  std::vector<float> y(static_cast<size_t>(rows * n));
  for (long r = 0; r < rows; r++) {
    double s = 0;
    for (long i = 0; i < n; i++) s += (y[r * n + i] = d(rng));
    for (long i = 0; i < n; i++) y[r * n + i] = static_cast<float>(y[r * n + i] / s);
  }
  return y;
}

inline Check softmaxGradRef(const float* y, const float* dy, long rows, long n) {
  Check c(rows * n);
  for (long r = 0; r < rows; r++) {
    double dot = 0, mag = 0;
    for (long i = 0; i < n; i++) dot += static_cast<double>(dy[r * n + i]) * y[r * n + i], mag += std::fabs(dy[r * n + i] * y[r * n + i]);
    for (long i = 0; i < n; i++) {
      const long k = r * n + i;
      c.want[k] = y[k] * (dy[k] - dot);
      c.tol[k] = 2e-6 * std::fabs(y[k]) * (std::fabs(dy[k]) + mag) + ATOL;
    }
  }
  return c;
}

struct BnRef { Check y, mean, var, dx, dgamma, dbeta; };

inline BnRef batchNormRef(const float* x, const float* gamma, const float* beta, float eps, long rows, long c, const float* dy) {
  BnRef r{Check(rows * c), Check(c), Check(c), Check(rows * c), Check(c), Check(c)};
  for (long j = 0; j < c; j++) {
    double mean = 0, var = 0, sdy = 0, sdyx = 0, mag = 0;
    for (long i = 0; i < rows; i++) mean += x[i * c + j], mag += std::fabs(x[i * c + j]);
    mean /= rows;
    for (long i = 0; i < rows; i++) var += (x[i * c + j] - mean) * (x[i * c + j] - mean);
    var /= rows;
    const double rstd = 1 / std::sqrt(var + eps), g = gamma ? gamma[j] : 1, b = beta ? beta[j] : 0;
    for (long i = 0; i < rows; i++) {
      const double xh = (x[i * c + j] - mean) * rstd;
      sdy += dy[i * c + j];
      sdyx += dy[i * c + j] * xh;
      r.y.want[i * c + j] = xh * g + b;
      r.y.tol[i * c + j] = 2e-5 * (std::fabs(xh * g) + std::fabs(b) + 1);
    }
    double gmag = 0;
    for (long i = 0; i < rows; i++) {
      const double xh = (x[i * c + j] - mean) * rstd;
      const double d = g * rstd * (dy[i * c + j] - sdy / rows - xh * sdyx / rows);
      r.dx.want[i * c + j] = d;
      r.dx.tol[i * c + j] = 1e-4 * std::fabs(g) * rstd * (std::fabs(dy[i * c + j]) + 1) + 1e-5;
      gmag += std::fabs(dy[i * c + j]) * (std::fabs(xh) + 1);
    }
    r.mean.want[j] = mean, r.mean.tol[j] = 1e-6 * mag / rows + ATOL;
    r.var.want[j] = var, r.var.tol[j] = 1e-5 * (var + mag * mag / rows / rows) + ATOL;
    r.dgamma.want[j] = sdyx, r.dgamma.tol[j] = 1e-5 * gmag + 1e-5;
    r.dbeta.want[j] = sdy, r.dbeta.tol[j] = 1e-6 * gmag + ATOL;
  }
  return r;
}

inline Check scaleShiftRef(const float* x, const float* scale, const float* shift, long rows, long c) {
  Check r(rows * c);
  for (long i = 0; i < rows * c; i++) {
    r.want[i] = static_cast<double>(x[i]) * scale[i % c] + shift[i % c];
    r.tol[i] = 2e-7 * (std::fabs(x[i] * scale[i % c]) + std::fabs(shift[i % c])) + ATOL;
  }
  return r;
}

struct OptRef { Check w; std::vector<Check> slots; };

/** One optimizer step in double (the formulas of src/backend/reference/optimizer.ts); s: the slots before it. */
inline OptRef optimizerRef(int kind, const float* w0, const float* g, const std::vector<float>* s, int nslots, long n, const lw::OptHyper& h) {
  using namespace lw;
  OptRef r{Check(n), std::vector<Check>(static_cast<size_t>(nslots), Check(n))};
  for (long i = 0; i < n; i++) {
    double w = w0[i] * (1 - static_cast<double>(h.lr) * h.weightDecay), sl[4] = {0, 0, 0, 0};
    for (int k = 0; k < nslots; k++) sl[k] = s[k][i];
    const double lr = h.lr, gi = g[i];
    if (kind == O_SGD && (h.momentum == 0 || nslots == 0)) {
      w -= lr * gi;
    } else if (kind == O_SGD) {
      sl[0] = h.momentum * sl[0] - lr * gi;
      w += h.nesterov ? h.momentum * sl[0] - lr * gi : sl[0];
    } else if (kind == O_ADAM) {
      const double a = lr * std::sqrt(1 - std::pow((double)h.beta2, h.iteration)) / (1 - std::pow((double)h.beta1, h.iteration));
      sl[0] += (gi - sl[0]) * (1 - h.beta1);
      sl[1] += (gi * gi - sl[1]) * (1 - h.beta2);
      double v = sl[1];
      if (h.amsgrad && nslots > 2) v = sl[2] = std::fmax(sl[2], sl[1]);
      w -= a * sl[0] / (std::sqrt(v) + h.epsilon);
    } else {
      sl[0] = h.rho * sl[0] + (1 - h.rho) * gi * gi;
      int k = 1;
      const int ms = h.momentum > 0 ? k++ : -1, mg = h.centered ? k++ : -1;
      double denom = sl[0];
      if (mg >= 0) sl[mg] = h.rho * sl[mg] + (1 - h.rho) * gi, denom -= sl[mg] * sl[mg];
      const double inc = lr * gi / std::sqrt(denom + h.epsilon);
      if (ms >= 0) sl[ms] = h.momentum * sl[ms] + inc, w -= sl[ms];
      else w -= inc;
    }
    r.w.want[i] = w, r.w.tol[i] = 2e-6 * std::fabs(w) + 1e-6;
    for (int k = 0; k < nslots; k++) r.slots[k].want[i] = sl[k], r.slots[k].tol[i] = 1e-5 * std::fabs(sl[k]) + 1e-6;
  }
  return r;
}

struct DenseRef { Check dx, dw, db; };

/** dz = dy * act'(from y), dx = dz W^T, dW = x^T dz, db = column sums of dz. */
inline DenseRef denseGradRef(int act, float alpha, const float* x, const float* w, const float* y, const float* dy, long m, long k, long n) {
  std::vector<double> dz(static_cast<size_t>(m * n));
  for (long i = 0; i < m * n; i++) dz[i] = actGradRef(act, y[i], y[i], dy[i], alpha);
  DenseRef r{Check(m * k), Check(k * n), Check(n)};
  for (long i = 0; i < m; i++)
    for (long p = 0; p < k; p++) {
      double s = 0, mag = 0;
      for (long j = 0; j < n; j++) s += dz[i * n + j] * w[p * n + j], mag += std::fabs(dz[i * n + j] * w[p * n + j]);
      r.dx.want[i * k + p] = s, r.dx.tol[i * k + p] = 8e-6 * mag + 1e-6;
    }
  for (long p = 0; p < k; p++)
    for (long j = 0; j < n; j++) {
      double s = 0, mag = 0;
      for (long i = 0; i < m; i++) s += x[i * k + p] * dz[i * n + j], mag += std::fabs(x[i * k + p] * dz[i * n + j]);
      r.dw.want[p * n + j] = s, r.dw.tol[p * n + j] = 8e-6 * mag + 1e-6;
    }
  for (long j = 0; j < n; j++) {
    double s = 0, mag = 0;
    for (long i = 0; i < m; i++) s += dz[i * n + j], mag += std::fabs(dz[i * n + j]);
    r.db.want[j] = s, r.db.tol[j] = 4e-6 * mag + 1e-6;
  }
  return r;
}

}  // namespace lwtest

// Drivers of the float32 kernels besides GEMM: unary maths and activations, fused activation gradients,
// broadcasting binary ops, axis reductions and row softmax. Threading and stride walking here, the arithmetic in
// the active ISA's chunk kernels (isa.h); batch norm: batchnorm.cc, optimizer updates: optimizer.cc.
#include "kernels.h"

#include <vector>

#include "isa.h"
#include "threadpool.h"

namespace lw {
namespace {

constexpr long PAR_MIN = 1L << 16;  // elementwise work below this stays on the calling thread

/** Runs fn(begin, end) over [0, n) in chunks of whole 16-float groups per pool thread when n is large. */
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

/** Runs fn(r0, r1) over [0, rows) split into one range per pool thread when rows * n is large. */
template <typename F>
void parallelRows(long rows, long n, F&& fn) {
  ThreadPool& pool = ThreadPool::get();
  if (rows * n < PAR_MIN || rows < 2 || pool.size() == 1) {
    fn(0L, rows);
    return;
  }
  const long nth = pool.size();
  pool.run(static_cast<int>(nth), [&](int t) { fn(rows * t / nth, rows * (t + 1) / nth); });
}

}  // namespace

void unary(int op, const float* x, float* y, long n, float alpha) {
  const IsaKernels& k = isa();
  parallelRange(n, [&](long b, long e) { k.unary(op, x + b, y + b, e - b, alpha); });
}

void activationGrad(int act, const float* x, const float* y, const float* dy, float* out, long n, float alpha) {
  const IsaKernels& k = isa();
  parallelRange(n, [&](long b, long e) { k.activationGrad(act, x + b, y + b, dy + b, out + b, e - b, alpha); });
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
  const IsaKernels& k = isa();
  const int r = static_cast<int>(s.size());
  const long inner = s[r - 1];
  long outer = 1;
  for (int d = 0; d < r - 1; d++) outer *= s[d];
  parallelRows(outer, inner, [&](long o0, long o1) {
    std::vector<long> idx(r, 0);
    long rem = o0, ia = 0, ib = 0;
    for (int d = r - 2; d >= 0; d--) {
      idx[d] = rem % s[d];
      rem /= s[d];
      ia += idx[d] * xa[d];
      ib += idx[d] * xb[d];
    }
    for (long o = o0; o < o1; o++) {
      k.binary(op, a + ia, b + ib, out + o * inner, inner, xa[r - 1], xb[r - 1]);
      for (int d = r - 2; d >= 0; d--) {
        ia += xa[d];
        ib += xb[d];
        if (++idx[d] < s[d]) break;
        ia -= xa[d] * s[d];
        ib -= xb[d] * s[d];
        idx[d] = 0;
      }
    }
  });
}

void reduce3(int op, const float* x, float* out, long outer, long r, long inner) {
  const IsaKernels& k = isa();
  if (inner == 1) {
    k.reduceRows(op, x, out, outer, r);
    return;
  }
  std::vector<double> acc(op == R_SUM ? inner : 0);
  for (long o = 0; o < outer; o++) k.reduceCols(op, x + o * r * inner, out + o * inner, r, inner, acc.data());
}

void softmaxRows(const float* x, float* out, long rows, long n, bool log) {
  const IsaKernels& k = isa();
  parallelRows(rows, n, [&](long r0, long r1) { k.softmaxRows(x, out, r0, r1, n, log); });
}

void softmaxGradRows(const float* y, const float* dy, float* dx, long rows, long n) {
  isa().softmaxGradRows(y, dy, dx, rows, n);
}

}  // namespace lw

// Kernel-vs-scalar-reference test of the native kernel core (no N-API), run once per ISA path this CPU supports
// (or the paths named on the command line). Built and run by test/backend/neon_kernels.test.ts: cross-compiled for
// aarch64 and run under qemu-aarch64 (the NEON path), and natively (every x86-64 path the host runs). References
// are plain double-precision loops; sizes include 1, odd sizes and non-multiples of every vector width.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../gemm.h"
#include "../isa.h"
#include "../kernels.h"
#include "reference.h"

using namespace lw;
using namespace lwtest;

namespace {

std::mt19937 rng(1234);
std::vector<float> rand(long n, float lo = -2.f, float hi = 2.f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = d(rng);
  return v;
}

const long SIZES[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 100};

void testGemm() {
  const long Ms[] = {1, 2, 3, 7, 8, 9, 13, 17, 33};
  const long Ns[] = {1, 3, 4, 5, 8, 11, 12, 13, 16, 17, 31, 48, 49, 97};
  const long Ks[] = {1, 2, 3, 7, 16, 17, 64, 300};
  int c = 0;
  for (int tA = 0; tA < 2; tA++)
    for (int tB = 0; tB < 2; tB++)
      for (long M : Ms)
        for (long N : Ns)
          for (long K : Ks) {
            const auto A = rand(M * K), B = rand(K * N), bias = rand(N);
            Epilogue ep;
            ep.act = c % 8;  // every fusable activation (softplus is applied after the product)
            ep.alpha = ep.act == ACT_ELU ? 1.f : 0.2f;
            ep.bias = c % 2 ? bias.data() : nullptr;
            c++;
            // A [M,K] stored [K,M] when transposed; B [K,N] stored [N,K].
            const long rsa = tA ? 1 : K, csa = tA ? M : 1, rsb = tB ? 1 : N, csb = tB ? K : 1;
            std::vector<float> C(static_cast<size_t>(M * N), NAN);
            sgemm(M, N, K, A.data(), rsa, csa, B.data(), rsb, csb, C.data(), N, ep);
            const Check want = gemmRef(M, N, K, A.data(), rsa, csa, B.data(), rsb, csb, ep);
            expect(C.data(), want, "gemm M=%ld N=%ld K=%ld tA=%d tB=%d act=%d bias=%d", M, N, K, tA, tB, ep.act,
                   ep.bias != nullptr);
          }
  // Several K blocks, the thread split and the packing transpose; then the SGD epilogue (C -= rate * A B).
  for (int tB = 0; tB < 2; tB++) {
    const long M = 67, N = 150, K = 1100;
    const auto A = rand(M * K, -1.f, 1.f), B = rand(K * N, -1.f, 1.f), bias = rand(N);
    Epilogue ep;
    ep.bias = bias.data();
    ep.act = ACT_TANH;
    std::vector<float> C(static_cast<size_t>(M * N));
    const long rsb = tB ? 1 : N, csb = tB ? K : 1;
    sgemm(M, N, K, A.data(), K, 1, B.data(), rsb, csb, C.data(), N, ep);
    expect(C.data(), gemmRef(M, N, K, A.data(), K, 1, B.data(), rsb, csb, ep), "gemm big tB=%d", tB);
    Epilogue step;
    step.sgd = true;
    step.sgdRate = 0.05f;
    std::vector<float> W = rand(M * N);
    Check ref = gemmRef(M, N, K, A.data(), K, 1, B.data(), rsb, csb, Epilogue{});
    for (size_t i = 0; i < W.size(); i++) {
      ref.want[i] = W[i] - 0.05 * ref.want[i];
      ref.tol[i] = 0.05 * ref.tol[i] + 1e-6 * std::fabs(W[i]);
    }
    sgemm(M, N, K, A.data(), K, 1, B.data(), rsb, csb, W.data(), N, step);
    expect(W.data(), ref, "gemm sgd epilogue tB=%d", tB);
  }
  // NaN and inf in A reach exactly their row of C.
  for (float bad : {NAN, INFINITY}) {
    const long M = 9, N = 13, K = 5;
    auto A = rand(M * K), B = rand(K * N, 0.5f, 1.f);
    A[3 * K + 2] = bad;
    std::vector<float> C(static_cast<size_t>(M * N));
    sgemm(M, N, K, A.data(), K, 1, B.data(), N, 1, C.data(), N, Epilogue{});
    expect(C.data(), gemmRef(M, N, K, A.data(), K, 1, B.data(), N, 1, Epilogue{}), "gemm with %g in A", bad);
  }
}

void testUnary() {
  const int ops[] = {ACT_RELU, ACT_RELU6, ACT_LEAKY, ACT_ELU, ACT_SELU, ACT_SIGMOID, ACT_TANH, ACT_SOFTPLUS, U_NEG,
                     U_EXP, U_EXPM1, U_LOG, U_LOG1P, U_SQRT, U_RSQRT, U_ABS, U_SQUARE, U_RECIPROCAL, U_SIN, U_COS,
                     U_FLOOR, U_CEIL, U_SIGN};
  for (int op : ops) {
    const bool positive = op == U_LOG || op == U_LOG1P || op == U_SQRT || op == U_RSQRT || op == U_RECIPROCAL;
    for (long n : {1L, 3L, 4L, 5L, 7L, 8L, 15L, 16L, 17L, 33L, 1000L}) {
      auto x = positive ? rand(n, 0.05f, 6.f) : rand(n, -6.f, 6.f);
      if (n > 8) x[1] = 0.01f, x[2] = -0.001f, x[3] = 30.f;  // the series near 0, the saturated range
      if (n > 8 && !positive) x[4] = -95.f;  // exp's underflow
      const float alpha = op == ACT_ELU ? 1.f : 0.2f;
      std::vector<float> y(static_cast<size_t>(n));
      unary(op, x.data(), y.data(), n, alpha);
      expect(y.data(), unaryRef(op, x.data(), n, alpha), "unary op=%d n=%ld", op, n);
    }
  }
  // NaN: through every smooth op; relu and relu6 give 0 (x > 0 ? x : 0, as the reference). exp of +-inf, overflow.
  const int nanOps[] = {ACT_RELU, ACT_RELU6, ACT_LEAKY, ACT_ELU, ACT_SELU, ACT_SIGMOID, ACT_TANH,
                        U_EXP, U_EXPM1, U_NEG, U_ABS, U_SQUARE};
  for (int op : nanOps) {
    float x[5] = {NAN, 1.f, -1.f, NAN, 0.5f}, y[5];
    unary(op, x, y, 5, 0.2f);
    expect(y, unaryRef(op, x, 5, 0.2f), "unary op=%d with NaN", op);
  }
  float x[6] = {INFINITY, -INFINITY, 100.f, 89.f, -104.f, -88.f}, y[6];
  unary(U_EXP, x, y, 6, 0.f);
  expect(y, unaryRef(U_EXP, x, 6, 0.f), "exp of inf, -inf and near the float range");
}

void testActivationGrad() {
  for (int act = ACT_LINEAR; act <= ACT_SOFTPLUS; act++)
    for (long n : SIZES) {
      const float alpha = act == ACT_ELU ? 1.f : 0.2f;
      const auto x = rand(n, -7.f, 7.f), dy = rand(n);
      std::vector<float> y(static_cast<size_t>(n)), out(static_cast<size_t>(n));
      for (long i = 0; i < n; i++) y[i] = static_cast<float>(actRef(act, x[i], alpha));
      activationGrad(act, x.data(), y.data(), dy.data(), out.data(), n, alpha);
      expect(out.data(), activationGradRef(act, x.data(), y.data(), dy.data(), n, alpha), "activationGrad act=%d n=%ld",
             act, n);
    }
}

void testBinary() {
  for (int op = B_ADD; op <= B_POW; op++)
    for (long r : {1L, 3L, 17L})
      for (long c : {1L, 4L, 5L, 33L}) {
        // [r, c] op [r, c], [r, c] op [1, c], [1, 1] op [r, c]
        const auto a = op == B_POW ? rand(r * c, 0.1f, 3.f) : rand(r * c), b = rand(r * c, 0.25f, 2.f);
        const long shape[2] = {r, c};
        const long full[2] = {c, 1}, row[2] = {0, 1}, scalar[2] = {0, 0};
        const long* cases[3][2] = {{full, full}, {full, row}, {scalar, full}};
        for (auto& cs : cases) {
          std::vector<float> out(static_cast<size_t>(r * c));
          binary(op, a.data(), b.data(), out.data(), shape, cs[0], cs[1], 2);
          expect(out.data(), binaryRef(op, a.data(), b.data(), r, c, cs[0], cs[1]), "binary op=%d [%ld,%ld] sa=(%ld,%ld) sb=(%ld,%ld)",
                 op, r, c, cs[0][0], cs[0][1], cs[1][0], cs[1][1]);
        }
      }
  float a[5] = {NAN, 1.f, 2.f, NAN, -1.f}, b[5] = {1.f, NAN, 3.f, NAN, -2.f};
  for (int op : {B_MAX, B_MIN, B_ADD}) {
    const long shape[1] = {5}, s[1] = {1}, s2[2] = {5, 1};
    float out[5];
    binary(op, a, b, out, shape, s, s, 1);
    expect(out, binaryRef(op, a, b, 1, 5, s2, s2), "binary op=%d with NaN", op);
  }
}

void testReduce() {
  const long cases[][3] = {{1, 1, 1}, {3, 5, 1}, {1, 17, 1}, {2, 7, 3}, {1, 33, 9}, {5, 1, 4}, {4, 100, 1}, {2, 9, 17}};
  for (int op = R_SUM; op <= R_MIN; op++)
    for (auto& cs : cases) {
      const long outer = cs[0], r = cs[1], inner = cs[2];
      auto x = rand(outer * r * inner);
      std::vector<float> out(static_cast<size_t>(outer * inner));
      reduce3(op, x.data(), out.data(), outer, r, inner);
      expect(out.data(), reduceRef(op, x.data(), outer, r, inner), "reduce op=%d [%ld,%ld,%ld]", op, outer, r, inner);
      if (r > 2) {
        x[inner] = NAN;  // the second element of the first line
        reduce3(op, x.data(), out.data(), outer, r, inner);
        expect(out.data(), reduceRef(op, x.data(), outer, r, inner), "reduce op=%d [%ld,%ld,%ld] with NaN", op, outer, r, inner);
      }
    }
}

void testSoftmax() {
  for (int log = 0; log < 2; log++)
    for (long rows : {1L, 3L})
      for (long n : SIZES) {
        auto x = rand(rows * n, -8.f, 8.f);
        if (n > 3) x[1] = 80.f, x[2] = -80.f;
        std::vector<float> y(static_cast<size_t>(rows * n));
        softmaxRows(x.data(), y.data(), rows, n, log != 0);
        expect(y.data(), softmaxRef(x.data(), rows, n, log != 0), "softmax log=%d rows=%ld n=%ld", log, rows, n);
        if (n > 1) {
          x[0] = NAN;
          softmaxRows(x.data(), y.data(), rows, n, log != 0);
          expect(y.data(), softmaxRef(x.data(), rows, n, log != 0), "softmax log=%d n=%ld with NaN", log, n);
        }
      }
  for (long n : SIZES) {
    const long rows = 3;
    const auto y = softmaxInput(rows, n, rng), dy = rand(rows * n);
    std::vector<float> dx(static_cast<size_t>(rows * n));
    softmaxGradRows(y.data(), dy.data(), dx.data(), rows, n);
    expect(dx.data(), softmaxGradRef(y.data(), dy.data(), rows, n), "softmaxGrad n=%ld", n);
  }
}

void testBatchNorm() {
  for (long rows : {1L, 2L, 3L, 7L, 32L})
    for (long c : {1L, 3L, 4L, 5L, 17L, 64L, 65L, 130L})
      for (int affine = 0; affine < 2; affine++) {
        const auto x = rand(rows * c, -3.f, 5.f), gamma = rand(c, 0.5f, 2.f), beta = rand(c), dy = rand(rows * c);
        const float* g = affine ? gamma.data() : nullptr;
        const float* b = affine ? beta.data() : nullptr;
        std::vector<float> y(static_cast<size_t>(rows * c)), mean(c), var(c), rstd(c);
        batchNormForward(x.data(), g, b, 1e-3f, rows, c, y.data(), mean.data(), var.data(), rstd.data());
        const BnRef ref = batchNormRef(x.data(), g, b, 1e-3f, rows, c, dy.data());
        expect(y.data(), ref.y, "batchNorm y rows=%ld c=%ld affine=%d", rows, c, affine);
        expect(mean.data(), ref.mean, "batchNorm mean rows=%ld c=%ld", rows, c);
        expect(var.data(), ref.var, "batchNorm variance rows=%ld c=%ld", rows, c);
        std::vector<float> dx(static_cast<size_t>(rows * c)), dgamma(c), dbeta(c);
        batchNormBackward(x.data(), dy.data(), mean.data(), rstd.data(), g, rows, c, dx.data(), dgamma.data(), dbeta.data());
        expect(dx.data(), ref.dx, "batchNorm dx rows=%ld c=%ld affine=%d", rows, c, affine);
        expect(dgamma.data(), ref.dgamma, "batchNorm dgamma rows=%ld c=%ld", rows, c);
        expect(dbeta.data(), ref.dbeta, "batchNorm dbeta rows=%ld c=%ld", rows, c);
        std::vector<float> z(static_cast<size_t>(rows * c));
        scaleShift(x.data(), gamma.data(), beta.data(), rows, c, z.data());
        expect(z.data(), scaleShiftRef(x.data(), gamma.data(), beta.data(), rows, c), "scaleShift rows=%ld c=%ld", rows, c);
      }
}

void testOptimizers() {
  struct Variant { int kind; int nslots; float momentum; bool nesterov, amsgrad, centered; float wd; };
  const Variant vs[] = {{O_SGD, 0, 0.f, false, false, false, 0.f},  {O_SGD, 1, 0.9f, false, false, false, 0.f},
                        {O_SGD, 1, 0.9f, true, false, false, 0.01f}, {O_ADAM, 2, 0.f, false, false, false, 0.f},
                        {O_ADAM, 3, 0.f, false, true, false, 0.01f}, {O_RMSPROP, 1, 0.f, false, false, false, 0.f},
                        {O_RMSPROP, 3, 0.5f, false, false, true, 0.f}};
  for (const Variant& v : vs)
    for (long n : {1L, 3L, 5L, 17L, 100L}) {
      OptHyper h;
      h.lr = 0.01f, h.momentum = v.momentum, h.beta1 = 0.9f, h.beta2 = 0.999f, h.epsilon = 1e-7f, h.rho = 0.9f;
      h.weightDecay = v.wd, h.iteration = 3, h.nesterov = v.nesterov, h.amsgrad = v.amsgrad, h.centered = v.centered;
      std::vector<std::vector<float>> w, g, slots;
      OptParam params[2];
      for (int p = 0; p < 2; p++) {
        w.push_back(rand(n + p));
        g.push_back(rand(n + p));
      }
      for (int p = 0; p < 2; p++)
        for (int s = 0; s < 4; s++) slots.push_back(s == 1 || s == 2 ? rand(n + p, 0.f, 1.f) : rand(n + p, -0.5f, 0.5f));
      // Centered RMSprop needs ms^2 < v: make v the larger.
      for (int p = 0; p < 2; p++)
        for (float& e : slots[p * 4]) e = std::fabs(e) + 2.f;
      std::vector<std::vector<float>> w0 = w, slots0 = slots;
      for (int p = 0; p < 2; p++) {
        params[p].w = w[p].data(), params[p].g = g[p].data(), params[p].n = n + p;
        for (int s = 0; s < 4; s++) params[p].slots[s] = slots[p * 4 + s].data();
      }
      optimizerStepAll(v.kind, params, 2, v.nslots, h);
      for (int p = 0; p < 2; p++) {
        const OptRef ref = optimizerRef(v.kind, w0[p].data(), g[p].data(), &slots0[p * 4], v.nslots, n + p, h);
        expect(w[p].data(), ref.w, "optimizer kind=%d slots=%d nesterov=%d amsgrad=%d centered=%d n=%ld", v.kind,
               v.nslots, v.nesterov, v.amsgrad, v.centered, n + p);
        for (int s = 0; s < v.nslots; s++) expect(slots[p * 4 + s].data(), ref.slots[s], "optimizer kind=%d slot %d", v.kind, s);
      }
    }
}

void testDense() {
  const long cases[][3] = {{1, 1, 1}, {3, 5, 7}, {17, 33, 9}, {32, 100, 13}, {64, 300, 100}};
  int c = 0;
  for (auto& cs : cases)
    for (int act : {ACT_LINEAR, ACT_RELU, ACT_ELU, ACT_SELU, ACT_SIGMOID, ACT_TANH}) {
      const long m = cs[0], k = cs[1], n = cs[2];
      const float alpha = 1.f;
      const auto x = rand(m * k), w = rand(k * n, -0.5f, 0.5f), bias = rand(n), dy = rand(m * n);
      Epilogue ep;
      ep.bias = bias.data(), ep.act = act, ep.alpha = alpha;
      std::vector<float> y(static_cast<size_t>(m * n));
      sgemm(m, n, k, x.data(), k, 1, w.data(), n, 1, y.data(), n, ep);
      std::vector<float> dx(static_cast<size_t>(m * k)), dw(static_cast<size_t>(k * n)), db(n);
      denseGrad(act, alpha, x.data(), w.data(), y.data(), dy.data(), dx.data(), dw.data(), db.data(), m, k, n);
      const DenseRef ref = denseGradRef(act, alpha, x.data(), w.data(), y.data(), dy.data(), m, k, n);
      expect(dx.data(), ref.dx, "denseGrad dx m=%ld k=%ld n=%ld act=%d", m, k, n, act);
      expect(dw.data(), ref.dw, "denseGrad dW m=%ld k=%ld n=%ld act=%d", m, k, n, act);
      expect(db.data(), ref.db, "denseGrad db m=%ld k=%ld n=%ld act=%d", m, k, n, act);
      // The fused SGD step equals denseGrad then the plain SGD update, bit for bit.
      std::vector<float> w2 = w, b2 = bias, dx2(static_cast<size_t>(m * k));
      denseGradSgd(act, alpha, x.data(), w2.data(), y.data(), dy.data(), c % 2 ? dx2.data() : nullptr, b2.data(), 0.1f,
                   m, k, n);
      std::vector<float> w1 = w, b1 = bias;
      isa().sgdStep(w1.data(), dw.data(), 0.1f, k * n);
      isa().sgdStep(b1.data(), db.data(), 0.1f, n);
      expectSame(w2.data(), w1.data(), k * n, "denseGradSgd weights m=%ld k=%ld n=%ld act=%d", m, k, n, act);
      expectSame(b2.data(), b1.data(), n, "denseGradSgd bias m=%ld k=%ld n=%ld act=%d", m, k, n, act);
      if (c % 2) expectSame(dx2.data(), dx.data(), m * k, "denseGradSgd dx m=%ld k=%ld n=%ld", m, k, n);
      c++;
    }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> paths;
  for (int i = 1; i < argc; i++) paths.push_back(argv[i]);
  if (paths.empty()) {
    std::string all = supportedIsas();
    for (size_t b = 0, e; b < all.size(); b = e + 1) {
      e = all.find(',', b);
      if (e == std::string::npos) e = all.size();
      paths.push_back(all.substr(b, e - b));
    }
  }
  int failed = 0;
  for (const std::string& p : paths) {
    if (const char* err = selectIsa(p.c_str())) {
      std::printf("FAIL %s\n", err);
      failed++;
      continue;
    }
    beginPath(p.c_str());
    testGemm();
    testUnary();
    testActivationGrad();
    testBinary();
    testReduce();
    testSoftmax();
    testBatchNorm();
    testOptimizers();
    testDense();
    failed += endPath();
  }
  std::printf("cpu: %s (%s)\n", cpuModel(), cpuFeatures());
  return failed == 0 ? 0 : 1;
}

// N-API boundary of the native backend: unwraps typed arrays and numbers, checks bounds, calls the kernels.
#include <napi.h>

#include <cstdlib>
#include <string>
#include <vector>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "gemm.h"
#include "kernels.h"
#include "threadpool.h"

namespace {

using F32 = Napi::TypedArrayOf<float>;

bool fail(const Napi::Env& env, const std::string& msg) {
  Napi::TypeError::New(env, "layerwise native: " + msg).ThrowAsJavaScriptException();
  return false;
}

bool isF32(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
}

bool getF32(const Napi::CallbackInfo& info, size_t i, F32* out, const char* what) {
  if (!isF32(info[i])) return fail(info.Env(), std::string(what) + ": expected a Float32Array");
  *out = info[i].As<F32>();
  return true;
}

long num(const Napi::CallbackInfo& info, size_t i) { return static_cast<long>(info[i].As<Napi::Number>().Int64Value()); }
double dnum(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }

// gemm(a, offA, b, offB, c, offC, m, n, k, transA, transB, bias|null, act, alpha)
Napi::Value Gemm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 14) return fail(env, "gemm: expected 14 arguments"), env.Undefined();
  F32 a, b, c;
  if (!getF32(info, 0, &a, "gemm a") || !getF32(info, 2, &b, "gemm b") || !getF32(info, 4, &c, "gemm c"))
    return env.Undefined();
  const long offA = num(info, 1), offB = num(info, 3), offC = num(info, 5);
  const long m = num(info, 6), n = num(info, 7), k = num(info, 8);
  const bool ta = info[9].ToBoolean(), tb = info[10].ToBoolean();
  if (m < 0 || n < 0 || k < 0 || offA < 0 || offB < 0 || offC < 0 ||
      offA + m * k > static_cast<long>(a.ElementLength()) || offB + k * n > static_cast<long>(b.ElementLength()) ||
      offC + m * n > static_cast<long>(c.ElementLength())) {
    return fail(env, "gemm: operand sizes do not match m, n, k"), env.Undefined();
  }
  lw::Epilogue ep;
  if (isF32(info[11])) {
    F32 bias = info[11].As<F32>();
    if (static_cast<long>(bias.ElementLength()) < n) return fail(env, "gemm: bias shorter than n"), env.Undefined();
    ep.bias = bias.Data();
  }
  ep.act = static_cast<int>(num(info, 12));
  ep.alpha = static_cast<float>(dnum(info, 13));
  const long rsa = ta ? 1 : k, csa = ta ? m : 1;
  const long rsb = tb ? 1 : n, csb = tb ? k : 1;
  lw::sgemm(m, n, k, a.Data() + offA, rsa, csa, b.Data() + offB, rsb, csb, c.Data() + offC, n, ep);
  return env.Undefined();
}

// unary(op, x, y, alpha)
Napi::Value Unary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, y;
  if (!getF32(info, 1, &x, "unary x") || !getF32(info, 2, &y, "unary y")) return env.Undefined();
  if (y.ElementLength() < x.ElementLength()) return fail(env, "unary: output too short"), env.Undefined();
  lw::unary(static_cast<int>(num(info, 0)), x.Data(), y.Data(), static_cast<long>(x.ElementLength()),
            static_cast<float>(dnum(info, 3)));
  return env.Undefined();
}

// activationGrad(act, x, y, dy, out, alpha)
Napi::Value ActivationGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, y, dy, out;
  if (!getF32(info, 1, &x, "activationGrad x") || !getF32(info, 2, &y, "activationGrad y") ||
      !getF32(info, 3, &dy, "activationGrad dy") || !getF32(info, 4, &out, "activationGrad out"))
    return env.Undefined();
  const size_t n = dy.ElementLength();
  if (x.ElementLength() < n || y.ElementLength() < n || out.ElementLength() < n)
    return fail(env, "activationGrad: operands differ in length"), env.Undefined();
  lw::activationGrad(static_cast<int>(num(info, 0)), x.Data(), y.Data(), dy.Data(), out.Data(), static_cast<long>(n),
                     static_cast<float>(dnum(info, 5)));
  return env.Undefined();
}

// binary(op, a, b, out, dims): dims is a Float64Array [rank, shape..., stridesA..., stridesB...] (one typed array:
// reading three JS arrays element by element cost more than a small op itself).
Napi::Value Binary(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 a, b, out;
  if (!getF32(info, 1, &a, "binary a") || !getF32(info, 2, &b, "binary b") || !getF32(info, 3, &out, "binary out"))
    return env.Undefined();
  if (!info[4].IsTypedArray() || info[4].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array)
    return fail(env, "binary: expected a Float64Array of dims"), env.Undefined();
  Napi::Float64Array dims = info[4].As<Napi::Float64Array>();
  const size_t n = dims.ElementLength();
  const double* dv = dims.Data();
  const long rank = n > 0 ? static_cast<long>(dv[0]) : -1;
  if (rank < 0 || n != static_cast<size_t>(1 + 3 * rank)) return fail(env, "binary: dims must be [rank, shape, stridesA, stridesB]"), env.Undefined();
  std::vector<long> shape(rank), sa(rank), sb(rank);
  for (long d = 0; d < rank; d++) {
    shape[d] = static_cast<long>(dv[1 + d]);
    sa[d] = static_cast<long>(dv[1 + rank + d]);
    sb[d] = static_cast<long>(dv[1 + 2 * rank + d]);
  }
  long total = 1, lastA = 0, lastB = 0;
  for (long d = 0; d < rank; d++) {
    if (shape[d] < 0 || sa[d] < 0 || sb[d] < 0) return fail(env, "binary: negative dims"), env.Undefined();
    total *= shape[d];
    if (shape[d] > 0) {
      lastA += (shape[d] - 1) * sa[d];
      lastB += (shape[d] - 1) * sb[d];
    }
  }
  if (total == 0) return env.Undefined();
  if (static_cast<long>(out.ElementLength()) < total || lastA >= static_cast<long>(a.ElementLength()) ||
      lastB >= static_cast<long>(b.ElementLength()))
    return fail(env, "binary: strides exceed the operands"), env.Undefined();
  if (shape.empty()) {
    shape.push_back(1);
    sa.push_back(0);
    sb.push_back(0);
  }
  lw::binary(static_cast<int>(num(info, 0)), a.Data(), b.Data(), out.Data(), shape.data(), sa.data(), sb.data(),
             static_cast<int>(shape.size()));
  return env.Undefined();
}

// reduce(op, x, out, outer, r, inner)
Napi::Value Reduce(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, out;
  if (!getF32(info, 1, &x, "reduce x") || !getF32(info, 2, &out, "reduce out")) return env.Undefined();
  const long outer = num(info, 3), r = num(info, 4), inner = num(info, 5);
  if (outer * r * inner > static_cast<long>(x.ElementLength()) ||
      outer * inner > static_cast<long>(out.ElementLength()) || r < 1)
    return fail(env, "reduce: sizes do not match"), env.Undefined();
  lw::reduce3(static_cast<int>(num(info, 0)), x.Data(), out.Data(), outer, r, inner);
  return env.Undefined();
}

// softmaxGrad(y, dy, dx, rows, n)
Napi::Value SoftmaxGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 y, dy, dx;
  if (!getF32(info, 0, &y, "softmaxGrad y") || !getF32(info, 1, &dy, "softmaxGrad dy") || !getF32(info, 2, &dx, "softmaxGrad dx"))
    return env.Undefined();
  const long rows = num(info, 3), n = num(info, 4);
  const long total = rows * n;
  if (rows < 0 || n < 0 || static_cast<long>(y.ElementLength()) != total || static_cast<long>(dy.ElementLength()) != total ||
      static_cast<long>(dx.ElementLength()) != total)
    return fail(env, "softmaxGrad: sizes do not match"), env.Undefined();
  lw::softmaxGradRows(y.Data(), dy.Data(), dx.Data(), rows, n);
  return env.Undefined();
}

// softmax(x, out, rows, n, log)
Napi::Value Softmax(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  F32 x, out;
  if (!getF32(info, 0, &x, "softmax x") || !getF32(info, 1, &out, "softmax out")) return env.Undefined();
  const long rows = num(info, 2), n = num(info, 3);
  if (rows * n > static_cast<long>(x.ElementLength()) || rows * n > static_cast<long>(out.ElementLength()))
    return fail(env, "softmax: sizes do not match"), env.Undefined();
  lw::softmaxRows(x.Data(), out.Data(), rows, n, info[4].ToBoolean());
  return env.Undefined();
}

// optimizer(kind, params[], grads[], slots[k][i], hyper[lr, momentum, beta1, beta2, epsilon, rho, wd, iteration], flags)
/** An optional Float32Array argument of exactly `n` elements (null/undefined -> nullptr); false on a bad one. */
bool optF32(const Napi::CallbackInfo& info, size_t i, long n, float** out, const char* what) {
  *out = nullptr;
  if (info[i].IsNull() || info[i].IsUndefined()) return true;
  F32 a;
  if (!getF32(info, i, &a, what)) return false;
  if (static_cast<long>(a.ElementLength()) != n) return fail(info.Env(), std::string(what) + ": wrong length");
  *out = a.Data();
  return true;
}

// batchNormForward(x, gamma|null, beta|null, epsilon, rows, c, y, mean, variance, rstd)
Napi::Value BatchNormForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 10) return fail(env, "batchNormForward: expected 10 arguments"), env.Undefined();
  const long rows = num(info, 4), c = num(info, 5);
  F32 x;
  float *gamma, *beta, *y, *mean, *variance, *rstd;
  if (rows < 0 || c < 0 || !getF32(info, 0, &x, "batchNormForward x") || static_cast<long>(x.ElementLength()) != rows * c)
    return fail(env, "batchNormForward: x does not hold rows x c elements"), env.Undefined();
  if (!optF32(info, 1, c, &gamma, "batchNormForward gamma") || !optF32(info, 2, c, &beta, "batchNormForward beta") ||
      !optF32(info, 6, rows * c, &y, "batchNormForward y") || !optF32(info, 7, c, &mean, "batchNormForward mean") ||
      !optF32(info, 8, c, &variance, "batchNormForward variance") || !optF32(info, 9, c, &rstd, "batchNormForward rstd"))
    return env.Undefined();
  if (!y || !mean || !variance || !rstd) return fail(env, "batchNormForward: missing an output"), env.Undefined();
  lw::batchNormForward(x.Data(), gamma, beta, static_cast<float>(dnum(info, 3)), rows, c, y, mean, variance, rstd);
  return env.Undefined();
}

// batchNormBackward(x, dy, mean, rstd, gamma|null, rows, c, dx|null, dgamma|null, dbeta|null)
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 10) return fail(env, "batchNormBackward: expected 10 arguments"), env.Undefined();
  const long rows = num(info, 5), c = num(info, 6);
  float *x, *dy, *mean, *rstd, *gamma, *dx, *dgamma, *dbeta;
  if (rows < 0 || c < 0) return fail(env, "batchNormBackward: negative size"), env.Undefined();
  if (!optF32(info, 0, rows * c, &x, "batchNormBackward x") || !optF32(info, 1, rows * c, &dy, "batchNormBackward dy") ||
      !optF32(info, 2, c, &mean, "batchNormBackward mean") || !optF32(info, 3, c, &rstd, "batchNormBackward rstd") ||
      !optF32(info, 4, c, &gamma, "batchNormBackward gamma") || !optF32(info, 7, rows * c, &dx, "batchNormBackward dx") ||
      !optF32(info, 8, c, &dgamma, "batchNormBackward dgamma") || !optF32(info, 9, c, &dbeta, "batchNormBackward dbeta"))
    return env.Undefined();
  if (!x || !dy || !mean || !rstd) return fail(env, "batchNormBackward: missing an input"), env.Undefined();
  lw::batchNormBackward(x, dy, mean, rstd, gamma, rows, c, dx, dgamma, dbeta);
  return env.Undefined();
}

// scaleShift(x, scale, shift, rows, c, y)
Napi::Value ScaleShift(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 6) return fail(env, "scaleShift: expected 6 arguments"), env.Undefined();
  const long rows = num(info, 3), c = num(info, 4);
  float *x, *scale, *shift, *y;
  if (rows < 0 || c < 0) return fail(env, "scaleShift: negative size"), env.Undefined();
  if (!optF32(info, 0, rows * c, &x, "scaleShift x") || !optF32(info, 1, c, &scale, "scaleShift scale") ||
      !optF32(info, 2, c, &shift, "scaleShift shift") || !optF32(info, 5, rows * c, &y, "scaleShift y"))
    return env.Undefined();
  if (!x || !scale || !shift || !y) return fail(env, "scaleShift: missing an operand"), env.Undefined();
  lw::scaleShift(x, scale, shift, rows, c, y);
  return env.Undefined();
}

// movingAverage(targets[], values[], momentum)
Napi::Value MovingAverage(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 3 || !info[0].IsArray() || !info[1].IsArray()) return fail(env, "movingAverage: expected two arrays and a number"), env.Undefined();
  Napi::Array targets = info[0].As<Napi::Array>(), values = info[1].As<Napi::Array>();
  if (targets.Length() != values.Length()) return fail(env, "movingAverage: targets and values differ in count"), env.Undefined();
  const double momentum = dnum(info, 2);
  for (uint32_t i = 0; i < targets.Length(); i++) {
    Napi::Value t = targets.Get(i), v = values.Get(i);
    if (!isF32(t) || !isF32(v) || t.As<F32>().ElementLength() != v.As<F32>().ElementLength())
      return fail(env, "movingAverage: expected Float32Arrays of equal lengths"), env.Undefined();
    lw::movingAverage(t.As<F32>().Data(), v.As<F32>().Data(), static_cast<long>(t.As<F32>().ElementLength()), momentum);
  }
  return env.Undefined();
}

// denseGrad(act, alpha, x, w, y, dy, dx|null, dw|null, db|null, m, k, n)
Napi::Value DenseGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 12) return fail(env, "denseGrad: expected 12 arguments"), env.Undefined();
  F32 x, w, y, dy;
  if (!getF32(info, 2, &x, "denseGrad x") || !getF32(info, 3, &w, "denseGrad w") || !getF32(info, 4, &y, "denseGrad y") ||
      !getF32(info, 5, &dy, "denseGrad dy"))
    return env.Undefined();
  const long m = num(info, 9), k = num(info, 10), n = num(info, 11);
  const auto len = [](const F32& a) { return static_cast<long>(a.ElementLength()); };
  if (m < 0 || k < 0 || n < 0 || len(x) != m * k || len(w) != k * n || len(y) != m * n || len(dy) != m * n)
    return fail(env, "denseGrad: operand sizes do not match m, k, n"), env.Undefined();
  float* out[3] = {nullptr, nullptr, nullptr};
  const long want[3] = {m * k, k * n, n};
  for (int i = 0; i < 3; i++) {
    if (info[6 + i].IsNull() || info[6 + i].IsUndefined()) continue;
    F32 o;
    if (!getF32(info, 6 + i, &o, "denseGrad output")) return env.Undefined();
    if (len(o) != want[i]) return fail(env, "denseGrad: an output differs in size from its operand"), env.Undefined();
    out[i] = o.Data();
  }
  lw::denseGrad(static_cast<int>(num(info, 0)), static_cast<float>(dnum(info, 1)), x.Data(), w.Data(), y.Data(),
                dy.Data(), out[0], out[1], out[2], m, k, n);
  return env.Undefined();
}

// denseGradSgd(act, alpha, x, w, y, dy, dx|null, bias|null, rate, m, k, n): w and bias are stepped in place.
Napi::Value DenseGradSgd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 12) return fail(env, "denseGradSgd: expected 12 arguments"), env.Undefined();
  F32 x, w, y, dy;
  if (!getF32(info, 2, &x, "denseGradSgd x") || !getF32(info, 3, &w, "denseGradSgd w") ||
      !getF32(info, 4, &y, "denseGradSgd y") || !getF32(info, 5, &dy, "denseGradSgd dy"))
    return env.Undefined();
  const long m = num(info, 9), k = num(info, 10), n = num(info, 11);
  const auto len = [](const F32& a) { return static_cast<long>(a.ElementLength()); };
  if (m < 0 || k < 0 || n < 0 || len(x) != m * k || len(w) != k * n || len(y) != m * n || len(dy) != m * n)
    return fail(env, "denseGradSgd: operand sizes do not match m, k, n"), env.Undefined();
  float* dx = nullptr;
  float* bias = nullptr;
  if (!info[6].IsNull() && !info[6].IsUndefined()) {
    F32 o;
    if (!getF32(info, 6, &o, "denseGradSgd dx")) return env.Undefined();
    if (len(o) != m * k) return fail(env, "denseGradSgd: dx differs in size from x"), env.Undefined();
    dx = o.Data();
  }
  if (!info[7].IsNull() && !info[7].IsUndefined()) {
    F32 b;
    if (!getF32(info, 7, &b, "denseGradSgd bias")) return env.Undefined();
    if (len(b) != n) return fail(env, "denseGradSgd: bias length differs from n"), env.Undefined();
    bias = b.Data();
  }
  lw::denseGradSgd(static_cast<int>(num(info, 0)), static_cast<float>(dnum(info, 1)), x.Data(), w.Data(), y.Data(),
                   dy.Data(), dx, bias, static_cast<float>(dnum(info, 8)), m, k, n);
  return env.Undefined();
}

Napi::Value Optimizer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int kind = static_cast<int>(num(info, 0));
  if (!info[1].IsArray() || !info[2].IsArray() || !info[3].IsArray() || !info[4].IsArray())
    return fail(env, "optimizer: expected arrays"), env.Undefined();
  Napi::Array params = info[1].As<Napi::Array>(), grads = info[2].As<Napi::Array>(), slots = info[3].As<Napi::Array>();
  Napi::Array hyper = info[4].As<Napi::Array>();
  lw::OptHyper h;
  auto hv = [&](uint32_t i) { return hyper.Get(i).As<Napi::Number>().DoubleValue(); };
  h.lr = static_cast<float>(hv(0));
  h.momentum = static_cast<float>(hv(1));
  h.beta1 = static_cast<float>(hv(2));
  h.beta2 = static_cast<float>(hv(3));
  h.epsilon = static_cast<float>(hv(4));
  h.rho = static_cast<float>(hv(5));
  h.weightDecay = static_cast<float>(hv(6));
  h.iteration = hv(7);
  const long flags = num(info, 5);
  h.nesterov = flags & 1;
  h.amsgrad = flags & 2;
  h.centered = flags & 4;
  const uint32_t np = params.Length(), ns = slots.Length();
  if (grads.Length() != np) return fail(env, "optimizer: params and grads differ in count"), env.Undefined();
  std::vector<Napi::Array> slotArrays;
  for (uint32_t k = 0; k < ns; k++) slotArrays.push_back(slots.Get(k).As<Napi::Array>());
  if (ns > 4) return fail(env, "optimizer: at most 4 slots per parameter"), env.Undefined();
  std::vector<lw::OptParam> ps(np);
  for (uint32_t p = 0; p < np; p++) {
    Napi::Value wv = params.Get(p), gv = grads.Get(p);
    if (!isF32(wv) || !isF32(gv)) return fail(env, "optimizer: params and grads must be Float32Arrays"), env.Undefined();
    F32 w = wv.As<F32>(), g = gv.As<F32>();
    const size_t n = w.ElementLength();
    if (g.ElementLength() != n) return fail(env, "optimizer: a gradient differs in length from its parameter"), env.Undefined();
    ps[p] = lw::OptParam{w.Data(), g.Data(), {nullptr, nullptr, nullptr, nullptr}, static_cast<long>(n)};
    for (uint32_t k = 0; k < ns; k++) {
      Napi::Value sv = slotArrays[k].Get(p);
      if (!isF32(sv) || sv.As<F32>().ElementLength() != n)
        return fail(env, "optimizer: a slot differs in length from its parameter"), env.Undefined();
      ps[p].slots[k] = sv.As<F32>().Data();
    }
  }
  lw::optimizerStepAll(kind, ps.data(), static_cast<long>(np), static_cast<int>(ns), h);
  return env.Undefined();
}

Napi::Value NumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), lw::ThreadPool::get().size());
}

// Tensors are fresh ArrayBuffers (malloc'd by Node): by default glibc returns freed memory to the OS,
// so every new output page-faults on first write, which costs more than most kernels. Keep freed memory
// in the heap instead (set LAYERWISE_KEEP_OS_MALLOC=1 to leave glibc's defaults alone).
void tuneMalloc() {
#if defined(__GLIBC__)
  const char* keep = std::getenv("LAYERWISE_KEEP_OS_MALLOC");
  if (keep && keep[0] == '1') return;
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
  mallopt(M_TOP_PAD, 16 * 1024 * 1024);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  tuneMalloc();
  exports.Set("gemm", Napi::Function::New(env, Gemm));
  exports.Set("unary", Napi::Function::New(env, Unary));
  exports.Set("activationGrad", Napi::Function::New(env, ActivationGrad));
  exports.Set("binary", Napi::Function::New(env, Binary));
  exports.Set("reduce", Napi::Function::New(env, Reduce));
  exports.Set("softmax", Napi::Function::New(env, Softmax));
  exports.Set("softmaxGrad", Napi::Function::New(env, SoftmaxGrad));
  exports.Set("optimizer", Napi::Function::New(env, Optimizer));
  exports.Set("denseGrad", Napi::Function::New(env, DenseGrad));
  exports.Set("denseGradSgd", Napi::Function::New(env, DenseGradSgd));
  exports.Set("scaleShift", Napi::Function::New(env, ScaleShift));
  exports.Set("movingAverage", Napi::Function::New(env, MovingAverage));
  exports.Set("batchNormForward", Napi::Function::New(env, BatchNormForward));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward));
  exports.Set("numThreads", Napi::Function::New(env, NumThreads));
#if defined(__AVX512F__)
  exports.Set("simd", Napi::String::New(env, "avx512"));
#elif defined(__AVX2__)
  exports.Set("simd", Napi::String::New(env, "avx2"));
#else
  exports.Set("simd", Napi::String::New(env, "generic"));
#endif
  return exports;
}

}  // namespace

NODE_API_MODULE(layerwise, Init)

// N-API boundary of the native backend: unwraps typed arrays and numbers, checks bounds, calls the kernels.
#include <napi.h>

#include <cstdlib>
#include <string>
#include <vector>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "gemm.h"
#include "isa.h"
#include "kernels.h"
#include "napi_util.h"
#include "threadpool.h"

void registerTrainingBindings(Napi::Env env, Napi::Object exports);  // addon_train.cc

namespace {

using namespace lw_napi;

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

Napi::Value NumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), lw::ThreadPool::get().size());
}

// setIsa(name): switches every later kernel to that ISA's table (tests run the suite once per path); throws when
// the CPU lacks it.
Napi::Value SetIsa(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) return fail(env, "setIsa: expected an ISA name (string)"), env.Undefined();
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  if (const char* err = lw::selectIsa(name.c_str())) Napi::Error::New(env, err).ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ActiveIsa(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), lw::isa().name); }

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
  exports.Set("numThreads", Napi::Function::New(env, NumThreads));
  registerTrainingBindings(env, exports);
  // LAYERWISE_ISA forces an instruction set; one this CPU lacks fails the load with a message naming its features.
  const char* forced = std::getenv("LAYERWISE_ISA");
  if (forced && forced[0]) {
    if (const char* err = lw::selectIsa(forced)) {
      Napi::Error::New(env, err).ThrowAsJavaScriptException();
      return exports;
    }
  }
  exports.Set("setIsa", Napi::Function::New(env, SetIsa));
  exports.Set("isa", Napi::Function::New(env, ActiveIsa));
  exports.Set("supportedIsas", Napi::String::New(env, lw::supportedIsas()));
  exports.Set("cpu", Napi::String::New(env, lw::cpuModel()));
  exports.Set("cpuFeatures", Napi::String::New(env, lw::cpuFeatures()));
  return exports;
}

}  // namespace

NODE_API_MODULE(layerwise, Init)

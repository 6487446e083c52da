// N-API bindings of the training kernels: batch normalization, dense backward (with the fused SGD step) and the
// optimizer updates.
#include <napi.h>

#include <string>
#include <vector>

#include "gemm.h"
#include "kernels.h"
#include "napi_util.h"

namespace {

using namespace lw_napi;

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

/** The operands shared by denseGrad and denseGradSgd: x [m,k], w [k,n], y and dy [m,n] at arguments 2-5, m k n at 9-11. */
struct DenseOperands {
  F32 x, w, y, dy;
  long m = 0, k = 0, n = 0;
};

bool denseOperands(const Napi::CallbackInfo& info, const char* name, DenseOperands* d) {
  const std::string what(name);
  if (info.Length() < 12) return fail(info.Env(), what + ": expected 12 arguments");
  if (!getF32(info, 2, &d->x, (what + " x").c_str()) || !getF32(info, 3, &d->w, (what + " w").c_str()) ||
      !getF32(info, 4, &d->y, (what + " y").c_str()) || !getF32(info, 5, &d->dy, (what + " dy").c_str()))
    return false;
  d->m = num(info, 9);
  d->k = num(info, 10);
  d->n = num(info, 11);
  const auto len = [](const F32& a) { return static_cast<long>(a.ElementLength()); };
  const long m = d->m, k = d->k, n = d->n;
  if (m < 0 || k < 0 || n < 0 || len(d->x) != m * k || len(d->w) != k * n || len(d->y) != m * n || len(d->dy) != m * n)
    return fail(info.Env(), what + ": operand sizes do not match m, k, n");
  return true;
}

// denseGrad(act, alpha, x, w, y, dy, dx|null, dw|null, db|null, m, k, n)
Napi::Value DenseGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DenseOperands d;
  if (!denseOperands(info, "denseGrad", &d)) return env.Undefined();
  float *dx, *dw, *db;
  if (!optF32(info, 6, d.m * d.k, &dx, "denseGrad dx") || !optF32(info, 7, d.k * d.n, &dw, "denseGrad dw") ||
      !optF32(info, 8, d.n, &db, "denseGrad db"))
    return env.Undefined();
  lw::denseGrad(static_cast<int>(num(info, 0)), static_cast<float>(dnum(info, 1)), d.x.Data(), d.w.Data(), d.y.Data(),
                d.dy.Data(), dx, dw, db, d.m, d.k, d.n);
  return env.Undefined();
}

// denseGradSgd(act, alpha, x, w, y, dy, dx|null, bias|null, rate, m, k, n): w and bias are stepped in place.
Napi::Value DenseGradSgd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DenseOperands d;
  if (!denseOperands(info, "denseGradSgd", &d)) return env.Undefined();
  float *dx, *bias;
  if (!optF32(info, 6, d.m * d.k, &dx, "denseGradSgd dx") || !optF32(info, 7, d.n, &bias, "denseGradSgd bias"))
    return env.Undefined();
  lw::denseGradSgd(static_cast<int>(num(info, 0)), static_cast<float>(dnum(info, 1)), d.x.Data(), d.w.Data(), d.y.Data(),
                   d.dy.Data(), dx, bias, static_cast<float>(dnum(info, 8)), d.m, d.k, d.n);
  return env.Undefined();
}

// optimizer(kind, params[], grads[], slots[k][i], hyper[lr, momentum, beta1, beta2, epsilon, rho, wd, iteration, uProduct?], flags)
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
  if (hyper.Length() > 8) h.uProduct = hv(8);
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

}  // namespace

void registerTrainingBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("optimizer", Napi::Function::New(env, Optimizer));
  // The optimizer kinds this build's kernel knows (the committed WebAssembly build predates nadam).
  exports.Set("optimizerKinds", Napi::String::New(env, "sgd,adam,rmsprop,nadam"));
  exports.Set("denseGrad", Napi::Function::New(env, DenseGrad));
  exports.Set("denseGradSgd", Napi::Function::New(env, DenseGradSgd));
  exports.Set("scaleShift", Napi::Function::New(env, ScaleShift));
  exports.Set("movingAverage", Napi::Function::New(env, MovingAverage));
  exports.Set("batchNormForward", Napi::Function::New(env, BatchNormForward));
  exports.Set("batchNormBackward", Napi::Function::New(env, BatchNormBackward));
}

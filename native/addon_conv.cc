// N-API bindings of the convolution lowering and pooling kernels (native/conv.cc): every argument checked here.
#include <napi.h>

#include <string>

#include "conv.h"
#include "napi_util.h"

namespace {

using namespace lw_napi;

/** Reads the 14 window numbers [n, h, w, c, kh, kw, sh, sw, dh, dw, padTop, padLeft, outH, outW] and checks them. */
bool getWindow(const Napi::CallbackInfo& info, size_t i, lw::Window2D* g, const char* what) {
  if (!info[i].IsTypedArray() || info[i].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[i].As<Napi::Float64Array>().ElementLength() != 14)
    return fail(info.Env(), std::string(what) + ": expected the window as a Float64Array of 14 numbers");
  const double* d = info[i].As<Napi::Float64Array>().Data();
  long v[14];
  for (int j = 0; j < 14; j++) {
    if (!(d[j] >= 0) || d[j] != static_cast<double>(static_cast<long>(d[j]))) return fail(info.Env(), std::string(what) + ": window numbers must be non-negative integers");
    v[j] = static_cast<long>(d[j]);
  }
  *g = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]};
  if (g->strideH < 1 || g->strideW < 1 || g->dilationH < 1 || g->dilationW < 1) return fail(info.Env(), std::string(what) + ": strides and dilations must be >= 1");
  return true;
}

bool sized(const Napi::CallbackInfo& info, size_t i, long n, float** out, const char* what) {
  F32 a;
  if (!getF32(info, i, &a, what)) return false;
  if (static_cast<long>(a.ElementLength()) != n) return fail(info.Env(), std::string(what) + ": wrong length");
  *out = a.Data();
  return true;
}

long inputSize(const lw::Window2D& g) { return g.n * g.h * g.w * g.c; }
long colsSize(const lw::Window2D& g) { return g.n * g.outH * g.outW * g.kh * g.kw * g.c; }
long pooledSize(const lw::Window2D& g) { return g.n * g.outH * g.outW * g.c; }

// im2col(x, cols, window)
Napi::Value Im2col(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lw::Window2D g;
  float *x, *cols;
  if (info.Length() < 3 || !getWindow(info, 2, &g, "im2col window") || !sized(info, 0, inputSize(g), &x, "im2col x") ||
      !sized(info, 1, colsSize(g), &cols, "im2col cols"))
    return env.Undefined();
  lw::im2col(x, cols, g);
  return env.Undefined();
}

// col2im(cols, x, window)
Napi::Value Col2im(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lw::Window2D g;
  float *x, *cols;
  if (info.Length() < 3 || !getWindow(info, 2, &g, "col2im window") || !sized(info, 0, colsSize(g), &cols, "col2im cols") ||
      !sized(info, 1, inputSize(g), &x, "col2im x"))
    return env.Undefined();
  lw::col2im(cols, x, g);
  return env.Undefined();
}

// The window at `at` and the filter count after it, shared by the fused conv entry points; false after throwing.
bool windowAndFilters(const Napi::CallbackInfo& info, size_t count, size_t at, const char* name, lw::Window2D* g, long* f) {
  const std::string what(name);
  if (info.Length() < count || !getWindow(info, at, g, (what + " window").c_str())) return false;
  *f = num(info, at + 1);
  if (*f < 1) return fail(info.Env(), what + " filters: expected a positive integer");
  return true;
}

// conv2dForward(x, w, bias | null, y, window, filters, act, alpha)
Napi::Value Conv2dForward(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lw::Window2D g;
  long f = 0;
  if (!windowAndFilters(info, 8, 4, "conv2dForward", &g, &f)) return env.Undefined();
  const long act = num(info, 6);
  if (act < lw::ACT_LINEAR || act >= lw::ACT_SOFTPLUS) return fail(env, "conv2dForward act: expected a fused activation code"), env.Undefined();
  float *x, *w, *bias, *y;
  if (!sized(info, 0, inputSize(g), &x, "conv2dForward x") || !sized(info, 1, g.kh * g.kw * g.c * f, &w, "conv2dForward w") ||
      !optF32(info, 2, f, &bias, "conv2dForward bias") || !sized(info, 3, g.n * g.outH * g.outW * f, &y, "conv2dForward y"))
    return env.Undefined();
  lw::Epilogue ep;
  ep.bias = bias;
  ep.act = static_cast<int>(act);
  ep.alpha = static_cast<float>(dnum(info, 7));
  lw::conv2dForward(x, w, f, ep, y, g);
  return env.Undefined();
}

// conv2dWeightGrad(x, dz, dw, db | null, window, filters)
Napi::Value Conv2dWeightGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lw::Window2D g;
  long f = 0;
  if (!windowAndFilters(info, 6, 4, "conv2dWeightGrad", &g, &f)) return env.Undefined();
  float *x, *dz, *dw, *db;
  if (!sized(info, 0, inputSize(g), &x, "conv2dWeightGrad x") || !sized(info, 1, g.n * g.outH * g.outW * f, &dz, "conv2dWeightGrad dz") ||
      !sized(info, 2, g.kh * g.kw * g.c * f, &dw, "conv2dWeightGrad dw") || !optF32(info, 3, f, &db, "conv2dWeightGrad db"))
    return env.Undefined();
  lw::conv2dWeightGrad(x, dz, dw, db, g, f);
  return env.Undefined();
}

// pool2d(x, y, window, kind)
Napi::Value Pool2d(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lw::Window2D g;
  float *x, *y;
  if (info.Length() < 4 || !getWindow(info, 2, &g, "pool2d window") || !sized(info, 0, inputSize(g), &x, "pool2d x") ||
      !sized(info, 1, pooledSize(g), &y, "pool2d y"))
    return env.Undefined();
  const long kind = num(info, 3);
  if (kind != 0 && kind != 1) return fail(env, "pool2d kind: expected 0 (max) or 1 (avg)"), env.Undefined();
  lw::pool2d(x, y, g, static_cast<int>(kind));
  return env.Undefined();
}

// pool2dGrad(x, dy, dx, window, kind, relu?): relu (max only) also applies the gradient of the ReLU that produced x
Napi::Value Pool2dGrad(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  lw::Window2D g;
  float *x, *dy, *dx;
  if (info.Length() < 5 || !getWindow(info, 3, &g, "pool2dGrad window") || !sized(info, 0, inputSize(g), &x, "pool2dGrad x") ||
      !sized(info, 1, pooledSize(g), &dy, "pool2dGrad dy") || !sized(info, 2, inputSize(g), &dx, "pool2dGrad dx"))
    return env.Undefined();
  const long kind = num(info, 4);
  if (kind != 0 && kind != 1) return fail(env, "pool2dGrad kind: expected 0 (max) or 1 (avg)"), env.Undefined();
  const bool relu = info.Length() > 5 && info[5].IsBoolean() && info[5].As<Napi::Boolean>().Value();
  if (relu && kind != 0) return fail(env, "pool2dGrad relu: only max pooling (kind 0) takes the ReLU gradient"), env.Undefined();
  lw::pool2dGrad(x, dy, dx, g, static_cast<int>(kind), relu);
  return env.Undefined();
}

}  // namespace

void registerConvBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("im2col", Napi::Function::New(env, Im2col));
  exports.Set("conv2dForward", Napi::Function::New(env, Conv2dForward));
  exports.Set("conv2dWeightGrad", Napi::Function::New(env, Conv2dWeightGrad));
  exports.Set("col2im", Napi::Function::New(env, Col2im));
  exports.Set("pool2d", Napi::Function::New(env, Pool2d));
  exports.Set("pool2dGrad", Napi::Function::New(env, Pool2dGrad));
}

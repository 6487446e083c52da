// Helpers shared by the N-API bindings: typed-array and number unwrapping with clear errors.
#pragma once
#include <napi.h>

#include <string>

namespace lw_napi {

using F32 = Napi::TypedArrayOf<float>;

inline bool fail(const Napi::Env& env, const std::string& msg) {
  Napi::TypeError::New(env, "layerwise native: " + msg).ThrowAsJavaScriptException();
  return false;
}

inline bool isF32(const Napi::Value& v) {
  return v.IsTypedArray() && v.As<Napi::TypedArray>().TypedArrayType() == napi_float32_array;
}

inline bool getF32(const Napi::CallbackInfo& info, size_t i, F32* out, const char* what) {
  if (!isF32(info[i])) return fail(info.Env(), std::string(what) + ": expected a Float32Array");
  *out = info[i].As<F32>();
  return true;
}

inline long num(const Napi::CallbackInfo& info, size_t i) { return static_cast<long>(info[i].As<Napi::Number>().Int64Value()); }
inline double dnum(const Napi::CallbackInfo& info, size_t i) { return info[i].As<Napi::Number>().DoubleValue(); }

/** An optional Float32Array argument of exactly `n` elements (null/undefined -> nullptr); false on a bad one. */
inline bool optF32(const Napi::CallbackInfo& info, size_t i, long n, float** out, const char* what) {
  *out = nullptr;
  if (info[i].IsNull() || info[i].IsUndefined()) return true;
  F32 a;
  if (!getF32(info, i, &a, what)) return false;
  if (static_cast<long>(a.ElementLength()) != n) return fail(info.Env(), std::string(what) + ": wrong length");
  *out = a.Data();
  return true;
}

}  // namespace lw_napi

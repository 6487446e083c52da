// A growable, 64-byte aligned scratch buffer, kept per thread by the kernels that need one (no allocation churn).
#pragma once
#include <cstdlib>

namespace lw {

struct Scratch {
  float* p = nullptr;
  long cap = 0;
  float* get(long n) {
    if (n > cap) {
      std::free(p);
      cap = n;
      p = static_cast<float*>(std::aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64));
    }
    return p;
  }
};

}  // namespace lw

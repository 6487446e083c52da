// Chooses the ISA table once: the best instruction set this CPU runs (cpuid via __builtin_cpu_supports on
// x86-64; the portable baseline elsewhere), or the one named by selectIsa (LAYERWISE_ISA, tests).
// Adding an ISA: one row in kIsas below (and its folder under isa/, see README.md).
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>

#include "isa.h"
#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace lw {
namespace {

struct IsaRow {
  const char* name;
  const IsaKernels& (*table)();
  bool (*supported)();
};

#if defined(__x86_64__) || defined(_M_X64)
bool hasAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("fma");
}
bool hasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
/** ASIMD is mandatory on AArch64; Linux still reports it (HWCAP_ASIMD), so trust the kernel where it can say. */
bool hasAsimd() {
#if defined(__linux__)
  return (getauxval(AT_HWCAP) & HWCAP_ASIMD) != 0;
#else
  return true;
#endif
}
#endif
bool always() { return true; }

// Best first.
const IsaRow kIsas[] = {
#if defined(__x86_64__) || defined(_M_X64)
    {"avx512", avx512::kernels, hasAvx512},
    {"avx2", avx2::kernels, hasAvx2},
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
    {"neon", neon::kernels, hasAsimd},
#endif
#if defined(__wasm_simd128__)
    {"simd128", simd128::kernels, always},
#endif
    {"baseline", baseline::kernels, always},
};

std::atomic<const IsaKernels*> active{nullptr};

const IsaKernels* best() {
  for (const IsaRow& r : kIsas)
    if (r.supported()) return &r.table();
  return &baseline::kernels();
}

std::string joined(bool onlySupported) {
  std::string s;
  for (const IsaRow& r : kIsas) {
    if (onlySupported && !r.supported()) continue;
    if (!s.empty()) s += ",";
    s += r.name;
  }
  return s;
}

}  // namespace

const IsaKernels& isa() {
  const IsaKernels* k = active.load(std::memory_order_acquire);
  if (!k) {
    k = best();
    active.store(k, std::memory_order_release);
  }
  return *k;
}

const char* selectIsa(const char* name) {
  static thread_local std::string error;
  for (const IsaRow& r : kIsas) {
    if (std::strcmp(r.name, name) != 0) continue;
    if (!r.supported()) {
      error = std::string("LAYERWISE_ISA=") + name + ": this CPU (" + cpuModel() + ") cannot run it; its features: " +
              cpuFeatures() + "; paths it can run: " + joined(true);
      return error.c_str();
    }
    active.store(&r.table(), std::memory_order_release);
    return nullptr;
  }
  error = std::string("LAYERWISE_ISA=") + name + ": unknown instruction set (expected one of " + joined(false) + ")";
  return error.c_str();
}

const char* supportedIsas() {
  static const std::string s = joined(true);
  return s.c_str();
}

const char* cpuFeatures() {
  static const std::string s = [] {
    std::string f;
#if defined(__x86_64__) || defined(_M_X64)
    __builtin_cpu_init();
    // NOTE: __builtin_cpu_supports takes a literal only, hence the macro.
#define LW_FEATURE(n) \
  if (__builtin_cpu_supports(n)) f += std::string(f.empty() ? "" : " ") + n;
    LW_FEATURE("sse2") LW_FEATURE("sse4.2") LW_FEATURE("avx") LW_FEATURE("avx2") LW_FEATURE("fma")
    LW_FEATURE("avx512f") LW_FEATURE("avx512dq") LW_FEATURE("avx512bw") LW_FEATURE("avx512vl")
#undef LW_FEATURE
#elif defined(__aarch64__) || defined(_M_ARM64)
    if (hasAsimd()) f = "asimd";
#else
    f = "portable baseline only";
#endif
    return f.empty() ? std::string("none detected") : f;
  }();
  return s.c_str();
}

const char* cpuModel() {
  static const std::string s = [] {
    std::string m;
#if defined(__x86_64__) || defined(_M_X64)
    unsigned regs[12] = {};
    if (__get_cpuid_max(0x80000000u, nullptr) >= 0x80000004u) {
      for (unsigned i = 0; i < 3; i++) __get_cpuid(0x80000002u + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
      char brand[49] = {};
      std::memcpy(brand, regs, 48);
      m = brand;
    }
#endif
    if (m.empty()) {
      if (FILE* f = std::fopen("/proc/cpuinfo", "r")) {
        char line[512];
        while (std::fgets(line, sizeof line, f)) {
          const char* keys[] = {"model name", "Model", "Hardware", "cpu model"};
          for (const char* k : keys) {
            if (m.empty() && std::strncmp(line, k, std::strlen(k)) == 0 && std::strchr(line, ':')) m = std::strchr(line, ':') + 1;
          }
        }
        std::fclose(f);
      }
    }
    const size_t b = m.find_first_not_of(" \t"), e = m.find_last_not_of(" \t\n");
    return b == std::string::npos ? std::string("unknown CPU") : m.substr(b, e - b + 1);
  }();
  return s.c_str();
}

}  // namespace lw

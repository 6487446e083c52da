// NEON (AArch64 ASIMD) kernels: the shared templates instantiated for 4 lanes with NEON intrinsics (vec.inl), and an
// 8 x 12 GEMM micro-kernel for 32 vector registers (gemm.inl). ASIMD is part of every AArch64 CPU, so no extra flags;
// compiled only for aarch64 (binding.gyp's arm64 condition; the cross-compiled kernel test).
#if defined(__aarch64__) || defined(_M_ARM64)
#include "../common/prelude.h"

#include <arm_neon.h>

namespace lw {
namespace neon {
namespace {
#include "vec.inl"
#include "../common/math.inl"
#include "../common/elementwise.inl"
#include "../common/train.inl"
#include "../common/gemm_tile.inl"
#include "gemm.inl"
}  // namespace
#define ISA_NAME "neon"
#define ISA_TRANSPOSE16 transpose16x16
#include "../common/table.inl"
}  // namespace neon
}  // namespace lw
#endif

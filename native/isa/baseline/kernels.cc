// Baseline kernels for any CPU (SSE2 on x86-64, compiled with the architecture's default flags; also the portable
// path of other architectures): the shared templates instantiated for 4-lane vector extensions, 6 x 8 GEMM tiles.
#include "../common/prelude.h"


namespace lw {
namespace baseline {
namespace {
#include "vec.inl"
#include "../common/math.inl"
#include "../common/elementwise.inl"
#include "../common/train.inl"
#include "../common/gemm_tile.inl"
#define GEMM_MR 6
#include "../common/gemm_kernel.inl"
}  // namespace
#define ISA_NAME "baseline"
#define ISA_TRANSPOSE16 nullptr
#include "../common/table.inl"
}  // namespace baseline
}  // namespace lw

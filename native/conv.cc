// Convolution lowering (im2col / col2im) and pooling drivers: window geometry, zeroing and threading over images; max
// pooling's channel loops and the one-channel direct convolution come from the active ISA table (isa/common/pool.inl,
// conv_taps.inl), the rest are plain loops.
#include "conv.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "gemm.h"
#include "isa.h"
#include "scratch.h"
#include "threadpool.h"

namespace lw {

namespace {

/** [lo, hi): kernel taps whose input position o * stride - pad + k * dilation lies in [0, size). */
inline void validTaps(long o, long stride, long pad, long dilation, long k, long size, long* lo, long* hi) {
  const long start = o * stride - pad;
  long a = 0;
  while (a < k && start + a * dilation < 0) a++;
  long b = k;
  while (b > a && start + (b - 1) * dilation >= size) b--;
  *lo = a;
  *hi = b;
}

/** Runs fn(b) for every image b, spread over the thread pool (images grouped so the task count stays small). */
template <class F>
void forImages(long n, F fn) {
  const long tasks = std::min(n, 64L * ThreadPool::get().size());
  ThreadPool::get().run(static_cast<int>(tasks), [&](int t) {
    for (long b = n * t / tasks; b < n * (t + 1) / tasks; b++) fn(b);
  });
}

/** d[0, len) = s[0, len): short runs (a few channels) as a loop, not a library call. */
inline void copyRun(float* __restrict d, const float* __restrict s, long len) {
  if (len > 16) {
    std::memcpy(d, s, sizeof(float) * len);
    return;
  }
  for (long j = 0; j < len; j++) d[j] = s[j];
}

/**
 * im2colRows for one input channel (a first conv layer on grey images): each column entry is one float, so the taps
 * are read one by one with a bounds test, and the pixel's position advances along the row instead of being divided
 * out, where the general path's per-run bookkeeping cost more than the copies (40% of W4's first conv).
 */
void im2colRowsC1(const float* x, float* cols, const Window2D& g, long r0, long r1) {
  const long k = g.kh * g.kw;
  const long perImage = g.outH * g.outW;
  long b = r0 / perImage, oy = r0 % perImage / g.outW, ox = r0 % g.outW;
  for (long r = r0; r < r1; r++) {
    float* row = cols + (r - r0) * k;
    const float* img = x + b * g.h * g.w;
    const long iy0 = oy * g.strideH - g.padTop, ix0 = ox * g.strideW - g.padLeft;
    const bool inside = iy0 >= 0 && ix0 >= 0 && iy0 + (g.kh - 1) * g.dilationH < g.h && ix0 + (g.kw - 1) * g.dilationW < g.w;
    if (inside) {
      for (long ky = 0; ky < g.kh; ky++) {
        const float* src = img + (iy0 + ky * g.dilationH) * g.w + ix0;
        for (long kx = 0; kx < g.kw; kx++) row[ky * g.kw + kx] = src[kx * g.dilationW];
      }
    } else {
      for (long ky = 0; ky < g.kh; ky++) {
        const long iy = iy0 + ky * g.dilationH;
        for (long kx = 0; kx < g.kw; kx++) {
          const long ix = ix0 + kx * g.dilationW;
          row[ky * g.kw + kx] = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w ? img[iy * g.w + ix] : 0.0f;
        }
      }
    }
    if (++ox == g.outW) {
      ox = 0;
      if (++oy == g.outH) oy = 0, b++;
    }
  }
}

/** Unfolds output pixels [r0, r1) of the whole batch (rows of the full im2col) into cols, row r at cols[r - r0]. */
void im2colRows(const float* x, float* cols, const Window2D& g, long r0, long r1) {
  if (g.c == 1) return im2colRowsC1(x, cols, g, r0, r1);
  const long k = g.kh * g.kw * g.c;
  const long c = g.c;
  const long perImage = g.outH * g.outW;
  for (long r = r0; r < r1; r++) {
    const long b = r / perImage, oy = r % perImage / g.outW, ox = r % g.outW;
    long ky0, ky1, kx0, kx1;
    validTaps(oy, g.strideH, g.padTop, g.dilationH, g.kh, g.h, &ky0, &ky1);
    validTaps(ox, g.strideW, g.padLeft, g.dilationW, g.kw, g.w, &kx0, &kx1);
    float* row = cols + (r - r0) * k;
    for (long ky = 0; ky < g.kh; ky++) {
      float* dst = row + ky * g.kw * c;
      if (ky < ky0 || ky >= ky1) {  // a kernel row outside the image: padding
        std::memset(dst, 0, sizeof(float) * g.kw * c);
        continue;
      }
      const long iy = oy * g.strideH - g.padTop + ky * g.dilationH;
      const float* src = x + ((b * g.h + iy) * g.w + ox * g.strideW - g.padLeft) * c;
      if (kx0 > 0) std::memset(dst, 0, sizeof(float) * kx0 * c);
      if (g.dilationW == 1) {  // the taps of one kernel row are one contiguous run of the input
        copyRun(dst + kx0 * c, src + kx0 * c, (kx1 - kx0) * c);
      } else {
        for (long kx = kx0; kx < kx1; kx++) copyRun(dst + kx * c, src + kx * g.dilationW * c, c);
      }
      if (kx1 < g.kw) std::memset(dst + kx1 * c, 0, sizeof(float) * (g.kw - kx1) * c);
    }
  }
}

/** Output rows per task of conv2dForward: its columns (rows x k floats) stay in L2 between im2col and the GEMM. */
long tileRows(long k, long mr) {
  const long rows = std::max(mr, (1L << 15) / std::max(1L, k) / mr * mr);  // ~128 KB of columns
  return std::min(rows, 64 * mr);
}

thread_local Scratch tlsCols;
thread_local Scratch tlsProduct;  // one band's cols^T dz in conv2dWeightGrad

/** d[0, len) += s[0, len). */
inline void addRun(float* __restrict d, const float* __restrict s, long len) {
  for (long j = 0; j < len; j++) d[j] += s[j];
}

/**
 * Calls fn(ox, count, src, step) over output row oy of image b of a one-channel input, for the pixels whose taps all
 * lie inside the row's horizontal extent as one run (tap t of pixel ox + p at src[t][p * step]) and for each border
 * pixel alone; taps outside the image point into `zeros` (at least outW * strideW + 1 zero floats).
 */
template <class F>
inline void forTapRuns(const Window2D& g, const float* x, long b, long oy, const float* zeros, const float** src, F fn) {
  const float* img = x + b * g.h * g.w;
  const long iy0 = oy * g.strideH - g.padTop;
  const long num = g.w - 1 - (g.kw - 1) * g.dilationW + g.padLeft;
  const long oxa = std::min(g.outW, (g.padLeft + g.strideW - 1) / g.strideW);
  const long oxb = std::max(oxa, num < 0 ? 0 : std::min(g.outW, num / g.strideW + 1));
  auto taps = [&](long ox) {
    const long ix0 = ox * g.strideW - g.padLeft;
    for (long ky = 0; ky < g.kh; ky++) {
      const long iy = iy0 + ky * g.dilationH;
      for (long kx = 0; kx < g.kw; kx++) {
        const long ix = ix0 + kx * g.dilationW;
        const bool in = iy >= 0 && iy < g.h && ix >= 0 && ix < g.w;
        src[ky * g.kw + kx] = in ? img + iy * g.w + ix : zeros;
      }
    }
  };
  for (long ox = 0; ox < oxa; ox++) taps(ox), fn(ox, 1L, src, 0L);
  if (oxb > oxa) {
    taps(oxa);
    fn(oxa, oxb - oxa, src, g.strideW);
  }
  for (long ox = oxb; ox < g.outW; ox++) taps(ox), fn(ox, 1L, src, 0L);
}

}  // namespace

// Inference: each task unfolds a band of output rows into a per-thread buffer and multiplies it at once, writing its
// slice of y; the full columns never exist and the GEMM (serial inside the task) reads them hot from L2.
void conv2dForward(const float* x, const float* w, long f, const Epilogue& ep, float* y, const Window2D& g) {
  const long k = g.kh * g.kw * g.c;
  if (g.c == 1) {  // one input channel: taps read in place (convTapsRows), no columns, no GEMM packing
    const long rowsTotal = g.n * g.outH;
    const long tasks = std::min(rowsTotal, 16L * ThreadPool::get().size());
    const IsaKernels& kern = isa();
    ThreadPool::get().run(static_cast<int>(tasks), [&](int t) {
      std::vector<float> zeros(g.outW * g.strideW + 1, 0.0f);
      std::vector<const float*> src(k);
      for (long r = rowsTotal * t / tasks; r < rowsTotal * (t + 1) / tasks; r++) {
        const long b = r / g.outH, oy = r % g.outH;
        forTapRuns(g, x, b, oy, zeros.data(), src.data(), [&](long ox, long count, const float* const* s, long step) {
          kern.convTapsRows(s, k, count, step, w, f, ep, y + ((b * g.outH + oy) * g.outW + ox) * f);
        });
      }
    });
    return;
  }
  const long rows = g.n * g.outH * g.outW;
  const long band = std::max(tileRows(k, isa().gemm.mr), (rows + 4095) / 4096);  // the pool takes < 2^16 tasks
  const long tasks = (rows + band - 1) / band;
  ThreadPool::get().run(static_cast<int>(tasks), [&](int t) {
    const long r0 = t * band, r1 = std::min(rows, r0 + band);
    float* cols = tlsCols.get((r1 - r0) * k);
    im2colRows(x, cols, g, r0, r1);
    sgemm(r1 - r0, f, k, cols, k, 1, w, f, 1, y + r0 * f, f, ep);
  });
}

// Training: each thread unfolds its share of the bands into L2 and adds cols^T dz of each band into its own partial
// sums (thread 0 into dw itself), so the [rows, k] column matrix is never written to memory; the partials are then
// added in thread order.
void conv2dWeightGrad(const float* x, const float* dz, float* dw, float* db, const Window2D& g, long f) {
  const long k = g.kh * g.kw * g.c;
  const long rows = g.n * g.outH * g.outW;
  if (g.c == 1) {  // one input channel: taps read in place (convTapsGrad), each thread's output rows into its partials
    const long rowsTotal = g.n * g.outH;
    const long tasks = std::min<long>(ThreadPool::get().size(), rowsTotal);
    std::vector<float> partial(static_cast<size_t>(std::max(0L, tasks - 1) * (k * f + f)));
    const IsaKernels& kern = isa();
    ThreadPool::get().run(static_cast<int>(tasks), [&](int t) {
      float* acc = t == 0 ? dw : partial.data() + (t - 1) * (k * f + f);
      float* accb = t == 0 ? db : acc + k * f;
      std::memset(acc, 0, sizeof(float) * k * f);
      if (accb) std::memset(accb, 0, sizeof(float) * f);
      std::vector<float> zeros(g.outW * g.strideW + 1, 0.0f);
      std::vector<const float*> src(k);
      for (long r = rowsTotal * t / tasks; r < rowsTotal * (t + 1) / tasks; r++) {
        const long b = r / g.outH, oy = r % g.outH;
        forTapRuns(g, x, b, oy, zeros.data(), src.data(), [&](long ox, long count, const float* const* s, long step) {
          kern.convTapsGrad(s, k, count, step, dz + ((b * g.outH + oy) * g.outW + ox) * f, f, acc);
        });
        if (accb)
          for (long p = r * g.outW; p < (r + 1) * g.outW; p++) addRun(accb, dz + p * f, f);
      }
    });
    for (long t = 1; t < tasks; t++) {
      const float* p = partial.data() + (t - 1) * (k * f + f);
      addRun(dw, p, k * f);
      if (db) addRun(db, p + k * f, f);
    }
    return;
  }
  const long band = tileRows(k, isa().gemm.mr);
  const long bands = (rows + band - 1) / band;
  const long tasks = std::min<long>(ThreadPool::get().size(), bands);
  std::vector<float> partial(static_cast<size_t>(std::max(0L, tasks - 1) * (k * f + f)));
  ThreadPool::get().run(static_cast<int>(tasks), [&](int t) {
    float* acc = t == 0 ? dw : partial.data() + (t - 1) * (k * f + f);
    float* accb = t == 0 ? db : acc + k * f;
    std::memset(acc, 0, sizeof(float) * k * f);
    if (accb) std::memset(accb, 0, sizeof(float) * f);
    for (long bi = bands * t / tasks; bi < bands * (t + 1) / tasks; bi++) {
      const long r0 = bi * band, r1 = std::min(rows, r0 + band);
      float* cols = tlsCols.get((r1 - r0) * k);
      float* product = tlsProduct.get(k * f);
      im2colRows(x, cols, g, r0, r1);
      sgemm(k, f, r1 - r0, cols, 1, k, dz + r0 * f, f, 1, product, f, Epilogue{});
      addRun(acc, product, k * f);
      if (accb)
        for (long r = r0; r < r1; r++) addRun(accb, dz + r * f, f);
    }
  });
  for (long t = 1; t < tasks; t++) {
    const float* p = partial.data() + (t - 1) * (k * f + f);
    addRun(dw, p, k * f);
    if (db) addRun(db, p + k * f, f);
  }
}

void im2col(const float* x, float* cols, const Window2D& g) {
  const long perImage = g.outH * g.outW;
  const long k = g.kh * g.kw * g.c;
  forImages(g.n, [&](long b) { im2colRows(x, cols + b * perImage * k, g, b * perImage, (b + 1) * perImage); });
}

// Mirrors im2col: with dilationW 1 the in-bounds taps of one kernel row are one contiguous run of the input and of
// the column row, so each (pixel, kernel row) is a single add of (kx1 - kx0) * c floats, not kw adds of c.
void col2im(const float* cols, float* x, const Window2D& g) {
  const long k = g.kh * g.kw * g.c;
  const long c = g.c;
  forImages(g.n, [&](long b) {
    float* img = x + b * g.h * g.w * c;
    std::memset(img, 0, sizeof(float) * g.h * g.w * c);
    for (long oy = 0; oy < g.outH; oy++) {
      long ky0, ky1;
      validTaps(oy, g.strideH, g.padTop, g.dilationH, g.kh, g.h, &ky0, &ky1);
      for (long ox = 0; ox < g.outW; ox++) {
        long kx0, kx1;
        validTaps(ox, g.strideW, g.padLeft, g.dilationW, g.kw, g.w, &kx0, &kx1);
        if (kx1 <= kx0) continue;
        const float* row = cols + ((b * g.outH + oy) * g.outW + ox) * k;
        for (long ky = ky0; ky < ky1; ky++) {
          const long iy = oy * g.strideH - g.padTop + ky * g.dilationH;
          float* dst = img + (iy * g.w + ox * g.strideW - g.padLeft) * c;
          const float* src = row + ky * g.kw * c;
          if (g.dilationW == 1) {
            addRun(dst + kx0 * c, src + kx0 * c, (kx1 - kx0) * c);
          } else {
            for (long kx = kx0; kx < kx1; kx++) addRun(dst + kx * g.dilationW * c, src + kx * c, c);
          }
        }
      }
    }
  });
}

/** Calls fn(o, taps, count) once per output pixel of image b with the input pixel indices of its in-bounds taps. */
template <class F>
inline void forWindows(const Window2D& g, long b, std::vector<long>& taps, F fn) {
  taps.resize(g.kh * g.kw);
  for (long oy = 0; oy < g.outH; oy++) {
    long ky0, ky1;
    validTaps(oy, g.strideH, g.padTop, g.dilationH, g.kh, g.h, &ky0, &ky1);
    for (long ox = 0; ox < g.outW; ox++) {
      long kx0, kx1;
      validTaps(ox, g.strideW, g.padLeft, g.dilationW, g.kw, g.w, &kx0, &kx1);
      long count = 0;
      for (long ky = ky0; ky < ky1; ky++) {
        const long iy = oy * g.strideH - g.padTop + ky * g.dilationH;
        for (long kx = kx0; kx < kx1; kx++) taps[count++] = (b * g.h + iy) * g.w + ox * g.strideW - g.padLeft + kx * g.dilationW;
      }
      fn((b * g.outH + oy) * g.outW + ox, taps.data(), count);
    }
  }
}

void pool2d(const float* x, float* y, const Window2D& g, int kind) {
  const long c = g.c;
  const IsaKernels& k = isa();
  forImages(g.n, [&](long b) {
    std::vector<long> taps;
    std::vector<const float*> src(g.kh * g.kw);
    forWindows(g, b, taps, [&](long o, const long* t, long count) {
      float* d = y + o * c;
      if (kind == 0) {
        for (long p = 0; p < count; p++) src[p] = x + t[p] * c;
        k.poolMaxRow(src.data(), count, d, c);
      } else {
        for (long j = 0; j < c; j++) d[j] = 0.0f;
        for (long p = 0; p < count; p++) {
          const float* s = x + t[p] * c;
          for (long j = 0; j < c; j++) d[j] += s[j];
        }
        const float inv = 1.0f / static_cast<float>(count > 0 ? count : 1);
        for (long j = 0; j < c; j++) d[j] *= inv;
      }
    });
  });
}

void pool2dGrad(const float* x, const float* dy, float* dx, const Window2D& g, int kind, bool relu) {
  const long c = g.c;
  const IsaKernels& k = isa();
  // Max pooling whose windows tile the input exactly (2x2 stride 2 on even sizes...) writes every dx position once,
  // so it needs neither the zeroing pass nor read-modify-write adds.
  const bool tiles = kind == 0 && g.dilationH == 1 && g.dilationW == 1 && g.strideH == g.kh && g.strideW == g.kw &&
                     g.padTop == 0 && g.padLeft == 0 && g.outH * g.kh == g.h && g.outW * g.kw == g.w;
  forImages(g.n, [&](long b) {
    if (!tiles) std::memset(dx + b * g.h * g.w * c, 0, sizeof(float) * g.h * g.w * c);
    std::vector<long> taps;
    std::vector<const float*> src(g.kh * g.kw);
    std::vector<float*> dst(g.kh * g.kw);
    forWindows(g, b, taps, [&](long o, const long* t, long count) {
      const float* d = dy + o * c;
      if (count == 0) return;
      if (kind == 1) {
        const float inv = 1.0f / static_cast<float>(count);
        for (long p = 0; p < count; p++) {
          float* s = dx + t[p] * c;
          for (long j = 0; j < c; j++) s[j] += d[j] * inv;
        }
        return;
      }
      for (long p = 0; p < count; p++) {
        src[p] = x + t[p] * c;
        dst[p] = dx + t[p] * c;
      }
      k.poolMaxGradRow(src.data(), count, d, dst.data(), c, !tiles, relu);
    });
  });
}

}  // namespace lw

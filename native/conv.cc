// Convolution lowering (im2col / col2im) and pooling kernels: plain loops any compiler vectorizes, one image per task.
#include "conv.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

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

/** Runs fn(b) for every image b, spread over the thread pool. */
template <class F>
void forImages(long n, F fn) {
  ThreadPool::get().run(static_cast<int>(n), [&](int b) { fn(static_cast<long>(b)); });
}

/** Calls visit(outIndex, inIndex) for every in-bounds tap of image b: outIndex = output pixel, inIndex = input pixel. */
template <class F>
inline void forTaps(const Window2D& g, long b, F visit) {
  for (long oy = 0; oy < g.outH; oy++) {
    long ky0, ky1;
    validTaps(oy, g.strideH, g.padTop, g.dilationH, g.kh, g.h, &ky0, &ky1);
    for (long ox = 0; ox < g.outW; ox++) {
      long kx0, kx1;
      validTaps(ox, g.strideW, g.padLeft, g.dilationW, g.kw, g.w, &kx0, &kx1);
      const long o = (b * g.outH + oy) * g.outW + ox;
      for (long ky = ky0; ky < ky1; ky++) {
        const long iy = oy * g.strideH - g.padTop + ky * g.dilationH;
        for (long kx = kx0; kx < kx1; kx++) {
          const long ix = ox * g.strideW - g.padLeft + kx * g.dilationW;
          visit(o, (b * g.h + iy) * g.w + ix, ky * g.kw + kx);
        }
      }
    }
  }
}

}  // namespace

void im2col(const float* x, float* cols, const Window2D& g) {
  const long k = g.kh * g.kw * g.c;
  forImages(g.n, [&](long b) {
    float* base = cols + b * g.outH * g.outW * k;
    std::memset(base, 0, sizeof(float) * g.outH * g.outW * k);
    forTaps(g, b, [&](long o, long i, long tap) { std::memcpy(cols + o * k + tap * g.c, x + i * g.c, sizeof(float) * g.c); });
  });
}

void col2im(const float* cols, float* x, const Window2D& g) {
  const long k = g.kh * g.kw * g.c;
  forImages(g.n, [&](long b) {
    std::memset(x + b * g.h * g.w * g.c, 0, sizeof(float) * g.h * g.w * g.c);
    forTaps(g, b, [&](long o, long i, long tap) {
      const float* s = cols + o * k + tap * g.c;
      float* d = x + i * g.c;
      for (long j = 0; j < g.c; j++) d[j] += s[j];
    });
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
  forImages(g.n, [&](long b) {
    std::vector<long> taps;
    forWindows(g, b, taps, [&](long o, const long* t, long count) {
      float* d = y + o * c;
      if (kind == 0) {
        for (long j = 0; j < c; j++) d[j] = -std::numeric_limits<float>::infinity();
        for (long p = 0; p < count; p++) {
          const float* s = x + t[p] * c;
          // NaN propagates: once d[j] is NaN, no later value replaces it
          for (long j = 0; j < c; j++) d[j] = (s[j] > d[j] || (s[j] != s[j] && d[j] == d[j])) ? s[j] : d[j];
        }
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

void pool2dGrad(const float* x, const float* dy, float* dx, const Window2D& g, int kind) {
  const long c = g.c;
  forImages(g.n, [&](long b) {
    std::memset(dx + b * g.h * g.w * c, 0, sizeof(float) * g.h * g.w * c);
    std::vector<long> taps;
    std::vector<float> best(c);
    std::vector<long> where(c);
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
      // the first position holding each channel's maximum takes the gradient (ties: lowest (ky, kx))
      for (long j = 0; j < c; j++) {
        best[j] = x[t[0] * c + j];
        where[j] = t[0];
      }
      for (long p = 1; p < count; p++) {
        const float* s = x + t[p] * c;
        for (long j = 0; j < c; j++) {
          if (s[j] > best[j]) {
            best[j] = s[j];
            where[j] = t[p];
          }
        }
      }
      for (long j = 0; j < c; j++) dx[where[j] * c + j] += d[j];
    });
  });
}

}  // namespace lw

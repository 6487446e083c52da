// Convolution lowering and pooling over channels-last windows (ISA-neutral drivers, threaded over images).
#pragma once
#include "ops.h"

namespace lw {

/** A 2-D window over [n, h, w, c] input giving [n, outH, outW, ...] (see Window2D in src/backend/backend.ts). */
struct Window2D {
  long n, h, w, c, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW;
};

/** cols[n * outH * outW, kh * kw * c] = the windows of x (zeros where they leave the input). */
void im2col(const float* x, float* cols, const Window2D& g);
/**
 * y[n * outH * outW, f] = act(im2col(x) w + bias) (ep: bias and activation, no SGD), w [kh * kw * c, f]: the
 * inference convolution in bands of rows, never forming the whole column matrix.
 */
void conv2dForward(const float* x, const float* w, long f, const Epilogue& ep, float* y, const Window2D& g);
/** dw [kh * kw * c, f] = im2col(x)^T dz and db [f] = column sums of dz (db may be null), dz [n * outH * outW, f]. */
void conv2dWeightGrad(const float* x, const float* dz, float* dw, float* db, const Window2D& g, long f);
/** x[n, h, w, c] = the sum of each column entry into the input position it came from (x is overwritten). */
void col2im(const float* cols, float* x, const Window2D& g);
/** y[n, outH, outW, c] = max (kind 0) or mean (kind 1) over the in-bounds positions of each window. */
void pool2d(const float* x, float* y, const Window2D& g, int kind);
/**
 * dx[n, h, w, c] from dy: max routes to the first maximum of each window, mean spreads over its in-bounds positions.
 * relu (max only): x is a ReLU's output and dx also takes its gradient (dy only where the maximum is > 0), equal bit
 * for bit to the relu activation gradient applied to the plain dx.
 */
void pool2dGrad(const float* x, const float* dy, float* dx, const Window2D& g, int kind, bool relu = false);

}  // namespace lw

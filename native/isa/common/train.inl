// Training chunk kernels (batch norm, optimizer updates, column sums), written once and compiled per ISA (plain
// loops, auto-vectorized for that ISA's width). Included inside an ISA's namespace only.

void bnForwardCols(const float* x, const float* gamma, const float* beta, float epsilon, long rows, long c, long j0,
                   long j1, float* y, float* mean, float* variance, float* rstd) {
  const float n = static_cast<float>(rows);
  for (long j = j0; j < j1; j++) mean[j] = variance[j] = 0.f;
  for (long i = 0; i < rows; i++) {
    const float* xi = x + i * c;
    for (long j = j0; j < j1; j++) mean[j] += xi[j];
  }
  for (long j = j0; j < j1; j++) mean[j] /= n;
  for (long i = 0; i < rows; i++) {
    const float* xi = x + i * c;
    for (long j = j0; j < j1; j++) {
      const float d = xi[j] - mean[j];
      variance[j] += d * d;
    }
  }
  // y = x * inv + (beta - mean * inv) with inv = gamma / sqrt(var + eps), as Keras' batch_normalization.
  alignas(64) float inv[64], res[64];
  for (long jb = j0; jb < j1; jb += 64) {
    const long je = jb + 64 < j1 ? jb + 64 : j1;
    for (long j = jb; j < je; j++) {
      variance[j] /= n;
      rstd[j] = 1.f / std::sqrt(variance[j] + epsilon);
      inv[j - jb] = gamma ? gamma[j] * rstd[j] : rstd[j];
      res[j - jb] = (beta ? beta[j] : 0.f) - mean[j] * inv[j - jb];
    }
    for (long i = 0; i < rows; i++) {
      const float* xi = x + i * c;
      float* yi = y + i * c;
      for (long j = jb; j < je; j++) yi[j] = xi[j] * inv[j - jb] + res[j - jb];
    }
  }
}

void bnBackwardCols(const float* x, const float* dy, const float* mean, const float* rstd, const float* gamma,
                    long rows, long c, long j0, long j1, float* dx, float* dgamma, float* dbeta) {
  const float n = static_cast<float>(rows);
  alignas(64) float sdy[64], sdyx[64];
  for (long jb = j0; jb < j1; jb += 64) {
    const long je = jb + 64 < j1 ? jb + 64 : j1;
    for (long j = jb; j < je; j++) sdy[j - jb] = sdyx[j - jb] = 0.f;
    for (long i = 0; i < rows; i++) {
      const float* xi = x + i * c;
      const float* gi = dy + i * c;
      for (long j = jb; j < je; j++) {
        sdy[j - jb] += gi[j];
        sdyx[j - jb] += gi[j] * ((xi[j] - mean[j]) * rstd[j]);
      }
    }
    for (long j = jb; j < je; j++) {
      if (dbeta) dbeta[j] = sdy[j - jb];
      if (dgamma) dgamma[j] = sdyx[j - jb];
    }
    if (!dx) continue;
    // dx = gamma * rstd * (dy - mean(dy) - xhat * mean(dy * xhat))
    for (long i = 0; i < rows; i++) {
      const float* xi = x + i * c;
      const float* gi = dy + i * c;
      float* di = dx + i * c;
      for (long j = jb; j < je; j++) {
        const float xhat = (xi[j] - mean[j]) * rstd[j];
        const float scale = gamma ? gamma[j] * rstd[j] : rstd[j];
        di[j] = (gi[j] - sdy[j - jb] / n - xhat * (sdyx[j - jb] / n)) * scale;
      }
    }
  }
}

void scaleShiftRows(const float* x, const float* scale, const float* shift, long r0, long r1, long c, float* y) {
  for (long i = r0; i < r1; i++) {
    const float* xi = x + i * c;
    float* yi = y + i * c;
    for (long j = 0; j < c; j++) yi[j] = xi[j] * scale[j] + shift[j];
  }
}

void sgdStep(float* w, const float* g, float rate, long n) {
  for (long i = 0; i < n; i++) w[i] -= rate * g[i];
}

void columnSums(const float* z, float* out, long m, long n) {
  for (long j = 0; j < n; j++) out[j] = 0.f;
  for (long i = 0; i < m; i++) {
    const float* row = z + i * n;
    for (long j = 0; j < n; j++) out[j] += row[j];
  }
}

void optimizerStep(int kind, float* w, const float* g, float* const* s, int nslots, long n, const OptHyper& h) {
  if (h.weightDecay != 0.f) {
    const float f = 1.f - h.lr * h.weightDecay;
    for (long i = 0; i < n; i++) w[i] *= f;
  }
  const float lr = h.lr;
  if (kind == O_SGD) {
    const float mu = h.momentum;
    if (mu == 0.f || nslots == 0) {
      sgdStep(w, g, lr, n);
      return;
    }
    float* m = s[0];
    if (h.nesterov) {
      for (long i = 0; i < n; i++) {
        m[i] = mu * m[i] - lr * g[i];
        w[i] += mu * m[i] - lr * g[i];
      }
    } else {
      for (long i = 0; i < n; i++) {
        m[i] = mu * m[i] - lr * g[i];
        w[i] += m[i];
      }
    }
  } else if (kind == O_ADAM) {
    const double t = h.iteration;
    const float a = static_cast<float>(h.lr * std::sqrt(1.0 - std::pow(static_cast<double>(h.beta2), t)) /
                                       (1.0 - std::pow(static_cast<double>(h.beta1), t)));
    const float c1 = 1.f - h.beta1, c2 = 1.f - h.beta2, eps = h.epsilon;
    float* m = s[0];
    float* v = s[1];
    if (h.amsgrad && nslots > 2) {
      float* vh = s[2];
      for (long i = 0; i < n; i++) {
        m[i] += (g[i] - m[i]) * c1;
        v[i] += (g[i] * g[i] - v[i]) * c2;
        vh[i] = std::fmax(vh[i], v[i]);
        w[i] -= a * m[i] / (std::sqrt(vh[i]) + eps);
      }
    } else {
      for (long i = 0; i < n; i++) {
        m[i] += (g[i] - m[i]) * c1;
        v[i] += (g[i] * g[i] - v[i]) * c2;
        w[i] -= a * m[i] / (std::sqrt(v[i]) + eps);
      }
    }
  } else if (kind == O_NADAM) {
    // Keras 3 Nadam, each step in float32 as Keras does: m_hat = u_{t+1} m / (1 - P u_{t+1}) + (1 - u_t) g / (1 - P),
    // v_hat = v / (1 - b2^t), w -= m_hat lr / (sqrt(v_hat) + eps) with P = u_product (u_t included).
    const double t = h.iteration, b1 = h.beta1;
    const double ut = b1 * (1.0 - 0.5 * std::pow(0.96, t));
    const double ut1 = b1 * (1.0 - 0.5 * std::pow(0.96, t + 1.0));
    const float fut1 = static_cast<float>(ut1), gscale = static_cast<float>(1.0 - ut);
    const float d1 = static_cast<float>(1.0 - h.uProduct * ut1), d0 = static_cast<float>(1.0 - h.uProduct);
    const float dv = static_cast<float>(1.0 - std::pow(static_cast<double>(h.beta2), t));
    const float c1 = 1.f - h.beta1, c2 = 1.f - h.beta2, eps = h.epsilon;
    float* m = s[0];
    float* v = s[1];
    for (long i = 0; i < n; i++) {
      m[i] += (g[i] - m[i]) * c1;
      v[i] += (g[i] * g[i] - v[i]) * c2;
      const float mHat = fut1 * m[i] / d1 + gscale * g[i] / d0;
      w[i] -= mHat * lr / (std::sqrt(v[i] / dv) + eps);
    }
  } else if (kind == O_RMSPROP) {
    const float rho = h.rho, eps = h.epsilon, mom = h.momentum;
    float* v = s[0];
    int k = 1;
    float* ms = mom > 0.f ? s[k++] : nullptr;
    float* mg = h.centered ? s[k++] : nullptr;
    for (long i = 0; i < n; i++) {
      v[i] = rho * v[i] + (1.f - rho) * g[i] * g[i];
      float denom = v[i];
      if (mg) {
        mg[i] = rho * mg[i] + (1.f - rho) * g[i];
        denom -= mg[i] * mg[i];
      }
      const float inc = lr * g[i] / std::sqrt(denom + eps);
      if (ms) {
        ms[i] = mom * ms[i] + inc;
        w[i] -= ms[i];
      } else {
        w[i] -= inc;
      }
    }
  }
}

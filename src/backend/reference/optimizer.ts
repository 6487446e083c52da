// Reference in-place optimizer updates (Keras 3 formulas), one call over all parameters.
import type { OptimizerUpdate } from '../backend.js';

type Step = (w: Float32Array, g: Float32Array, s: Float32Array[], h: Record<string, number>, f: Record<string, boolean>) => void;

const steps: Record<string, Step> = {
  // SGD: m = mu*m - lr*g; w += m (nesterov: w += mu*m - lr*g); plain: w -= lr*g.
  sgd(w, g, s, h, f) {
    const lr = h.learningRate;
    const mu = h.momentum ?? 0;
    if (mu === 0 || s.length === 0) {
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
      return;
    }
    const m = s[0];
    for (let i = 0; i < w.length; i++) {
      m[i] = mu * m[i] - lr * g[i];
      w[i] += f.nesterov ? mu * m[i] - lr * g[i] : m[i];
    }
  },
  // Adam: a = lr*sqrt(1-b2^t)/(1-b1^t); m += (g-m)(1-b1); v += (g^2-v)(1-b2); w -= a*m/(sqrt(v)+eps).
  adam(w, g, s, h, f) {
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, iteration: t } = h;
    const a = (lr * Math.sqrt(1 - Math.pow(b2, t))) / (1 - Math.pow(b1, t));
    const [m, v, vhat] = s;
    for (let i = 0; i < w.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      let denom = v[i];
      if (f.amsgrad) {
        vhat[i] = Math.max(vhat[i], v[i]);
        denom = vhat[i];
      }
      w[i] -= (a * m[i]) / (Math.sqrt(denom) + eps);
    }
  },
  // RMSprop: v = rho v + (1-rho) g^2; centered subtracts mg^2; w -= lr*g/sqrt(v+eps) (optionally through momentum).
  rmsprop(w, g, s, h, f) {
    const { learningRate: lr, rho, epsilon: eps } = h;
    const momentum = h.momentum ?? 0;
    const v = s[0];
    let k = 1;
    const mom = momentum > 0 ? s[k++] : null;
    const mg = f.centered ? s[k++] : null;
    for (let i = 0; i < w.length; i++) {
      v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
      let denom = v[i];
      if (mg) {
        mg[i] = rho * mg[i] + (1 - rho) * g[i];
        denom -= mg[i] * mg[i];
      }
      const inc = (lr * g[i]) / Math.sqrt(denom + eps);
      if (mom) {
        mom[i] = momentum * mom[i] + inc;
        w[i] -= mom[i];
      } else {
        w[i] -= inc;
      }
    }
  },
  // Adagrad: acc += g^2; w -= lr*g/sqrt(acc+eps).
  adagrad(w, g, s, h) {
    const { learningRate: lr, epsilon: eps } = h;
    const acc = s[0];
    for (let i = 0; i < w.length; i++) {
      acc[i] += g[i] * g[i];
      w[i] -= (lr * g[i]) / Math.sqrt(acc[i] + eps);
    }
  },
  // Adamax: m += (g-m)(1-b1); u = max(b2*u, |g|); w -= lr*m/((1-b1^t)(u+eps)).
  adamax(w, g, s, h) {
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, iteration: t } = h;
    const c = 1 - Math.pow(b1, t);
    const [m, u] = s;
    for (let i = 0; i < w.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      u[i] = Math.max(b2 * u[i], Math.abs(g[i]));
      w[i] -= (lr * m[i]) / (c * (u[i] + eps));
    }
  },
  // Nadam: u_t = b1(1-0.5*0.96^t); m_hat = u_{t+1} m/(1-P u_{t+1}) + (1-u_t) g/(1-P) with P = u_product (already times u_t);
  // v_hat = v/(1-b2^t); w -= lr*m_hat/(sqrt(v_hat)+eps).
  nadam(w, g, s, h) {
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, iteration: t, uProduct: p } = h;
    const ut = b1 * (1 - 0.5 * Math.pow(0.96, t));
    const ut1 = b1 * (1 - 0.5 * Math.pow(0.96, t + 1));
    const p1 = p * ut1;
    const b2p = Math.pow(b2, t);
    const [m, v] = s;
    for (let i = 0; i < w.length; i++) {
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      const mHat = (ut1 * m[i]) / (1 - p1) + ((1 - ut) * g[i]) / (1 - p);
      const vHat = v[i] / (1 - b2p);
      w[i] -= (mHat * lr) / (Math.sqrt(vHat) + eps);
    }
  },
  // Adadelta: Eg = rho Eg + (1-rho) g^2; d = -sqrt(Ed+eps) g / sqrt(Eg+eps); Ed = rho Ed + (1-rho) d^2; w += lr*d.
  adadelta(w, g, s, h) {
    const { learningRate: lr, rho, epsilon: eps } = h;
    const [eg, ed] = s;
    for (let i = 0; i < w.length; i++) {
      eg[i] = rho * eg[i] + (1 - rho) * g[i] * g[i];
      const d = -(Math.sqrt(ed[i] + eps) * g[i]) / Math.sqrt(eg[i] + eps);
      ed[i] = rho * ed[i] + (1 - rho) * d * d;
      w[i] += lr * d;
    }
  },
};

/** Registers the update rule of another optimizer kind (used by src/optimizers). */
export function registerReferenceStep(kind: string, step: Step): void {
  steps[kind] = step;
}

export function optimizerUpdate(u: OptimizerUpdate): void {
  const step = steps[u.kind];
  if (!step) throw new Error(`optimizerUpdate: no reference kernel for optimizer kind '${u.kind}'`);
  const flags = u.flags ?? {};
  const wd = u.hyper.weightDecay ?? 0;
  for (let p = 0; p < u.params.length; p++) {
    const w = u.params[p];
    if (wd !== 0) {
      const f = 1 - u.hyper.learningRate * wd;
      for (let i = 0; i < w.length; i++) w[i] *= f;
    }
    step(w, u.grads[p], u.slots.map((slot) => slot[p]), u.hyper, flags);
  }
}

export function movingAverage(targets: Float32Array[], values: Float32Array[], momentum: number): void {
  const keep = Math.fround(momentum);
  const take = Math.fround(1 - momentum);
  targets.forEach((t, k) => {
    const v = values[k];
    for (let i = 0; i < t.length; i++) t[i] = Math.fround(Math.fround(t[i] * keep) + Math.fround(v[i] * take));
  });
}

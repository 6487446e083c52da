// Matrix products: matmul (transposes, batch dims) and the fused dense op (x @ kernel + bias, activation).
import type { Tensor } from '../tensor/tensor.js';
import type { ActivationOp } from '../backend/backend.js';
import { floatOf, promote } from '../tensor/dtype.js';
import { defineOp, wrap } from './define.js';
import { APPLIED } from '../autograd/tape.js';
import { backend } from '../backend/registry.js';
import { toTensor, type Arg } from './convert.js';
import { castTo, reshape, unbroadcast } from './layout.js';
import { broadcastShapes, formatShape } from '../tensor/shape.js';

interface MatmulAttrs { transposeA: boolean; transposeB: boolean }

const matmulOp = defineOp<MatmulAttrs>({
  name: 'matmul',
  forward: (bk, [a, b], attrs) => bk.matmul(a, b, attrs),
  vjp: (dy, { inputs: [a, b], attrs: { transposeA: ta, transposeB: tb }, needs }) => {
    // dA and dB for each transpose combination: [lhs, rhs, transposeLhs, transposeRhs] of the product.
    const plans: Record<string, [[Tensor, Tensor, boolean, boolean], [Tensor, Tensor, boolean, boolean]]> = {
      ff: [[dy, b, false, true], [a, dy, true, false]],
      ft: [[dy, b, false, false], [dy, a, true, false]],
      tf: [[b, dy, false, true], [a, dy, false, false]],
      tt: [[b, dy, true, true], [dy, a, true, true]],
    };
    const [pa, pb] = plans[`${ta ? 't' : 'f'}${tb ? 't' : 'f'}`];
    return [
      needs[0] ? unbroadcast(mm(...pa), a.shape) : null,
      needs[1] ? unbroadcast(mm(...pb), b.shape) : null,
    ];
  },
});

function mm(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return matmulOp([a, b], { transposeA, transposeB });
}

/** Validates before the backend runs, so every backend reports shape errors the same way. */
function checkMatmulShapes(a: readonly number[], b: readonly number[], transposeA: boolean, transposeB: boolean): void {
  const k = transposeA ? a[a.length - 2] : a[a.length - 1];
  const k2 = transposeB ? b[b.length - 1] : b[b.length - 2];
  const shapes = `${formatShape(a)}${transposeA ? ' (transposed)' : ''} and ${formatShape(b)}${transposeB ? ' (transposed)' : ''}`;
  if (k !== k2) {
    throw new Error(`matmul: expected the inner dimensions to match, received shapes ${shapes} (inner dimensions ${k} vs ${k2})`);
  }
  broadcastShapes(a.slice(0, -2), b.slice(0, -2), `matmul: batch dimensions of ${shapes}`);
}

/** Matrix product of the last two axes, broadcasting batch axes; rank-1 operands are promoted like numpy. */
export function matmul(a: Arg, b: Arg, options: { transposeA?: boolean; transposeB?: boolean } = {}): Tensor {
  let ta = toTensor(a);
  let tb = toTensor(b);
  const dtype = floatOf(promote(ta.dtype, tb.dtype));
  ta = castTo(ta, dtype);
  tb = castTo(tb, dtype);
  const vecA = ta.rank === 1;
  const vecB = tb.rank === 1;
  if (ta.rank === 0 || tb.rank === 0) {
    throw new Error(`matmul: expected operands of rank >= 1, received shapes ${formatShape(ta.shape)} and ${formatShape(tb.shape)}`);
  }
  if (vecA) ta = reshape(ta, [1, ta.shape[0]]);
  if (vecB) tb = reshape(tb, [tb.shape[0], 1]);
  checkMatmulShapes(ta.shape, tb.shape, options.transposeA ?? false, options.transposeB ?? false);
  let out = mm(ta, tb, options.transposeA ?? false, options.transposeB ?? false);
  if (vecA || vecB) out = reshape(out, out.shape.filter((_, i) => !((vecA && i === out.rank - 2) || (vecB && i === out.rank - 1))));
  return out;
}

interface DenseAttrs { activation: ActivationOp; alpha?: number }

// NOTE: the fused activations here have derivatives expressible from y alone, so the vjp never needs
// the pre-activation (activationGrad receives y in place of x).
const FUSABLE = new Set<ActivationOp>(['linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'tanh', 'leakyRelu']);

const denseOp = defineOp<DenseAttrs>({
  name: 'dense',
  forward: (bk, [x, kernel, bias], { activation, alpha }) =>
    bk.matmul(x, kernel, { bias, activation: activation === 'linear' ? undefined : activation, alpha }),
  // One backend call for dz = dy * act'(y), dx, dkernel and dbias (the native backend runs them in one addon call).
  // With an SGD step offered for the kernel (and the bias, if it has a gradient), the step is taken in the same
  // call: the kernel's gradient is never materialized.
  vjp: (dy, { inputs: [x, kernel, bias], output, attrs, needs, sgd }) => {
    const needsBias = bias !== undefined && needs[2];
    const step = sgd && needs[1] && sgd.inputs[1] && (!needsBias || sgd.inputs[2]);
    const g = backend().denseGrad(x, kernel, output, dy, {
      activation: attrs.activation, alpha: attrs.alpha, needs: [needs[0], needs[1], needsBias],
      sgd: step ? { learningRate: sgd.learningRate, bias: needsBias ? bias : null } : undefined,
    });
    if (step) return [g.dx && wrap(g.dx), APPLIED, needsBias ? APPLIED : null];
    return [g.dx && wrap(g.dx), g.dkernel && wrap(g.dkernel), g.dbias && wrap(g.dbias)];
  },
});

/** activation(x @ kernel + bias) for x [batch, in], kernel [in, out], bias [out], in one fused kernel. */
export function dense(x: Tensor, kernel: Tensor, bias: Tensor | null, activation: ActivationOp = 'linear', alpha?: number): Tensor {
  if (x.rank !== 2 || kernel.rank !== 2 || x.shape[1] !== kernel.shape[0]) {
    throw new Error(`dense: expected x [batch, ${kernel.shape[0]}] for a kernel of shape ${formatShape(kernel.shape)}, received ${formatShape(x.shape)}`);
  }
  if (!FUSABLE.has(activation) || (activation === 'leakyRelu' && (alpha ?? 0.2) <= 0)) {
    throw new Error(`dense: activation '${activation}' cannot be fused; apply it after a linear dense`);
  }
  const inputs = bias ? [x, kernel, bias] : [x, kernel];
  return denseOp(inputs, { activation, alpha });
}

// Reverse-mode differentiation: backward over a tape, valueAndGrads, grad and GradientTape.
import { Tensor } from '../tensor/tensor.js';
import { ones, zeros } from '../tensor/creation.js';
import { Variable } from './variable.js';
import { APPLIED, noGrad, popTape, pushTape, Tape } from './tape.js';
import { add } from '../ops/arithmetic.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { backend } from '../backend/registry.js';
import { storageKey } from '../backend/storage_key.js';

type Source = Tensor | Variable;

function sourceTensor(s: Source): Tensor {
  return s instanceof Variable ? s.value : s;
}

/** Walks the tape backward from `target`, returning d(sum of target)/d(source) for each source. */
export function backward(tape: Tape, target: Tensor, sources: readonly Tensor[], seed?: Tensor): Tensor[] {
  return walk(tape, target, sources, seed, null) as Tensor[];
}

/** A plain SGD step to fuse into backward: `sources[i]` marks the sources (variable values) it may step. */
export interface SgdFusion {
  learningRate: number;
  sources: readonly boolean[];
}

/**
 * backward, letting vjps step marked sources in place by plain SGD (w -= learningRate * g) instead of returning
 * their gradients: those come back null, already applied. Only a source whose buffer appears once on the tape
 * (one op input, never an output or a view) is offered, so no other vjp can read it before or after the step.
 */
export function backwardWithSgd(tape: Tape, target: Tensor, sources: readonly Tensor[], sgd: SgdFusion): (Tensor | null)[] {
  return walk(tape, target, sources, undefined, sgd);
}

/** Sources whose buffer is used exactly once on the tape, as an op input: safe to step in place during backward. */
function steppable(tape: Tape, sources: readonly Tensor[], marked: readonly boolean[]): Set<number> {
  const byId = new Map<number, object>();
  const candidates = new Map<object, number>();
  const lengths = new Set<number>();
  sources.forEach((s, i) => {
    if (!marked[i]) return;
    byId.set(s.id, storageKey(s.data));
    candidates.set(storageKey(s.data), s.id);
    lengths.add(s.data.length);
  });
  const uses = new Map<object, number>();
  const count = (t: Tensor, asInput: boolean): void => {
    const own = byId.get(t.id);
    // NOTE: the ops' only views (reshape and its kin) cover a whole buffer, so a tensor sharing a source's buffer
    // has the source's length; reading .buffer of every small tensor would cost more than the check is worth.
    const b = own ?? (lengths.has(t.data.length) ? storageKey(t.data) : undefined);
    if (b === undefined || !candidates.has(b)) return;
    // An output sharing the buffer, or an input that is a view of the source, rules the source out.
    uses.set(b, (uses.get(b) ?? 0) + (asInput && own !== undefined ? 1 : 2));
  };
  for (const node of tape.nodes) {
    for (const x of node.inputs) count(x, true);
    count(node.output, false);
  }
  const ids = new Set<number>();
  for (const [b, id] of candidates) if (uses.get(b) === 1) ids.add(id);
  return ids;
}

function walk(tape: Tape, target: Tensor, sources: readonly Tensor[], seed: Tensor | undefined, sgd: SgdFusion | null): (Tensor | null)[] {
  const blockedBy = tape.tracked.has(target.id) ? undefined : tape.blocked.get(target.id);
  if (blockedBy !== undefined) {
    throw new Error(
      `Cannot compute the gradient through '${blockedBy}': it is not differentiable, and the value being ` +
      'differentiated depends on the sources only through it (use a differentiable op, or wrap that use in noGrad)',
    );
  }
  return noGrad(() => {
    const grads = new Map<number, Tensor>();
    const produced: Tensor[] = [];
    const inPlace = sgd ? steppable(tape, sources, sgd.sources) : null;
    const applied = new Set<number>();
    const sourceIds = new Set(sources.map((s) => s.id));
    grads.set(target.id, seed ?? ones(target.shape, target.dtype === 'float64' ? 'float64' : 'float32'));
    for (let n = tape.nodes.length - 1; n >= 0; n--) {
      const node = tape.nodes[n];
      const dy = grads.get(node.output.id);
      if (!dy) continue;
      if (!node.vjp) {
        throw new Error(
          `Cannot compute the gradient through '${node.name}': it is not differentiable ` +
          '(its output is used in the value being differentiated; wrap that use in noGrad or remove it)',
        );
      }
      const needs = node.inputs.map((x) => tape.tracked.has(x.id));
      const offer = inPlace && sgd && node.inputs.some((x) => inPlace.has(x.id))
        ? { learningRate: sgd.learningRate, inputs: node.inputs.map((x) => inPlace.has(x.id)) }
        : undefined;
      const dxs = node.vjp(dy, needs, offer, node.inputs.map((x) => sourceIds.has(x.id)));
      node.inputs.forEach((x, i) => {
        const dx = dxs[i];
        if (dx === APPLIED) {
          if (!offer?.inputs[i]) throw new Error(`Internal error: '${node.name}' stepped input ${i} in place without being offered to`);
          applied.add(x.id);
          return;
        }
        if (!dx || !tape.tracked.has(x.id)) return;
        if (!shapesEqual(dx.shape, x.shape)) {
          throw new Error(
            `Internal error: the gradient of '${node.name}' for its input ${i} has shape ${formatShape(dx.shape)}, ` +
            `expected the input's shape ${formatShape(x.shape)}`,
          );
        }
        const prev = grads.get(x.id);
        const next = prev ? add(prev, dx) : dx;
        produced.push(dx);
        if (next !== dx) produced.push(next);
        grads.set(x.id, next);
      });
    }
    const results = sources.map((s) => applied.has(s.id) ? null : grads.get(s.id) ?? zeros(s.shape, s.dtype === 'float64' ? 'float64' : 'float32'));
    recycleIntermediates(tape, produced, results.filter((r): r is Tensor => r !== null), seed);
    return results;
  });
}

/**
 * Hands the backend the buffers of intermediate gradients, which nothing can reach once backward returns: every
 * tensor a vjp produced, minus the returned gradients, the seed and any tensor recorded on the tape.
 */
function recycleIntermediates(tape: Tape, produced: readonly Tensor[], results: readonly Tensor[], seed?: Tensor): void {
  const bk = backend();
  if (!bk.recycle || produced.length === 0) return;
  const dead = new Map<object, Tensor>();
  for (const t of produced) dead.set(storageKey(t.data), t);
  for (const t of results) dead.delete(storageKey(t.data));
  if (seed) dead.delete(storageKey(seed.data));
  for (const node of tape.nodes) {
    dead.delete(storageKey(node.output.data));
    for (const x of node.inputs) dead.delete(storageKey(x.data));
  }
  if (dead.size > 0) bk.recycle([...dead.values()].map((t) => t.data));
}

/**
 * Computes f() and the gradients of (the sum of) its value with respect to each variable or tensor.
 * @example const { value, grads } = valueAndGrads(() => w.value.square().sum(), [w]);
 */
export function valueAndGrads(f: () => Tensor, sources: readonly Source[], capture?: TapeCapture): { value: Tensor; grads: Tensor[] } {
  const { tape, value, watched } = recordValue(f, sources);
  if (capture) capture.tape = tape;
  return { value, grads: backward(tape, value, watched) };
}

/**
 * Receives the tape a valueAndGrads call recorded (a training step hands its forward buffers back after the update).
 * @internal
 */
export interface TapeCapture {
  tape?: Tape;
}

/**
 * valueAndGrads for a training step under plain SGD: vjps that can (the dense op) step the marked variables in
 * place during backward; their entries in `grads` are null, already applied. The others are returned as usual.
 */
export function valueAndGradsWithSgd(f: () => Tensor, sources: readonly Variable[], sgd: SgdFusion, capture?: TapeCapture): { value: Tensor; grads: (Tensor | null)[] } {
  const { tape, value, watched } = recordValue(f, sources);
  if (capture) capture.tape = tape;
  return { value, grads: backwardWithSgd(tape, value, watched, sgd) };
}

/** Runs f on a fresh tape watching the sources. */
function recordValue(f: () => Tensor, sources: readonly Source[]): { tape: Tape; value: Tensor; watched: Tensor[] } {
  const tape = new Tape();
  const watched = sources.map(sourceTensor);
  for (const t of watched) tape.watch(t);
  pushTape(tape);
  let value: Tensor;
  try {
    value = f();
  } finally {
    popTape(tape);
  }
  if (!(value instanceof Tensor)) throw new Error('valueAndGrads: f must return a Tensor');
  return { tape, value, watched };
}

/** The gradient function of f: grad(f)(x) = d(sum f(x))/dx. */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor) => Tensor {
  return (x: Tensor) => valueAndGrads(() => f(x), [x]).grads[0];
}

/** Like valueAndGrads for a function of tensors: returns the value and one gradient per argument. */
export function valueAndGrad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => { value: Tensor; grads: Tensor[] } {
  return (...xs: Tensor[]) => valueAndGrads(() => f(...xs), xs);
}

/**
 * Keras/TensorFlow-style tape: trainable variables read inside run() are watched automatically.
 * @example const tape = new GradientTape(); const loss = tape.run(() => lossFn()); tape.gradient(loss, vars);
 */
export class GradientTape {
  private readonly tape = new Tape(true);
  private used = false;

  /** Also watch a tensor or a non-trainable variable. */
  watch(s: Source): void {
    this.tape.watch(sourceTensor(s));
  }

  run<T>(fn: () => T): T {
    pushTape(this.tape);
    try {
      return fn();
    } finally {
      popTape(this.tape);
    }
  }

  gradient(target: Tensor, sources: readonly Source[]): Tensor[] {
    if (this.used) throw new Error('GradientTape.gradient: a tape can be used once (create a new GradientTape)');
    this.used = true;
    return backward(this.tape, target, sources.map((s) => (s instanceof Variable ? s.value : s)));
  }
}

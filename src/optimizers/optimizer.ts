// The Optimizer base (Keras 3 BaseOptimizer): lazy slots, clipping, weight decay, one backend update per step.
import { Tensor } from '../tensor/tensor.js';
import { fill, scalar } from '../tensor/creation.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import { Variable } from '../autograd/variable.js';
import { noGrad } from '../autograd/tape.js';
import { backend } from '../backend/registry.js';
import type { OptimizerKind } from '../backend/backend.js';
import { castTo, clip, div, mul, square, sum } from '../ops/index.js';
import { toTensor } from '../ops/convert.js';
import { snakeToCamel } from '../utils/naming.js';
import { deserialize as deserializeSchedule, LearningRateSchedule, serialize as serializeSchedule } from './schedules.js';

export interface OptimizerOptions {
  /** A number or a LearningRateSchedule (evaluated at `iterations` before each step). */
  learningRate?: number | LearningRateSchedule;
  /** Clip every gradient element into [-clipValue, clipValue]. */
  clipValue?: number | null;
  /** Rescale each gradient so its L2 norm is at most clipNorm. */
  clipNorm?: number | null;
  /** Rescale all gradients together so their global L2 norm is at most globalClipNorm. */
  globalClipNorm?: number | null;
  /** Decoupled weight decay: w -= w * weightDecay * lr before each update. */
  weightDecay?: number | null;
  name?: string;
}

/** One kind of optimizer state per parameter (e.g. Adam's 'momentum'), with its initial value. */
export interface SlotSpec {
  name: string;
  initialValue?: number;
}

/** A gradient (null: none) paired with the variable it updates, as in Keras apply_gradients(zip(grads, vars)). */
export type GradientPair = readonly [Tensor | null, Variable];

/**
 * Base of every optimizer. Subclasses declare their slots, hyperparameters and backend kernel;
 * the base builds slots lazily, clips gradients, applies weight decay and calls the backend once.
 * @example
 * const opt = new optimizers.Adam({ learningRate: 0.01, clipNorm: 1 });
 * opt.applyGradients([[grad, w]]);
 */
export abstract class Optimizer {
  static readonly className: string = 'Optimizer';
  name: string;
  readonly clipValue: number | null;
  readonly clipNorm: number | null;
  readonly globalClipNorm: number | null;
  weightDecay: number | null;
  /** The backend kernel that applies this optimizer's update. */
  protected abstract readonly kind: OptimizerKind;
  /** 'grouped' (Keras add_optimizer_variables per name: all m, then all v) or 'interleaved' (m0, u0, m1, u1...). */
  protected slotLayout: 'grouped' | 'interleaved' = 'grouped';

  private readonly iterationsVar: Variable;
  private readonly lrVar: Variable;
  private lrExact: number;
  private schedule: LearningRateSchedule | null = null;
  private readonly tracked: Variable[] = [];
  private readonly slots = new Map<Variable, Variable[]>();
  private readonly excludedFromDecay = new Set<Variable>();
  private excludedNames: RegExp | null = null;

  constructor(options: OptimizerOptions, defaults: { learningRate: number; name: string }) {
    this.name = options.name ?? defaults.name;
    const clips = { clipValue: options.clipValue ?? null, clipNorm: options.clipNorm ?? null, globalClipNorm: options.globalClipNorm ?? null };
    const set = Object.entries(clips).filter(([, v]) => v !== null);
    if (set.length > 1) {
      throw new Error(
        `${this.className} "${this.name}": only one of clipNorm, clipValue and globalClipNorm can be set; received ` +
        `${set.map(([k, v]) => `${k}=${String(v)}`).join(', ')}`,
      );
    }
    for (const [k, v] of set) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${this.className} "${this.name}": ${k} must be a finite number, received ${String(v)}`);
    }
    this.clipValue = clips.clipValue;
    this.clipNorm = clips.clipNorm;
    this.globalClipNorm = clips.globalClipNorm;
    this.weightDecay = options.weightDecay ?? null;
    this.iterationsVar = new Variable(scalar(0, 'int32'), { name: 'iteration', trainable: false, dtype: 'int32' });
    const lr = options.learningRate ?? defaults.learningRate;
    this.lrExact = 0;
    this.lrVar = new Variable(scalar(0), { name: 'learning_rate', trainable: false });
    if (lr instanceof LearningRateSchedule) this.schedule = lr;
    else this.setConstantRate(lr);
  }

  get className(): string {
    return (this.constructor as typeof Optimizer).className;
  }

  /** Number of applyGradients calls so far (Keras `iterations`). */
  get iterations(): number {
    return this.iterationsVar.value.item();
  }

  set iterations(n: number) {
    this.iterationsVar.assign(scalar(n, 'int32'));
  }

  /** The learning rate at the current step (a schedule is evaluated at `iterations`). */
  get learningRate(): number {
    if (this.schedule) return this.schedule.call(this.iterations);
    const stored = this.lrVar.value.item();
    return Math.fround(this.lrExact) === stored ? this.lrExact : stored;
  }

  /** Sets a constant learning rate (replacing a schedule if there was one). */
  set learningRate(value: number | LearningRateSchedule) {
    if (value instanceof LearningRateSchedule) {
      this.schedule = value;
      return;
    }
    this.schedule = null;
    this.setConstantRate(value);
  }

  /** The schedule in use, or null for a constant rate. */
  get learningRateSchedule(): LearningRateSchedule | null {
    return this.schedule;
  }

  private setConstantRate(value: number): void {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`${this.className} "${this.name}": learningRate must be a finite number or a LearningRateSchedule, received ${String(value)}`);
    }
    this.lrExact = value;
    this.lrVar.assign(scalar(value));
  }

  /** The slots this optimizer keeps per parameter, in Keras' order. */
  protected abstract slotSpecs(): SlotSpec[];
  /** Scalar hyperparameters for the kernel (learningRate and iteration are added by the base). */
  protected abstract hyper(): Record<string, number>;
  /** Boolean options for the kernel (nesterov, amsgrad, centered...). */
  protected flags(): Record<string, boolean> {
    return {};
  }
  /** Extra state variables after the slots (e.g. Nadam's u_product). */
  protected extraVariables(): Variable[] {
    return [];
  }
  /** Called once per step before the kernel, with the step's hyperparameters (Nadam updates u_product here). */
  protected beforeUpdate(_hyper: Record<string, number>): void {}

  /** Keras' exclude_from_weight_decay: by variable, or by substrings/regex sources of variable names. */
  excludeFromWeightDecay(options: { varList?: Variable[]; varNames?: string[] }): void {
    for (const v of options.varList ?? []) this.excludedFromDecay.add(v);
    this.excludedNames = options.varNames && options.varNames.length > 0 ? new RegExp(options.varNames.join('|')) : null;
  }

  private usesWeightDecay(v: Variable): boolean {
    if (this.excludedFromDecay.has(v)) return false;
    return !(this.excludedNames && this.excludedNames.test(v.name));
  }

  /** Creates the slots of variables not seen before (Keras build); called by applyGradients. */
  build(variables: readonly Variable[]): void {
    for (const v of variables) {
      if (this.slots.has(v)) continue;
      this.tracked.push(v);
      this.slots.set(v, this.slotSpecs().map((s) => new Variable(fill(v.shape, s.initialValue ?? 0, 'float32'), { name: `${v.name}_${s.name}`, trainable: false })));
    }
  }

  private clipGradients(grads: Tensor[]): Tensor[] {
    if (this.clipNorm !== null && this.clipNorm > 0) {
      const c = this.clipNorm;
      return grads.map((g) => {
        const norm = Math.sqrt(sum(square(g)).item());
        return div(mul(g, c), Math.max(norm, c));
      });
    }
    if (this.globalClipNorm !== null && this.globalClipNorm > 0) {
      const c = this.globalClipNorm;
      const n = Math.sqrt(grads.reduce((acc, g) => acc + sum(square(g)).item(), 0));
      // NOTE: Keras clip_by_global_norm: scale = c * min(1/N, 1/c) (+ (N - N) so a non-finite norm gives NaN).
      const scale = c * Math.min(1 / n, 1 / c) + (n - n);
      return grads.map((g) => mul(g, scale));
    }
    if (this.clipValue !== null && this.clipValue > 0) {
      const v = this.clipValue;
      return grads.map((g) => clip(g, -v, v));
    }
    return grads;
  }

  /**
   * Keras apply_gradients(zip(grads, vars)): clips, decays weights, updates every variable in one
   * backend call, then increments `iterations`. Pairs whose gradient is null are skipped.
   */
  applyGradients(pairs: readonly GradientPair[]): void {
    this.completeStep(pairs, new Set());
  }

  /**
   * The learning rate of this step if the update is plain SGD (no momentum, clipping or weight decay), which
   * backward may then apply in place as it goes (see backwardWithSgd); null otherwise.
   * @internal
   */
  fusableSgdRate(): number | null {
    return null;
  }

  /**
   * applyGradients for a step whose updates of `stepped` (null gradients in `pairs`) were already applied in place
   * with fusableSgdRate(): builds as if they had gradients, updates the others, then counts the step.
   * @internal
   */
  completeStep(pairs: readonly GradientPair[], stepped: ReadonlySet<Variable>): void {
    noGrad(() => {
      const kept = pairs.filter((p): p is readonly [Tensor, Variable] => p[0] !== null && p[0] !== undefined);
      const done = pairs.filter(([g, v]) => (g === null || g === undefined) && stepped.has(v));
      if (pairs.length > 0 && kept.length === 0 && done.length === 0) throw new Error(`${this.className} "${this.name}": no gradients provided for any variable`);
      if (kept.length === 0 && done.length === 0) return;
      this.build(pairs.filter(([g, v]) => (g !== null && g !== undefined) || stepped.has(v)).map(([, v]) => v));
      if (kept.length === 0) {
        this.iterations = this.iterations + 1;
        return;
      }
      const vars = kept.map(([, v]) => v);
      const grads = kept.map(([g, v]) => {
        const t = toTensor(g);
        if (!shapesEqual(t.shape, v.shape)) {
          throw new Error(`${this.className} "${this.name}": gradient of shape ${formatShape(t.shape)} does not match variable "${v.name}" of shape ${formatShape(v.shape)}`);
        }
        return castTo(t, 'float32');
      });
      const clipped = this.clipGradients(grads).map((g) => castTo(g, 'float32'));
      const lr = Math.fround(this.learningRate);
      const hyper: Record<string, number> = { ...this.hyper(), learningRate: lr, iteration: this.iterations + 1 };
      this.beforeUpdate(hyper);
      const flags = this.flags();
      const decay = this.weightDecay ?? 0;
      const groups = decay === 0 ? [{ wd: 0, idx: vars.map((_, i) => i) }] : [
        { wd: decay, idx: vars.map((_, i) => i).filter((i) => this.usesWeightDecay(vars[i])) },
        { wd: 0, idx: vars.map((_, i) => i).filter((i) => !this.usesWeightDecay(vars[i])) },
      ];
      const nSlots = this.slotSpecs().length;
      for (const { wd, idx } of groups) {
        if (idx.length === 0) continue;
        backend().optimizerUpdate({
          kind: this.kind,
          params: idx.map((i) => vars[i].storage()),
          grads: idx.map((i) => clipped[i].data as Float32Array),
          slots: Array.from({ length: nSlots }, (_, k) => idx.map((i) => (this.slots.get(vars[i]) as Variable[])[k].storage())),
          hyper: { ...hyper, weightDecay: wd },
          flags,
        });
      }
      this.iterations = this.iterations + 1;
    });
  }

  /** The slot variables of one parameter (in slotSpecs order), or undefined before its first update. */
  slotsOf(v: Variable): readonly Variable[] | undefined {
    return this.slots.get(v);
  }

  /**
   * The optimizer state as Variables in Keras order: iterations, learning_rate (absent with a schedule),
   * the slots, then any extra state.
   */
  variables(): Variable[] {
    const out: Variable[] = [this.iterationsVar];
    if (!this.schedule) out.push(this.lrVar);
    const specs = this.slotSpecs();
    if (this.slotLayout === 'interleaved') {
      for (const v of this.tracked) out.push(...(this.slots.get(v) as Variable[]));
    } else {
      for (let k = 0; k < specs.length; k++) for (const v of this.tracked) out.push((this.slots.get(v) as Variable[])[k]);
    }
    out.push(...this.extraVariables());
    return out;
  }

  /**
   * Restores state saved from variables() (same order). Call build(modelVariables) first so
   * the slots exist; values may be Tensors or arrays.
   */
  setVariables(values: readonly (Tensor | ArrayLike<number>)[]): void {
    const vars = this.variables();
    if (values.length !== vars.length) {
      throw new Error(`${this.className} "${this.name}": setVariables expected ${vars.length} values (iterations, learning rate, slots), received ${values.length}; build the optimizer on the model's trainable variables first`);
    }
    vars.forEach((v, i) => {
      const value = values[i];
      const t = value instanceof Tensor ? castTo(value, v.dtype) : toTensor(Array.from(value as ArrayLike<number>)).reshape(v.shape);
      if (!shapesEqual(t.shape, v.shape) && !(t.size === 1 && v.shape.length === 0)) {
        throw new Error(`${this.className} "${this.name}": state variable ${i} ("${v.name}") has shape ${formatShape(v.shape)}, received ${formatShape(t.shape)}`);
      }
      v.assign(castTo(t.reshape(v.shape), v.dtype));
    });
    if (!this.schedule) this.lrExact = this.lrVar.value.item();
  }

  /** Alias of setVariables (Keras load_own_variables). */
  loadState(values: readonly (Tensor | ArrayLike<number>)[]): void {
    this.setVariables(values);
  }

  /** Keras config (snake_case keys). */
  getConfig(): Record<string, unknown> {
    return {
      name: this.name,
      learning_rate: this.schedule ? serializeSchedule(this.schedule) : this.learningRate,
      weight_decay: this.weightDecay,
      clipnorm: this.clipNorm,
      global_clipnorm: this.globalClipNorm,
      clipvalue: this.clipValue,
      use_ema: false,
      ema_momentum: 0.99,
      ema_overwrite_frequency: null,
      loss_scale_factor: null,
      gradient_accumulation_steps: null,
    };
  }

  /** Rebuilds an optimizer from its Keras config (snake_case keys become camelCase options). */
  static fromConfig(config: Record<string, any>): Optimizer {
    const handled = new Set(['name', 'learning_rate', 'lr', 'weight_decay', 'clipnorm', 'global_clipnorm', 'clipvalue']);
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) if (!handled.has(k)) options[snakeToCamel(k)] = v;
    return new (this as unknown as new (o: Record<string, unknown>) => Optimizer)({ ...options, ...baseOptionsFromConfig(config) });
  }
}

/** Base options from a Keras optimizer config (snake_case), shared by every fromConfig. */
export function baseOptionsFromConfig(c: Record<string, any>): OptimizerOptions {
  const lr = c.learning_rate ?? c.lr;
  return {
    name: c.name ?? undefined,
    learningRate: lr && typeof lr === 'object' ? deserializeSchedule(lr) : lr ?? undefined,
    weightDecay: c.weight_decay ?? null,
    clipNorm: c.clipnorm ?? null,
    globalClipNorm: c.global_clipnorm ?? null,
    clipValue: c.clipvalue ?? null,
  };
}

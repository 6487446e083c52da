// Learning-rate schedules (Keras 3 learning_rate_schedule.py): step -> learning rate.
import { registerSerializable, lookupSerializable } from '../saving/registry.js';
import { snakeToCamel } from '../utils/naming.js';

/**
 * Base of learning-rate schedules: `call(step)` gives the rate at optimizer step `step`
 * (the optimizer passes its `iterations` before the increment).
 */
export abstract class LearningRateSchedule {
  static readonly className: string = 'LearningRateSchedule';
  name: string;

  constructor(name: string) {
    this.name = name;
  }

  get className(): string {
    return (this.constructor as typeof LearningRateSchedule).className;
  }

  /** The learning rate at `step`. */
  abstract call(step: number): number;

  /** Keras config (snake_case keys). */
  abstract getConfig(): Record<string, unknown>;

  /** Rebuilds a schedule from its config (snake_case keys become camelCase options). */
  static fromConfig(config: Record<string, any>): LearningRateSchedule {
    const options: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) options[snakeToCamel(k)] = v;
    return new (this as unknown as new (o: Record<string, unknown>) => LearningRateSchedule)(options);
  }
}

function positive(what: string, key: string, value: number): void {
  if (!(value > 0)) throw new Error(`${what}: ${key} must be > 0, received ${value}`);
}

export interface ExponentialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  decayRate: number;
  staircase?: boolean;
  name?: string;
}

/** Base of the decays from initialLearningRate over decaySteps (> 0); the name defaults to the class name. */
abstract class DecaySchedule extends LearningRateSchedule {
  readonly initialLearningRate: number;
  readonly decaySteps: number;

  constructor(o: { initialLearningRate: number; decaySteps: number; name?: string }) {
    super(o.name ?? new.target.className);
    positive(new.target.className, 'decaySteps', o.decaySteps);
    this.initialLearningRate = o.initialLearningRate;
    this.decaySteps = o.decaySteps;
  }
}

/** Shared parts of ExponentialDecay and InverseTimeDecay: decayRate and staircase. */
abstract class TimeDecay extends DecaySchedule {
  readonly decayRate: number;
  readonly staircase: boolean;

  constructor(o: ExponentialDecayOptions) {
    super(o);
    this.decayRate = o.decayRate;
    this.staircase = o.staircase ?? false;
  }

  /** step / decaySteps, floored if staircase. */
  protected progress(step: number): number {
    const p = step / this.decaySteps;
    return this.staircase ? Math.floor(p) : p;
  }

  getConfig(): Record<string, unknown> {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name };
  }

  static override fromConfig<T extends TimeDecay>(this: new (o: ExponentialDecayOptions) => T, c: Record<string, any>): T {
    return new this({ initialLearningRate: c.initial_learning_rate, decaySteps: c.decay_steps, decayRate: c.decay_rate, staircase: c.staircase, name: c.name });
  }
}

/** lr0 * decayRate^(step / decaySteps) (floor of the exponent if staircase). */
export class ExponentialDecay extends TimeDecay {
  static override readonly className = 'ExponentialDecay';

  call(step: number): number {
    return this.initialLearningRate * Math.pow(this.decayRate, this.progress(step));
  }
}

export interface PiecewiseConstantDecayOptions {
  boundaries: number[];
  values: number[];
  name?: string;
}

/** values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i], values[-1] after. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  static override readonly className = 'PiecewiseConstantDecay';
  readonly boundaries: number[];
  readonly values: number[];

  constructor(o: PiecewiseConstantDecayOptions) {
    super(o.name ?? 'PiecewiseConstant');
    if (o.boundaries.length !== o.values.length - 1) {
      throw new Error(`PiecewiseConstantDecay: expected one more value than boundaries, received ${o.boundaries.length} boundaries and ${o.values.length} values`);
    }
    this.boundaries = [...o.boundaries];
    this.values = [...o.values];
  }

  call(step: number): number {
    for (let i = 0; i < this.boundaries.length; i++) if (step <= this.boundaries[i]) return this.values[i];
    return this.values[this.values.length - 1];
  }

  getConfig(): Record<string, unknown> {
    return { boundaries: this.boundaries, values: this.values, name: this.name };
  }

  static override fromConfig(c: Record<string, any>): PiecewiseConstantDecay {
    return new PiecewiseConstantDecay({ boundaries: c.boundaries, values: c.values, name: c.name });
  }
}

export type InverseTimeDecayOptions = ExponentialDecayOptions;

/** lr0 / (1 + decayRate * step / decaySteps) (floor of the ratio if staircase). */
export class InverseTimeDecay extends TimeDecay {
  static override readonly className = 'InverseTimeDecay';

  call(step: number): number {
    return this.initialLearningRate / (1 + this.decayRate * this.progress(step));
  }
}

export interface PolynomialDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Default 1e-4. */
  endLearningRate?: number;
  /** Default 1. */
  power?: number;
  cycle?: boolean;
  name?: string;
}

/** (lr0 - end) * (1 - min(step, decaySteps)/decaySteps)^power + end; with cycle, decaySteps grows by multiples. */
export class PolynomialDecay extends DecaySchedule {
  static override readonly className = 'PolynomialDecay';
  readonly endLearningRate: number;
  readonly power: number;
  readonly cycle: boolean;

  constructor(o: PolynomialDecayOptions) {
    super(o);
    this.endLearningRate = o.endLearningRate ?? 0.0001;
    this.power = o.power ?? 1;
    this.cycle = o.cycle ?? false;
  }

  call(step: number): number {
    let s = step;
    let decaySteps = this.decaySteps;
    if (this.cycle) decaySteps *= s === 0 ? 1 : Math.ceil(s / this.decaySteps);
    else s = Math.min(s, decaySteps);
    const p = s / decaySteps;
    return (this.initialLearningRate - this.endLearningRate) * Math.pow(1 - p, this.power) + this.endLearningRate;
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, end_learning_rate: this.endLearningRate,
      power: this.power, cycle: this.cycle, name: this.name,
    };
  }

  static override fromConfig(c: Record<string, any>): PolynomialDecay {
    return new PolynomialDecay({
      initialLearningRate: c.initial_learning_rate, decaySteps: c.decay_steps, endLearningRate: c.end_learning_rate,
      power: c.power, cycle: c.cycle, name: c.name,
    });
  }
}

export interface CosineDecayOptions {
  initialLearningRate: number;
  decaySteps: number;
  /** Final rate as a fraction of the decay's starting rate (default 0). */
  alpha?: number;
  /** Rate reached by a linear warmup from initialLearningRate (null: no warmup). */
  warmupTarget?: number | null;
  warmupSteps?: number;
  name?: string;
}

/** Optional linear warmup to warmupTarget, then cosine decay to alpha times the starting rate. */
export class CosineDecay extends DecaySchedule {
  static override readonly className = 'CosineDecay';
  readonly alpha: number;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(o: CosineDecayOptions) {
    super(o);
    this.alpha = o.alpha ?? 0;
    this.warmupTarget = o.warmupTarget ?? null;
    this.warmupSteps = o.warmupSteps ?? 0;
  }

  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  call(step: number): number {
    if (this.warmupTarget === null) return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const s = Math.min(step, this.decaySteps + this.warmupSteps);
    if (s < this.warmupSteps) {
      return (this.warmupTarget - this.initialLearningRate) * (s / this.warmupSteps) + this.initialLearningRate;
    }
    return this.decay(s - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, alpha: this.alpha, name: this.name,
      warmup_target: this.warmupTarget, warmup_steps: this.warmupSteps,
    };
  }

  static override fromConfig(c: Record<string, any>): CosineDecay {
    return new CosineDecay({
      initialLearningRate: c.initial_learning_rate, decaySteps: c.decay_steps, alpha: c.alpha, name: c.name,
      warmupTarget: c.warmup_target, warmupSteps: c.warmup_steps,
    });
  }
}

for (const cls of [ExponentialDecay, PiecewiseConstantDecay, InverseTimeDecay, PolynomialDecay, CosineDecay]) {
  registerSerializable('schedule', cls);
}

/** The Keras config entry of a schedule: {module, class_name, config, registered_name}. */
export function serialize(s: LearningRateSchedule): Record<string, unknown> {
  return { module: 'keras.optimizers.schedules', class_name: s.className, config: s.getConfig(), registered_name: null };
}

/** A schedule from its Keras config entry. */
export function deserialize(entry: { class_name: string; config: Record<string, any> }): LearningRateSchedule {
  const cls = lookupSerializable('schedule', entry.class_name);
  if (!cls) throw new Error(`schedules.deserialize: unknown schedule class '${entry.class_name}'`);
  return cls.fromConfig(entry.config) as LearningRateSchedule;
}

// Constraints room: MaxNorm, NonNeg, UnitNorm, MinMaxNorm projections (Keras 3 formulas), get and registration.
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, clip, div, greaterEqual, mul, sqrt, square, sum } from '../ops/index.js';
import { lookupSerializable, registerSerializable } from '../saving/registry.js';
import { normalizeIdentifier } from '../utils/naming.js';

/** Keras' backend epsilon, added to norms before dividing. */
const EPSILON = 1e-7;

export type ConstraintConfig = Record<string, any>;
export type ConstraintAxis = number | number[];

/** Base class: `apply(w)` returns the projected weights (applied after each optimizer update). */
export abstract class Constraint {
  static readonly className: string = 'Constraint';

  /** The projection of w. */
  abstract apply(w: Tensor): Tensor;

  getConfig(): ConstraintConfig {
    return {};
  }

  get className(): string {
    return (this.constructor as typeof Constraint).className;
  }

  static fromConfig<T extends Constraint>(this: new (options?: any) => T, config: ConstraintConfig = {}): T {
    return new this(config);
  }
}

function norms(w: Tensor, axis: ConstraintAxis): Tensor {
  return sqrt(sum(square(w), axis, true));
}

function axisOption(options: { axis?: ConstraintAxis }): ConstraintAxis {
  const axis = options.axis ?? 0;
  return Array.isArray(axis) ? [...axis] : axis;
}

/**
 * Rescales slices along `axis` (default 0: each unit's incoming weights in a Dense kernel) whose L2 norm
 * exceeds maxValue (default 2): w * clip(n, 0, max) / (eps + n).
 * @example new MaxNorm({ maxValue: 1 }).apply(kernel)
 */
export class MaxNorm extends Constraint {
  static override readonly className: string = 'MaxNorm';
  readonly maxValue: number;
  readonly axis: ConstraintAxis;

  constructor(options: { maxValue?: number; max_value?: number; axis?: ConstraintAxis } = {}) {
    super();
    this.maxValue = options.maxValue ?? options.max_value ?? 2;
    this.axis = axisOption(options);
  }

  apply(w: Tensor): Tensor {
    const n = norms(w, this.axis);
    return mul(w, div(clip(n, 0, this.maxValue), add(n, EPSILON)));
  }

  override getConfig(): ConstraintConfig {
    return { max_value: this.maxValue, axis: this.axis };
  }
}

/** Zeroes negative weights. */
export class NonNeg extends Constraint {
  static override readonly className: string = 'NonNeg';

  apply(w: Tensor): Tensor {
    return mul(w, cast(greaterEqual(w, 0), w.dtype));
  }
}

/** Divides slices along `axis` (default 0) by their L2 norm (plus epsilon). */
export class UnitNorm extends Constraint {
  static override readonly className: string = 'UnitNorm';
  readonly axis: ConstraintAxis;

  constructor(options: { axis?: ConstraintAxis } = {}) {
    super();
    this.axis = axisOption(options);
  }

  apply(w: Tensor): Tensor {
    return div(w, add(norms(w, this.axis), EPSILON));
  }

  override getConfig(): ConstraintConfig {
    return { axis: this.axis };
  }
}

/**
 * Moves slice norms toward [minValue, maxValue] (defaults 0, 1) at `rate` (default 1 = project):
 * desired = rate * clip(n, min, max) + (1 - rate) * n; w * desired / (eps + n).
 */
export class MinMaxNorm extends Constraint {
  static override readonly className: string = 'MinMaxNorm';
  readonly minValue: number;
  readonly maxValue: number;
  readonly rate: number;
  readonly axis: ConstraintAxis;

  constructor(options: { minValue?: number; maxValue?: number; rate?: number; axis?: ConstraintAxis; min_value?: number; max_value?: number } = {}) {
    super();
    this.minValue = options.minValue ?? options.min_value ?? 0;
    this.maxValue = options.maxValue ?? options.max_value ?? 1;
    this.rate = options.rate ?? 1;
    this.axis = axisOption(options);
    if (this.minValue > this.maxValue) {
      throw new Error(`MinMaxNorm: expected minValue <= maxValue, received minValue=${this.minValue}, maxValue=${this.maxValue}`);
    }
  }

  apply(w: Tensor): Tensor {
    const n = norms(w, this.axis);
    const desired = add(mul(clip(n, this.minValue, this.maxValue), this.rate), mul(n, 1 - this.rate));
    return mul(w, div(desired, add(n, EPSILON)));
  }

  override getConfig(): ConstraintConfig {
    return { min_value: this.minValue, max_value: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

type ConstraintClass = (new (options?: any) => Constraint) & { readonly className: string; fromConfig(config: ConstraintConfig): Constraint };

const BUILT_INS: ConstraintClass[] = [MaxNorm, NonNeg, UnitNorm, MinMaxNorm];
const BY_NAME = new Map<string, ConstraintClass>();
for (const cls of BUILT_INS) {
  registerSerializable('constraint', cls);
  BY_NAME.set(normalizeIdentifier(cls.className), cls);
}
// tf.keras 2 lower-case aliases.
for (const [alias, cls] of [['maxnorm', MaxNorm], ['nonneg', NonNeg], ['unitnorm', UnitNorm], ['minmaxnorm', MinMaxNorm]] as const) BY_NAME.set(alias, cls);

export interface ConstraintSpec {
  class_name: string;
  config?: ConstraintConfig;
  module?: string;
  registered_name?: string | null;
}

export type ConstraintIdentifier = string | Constraint | ConstraintSpec;

/** 'max_norm' | 'non_neg' | 'unit_norm' | 'min_max_norm' (or camelCase / class names), a config or an instance; null -> null. */
export function get(id: ConstraintIdentifier | null | undefined): Constraint | null {
  if (id === null || id === undefined) return null;
  if (id instanceof Constraint) return id;
  if (typeof id === 'string') {
    const cls = (lookupSerializable('constraint', id) as ConstraintClass | undefined) ?? BY_NAME.get(normalizeIdentifier(id));
    if (!cls) throw new Error(`constraints.get: unknown constraint '${id}' (expected one of ${[...BY_NAME.keys()].join(', ')})`);
    return new cls();
  }
  if (typeof id === 'object' && typeof id.class_name === 'string') return deserialize(id);
  throw new Error(`constraints.get: expected a constraint name, instance or {class_name, config}, received ${JSON.stringify(id)}`);
}

export function deserialize(spec: ConstraintSpec): Constraint {
  const cls = (lookupSerializable('constraint', spec.class_name) as ConstraintClass | undefined) ?? BY_NAME.get(normalizeIdentifier(spec.class_name));
  if (!cls) throw new Error(`constraints.deserialize: unknown constraint class '${spec.class_name}'`);
  return cls.fromConfig({ ...(spec.config ?? {}) });
}

/** Keras 3 serialization: {module, class_name, config, registered_name}. */
export function serialize(c: Constraint): Required<ConstraintSpec> {
  const builtIn = BUILT_INS.includes(c.constructor as ConstraintClass);
  return { module: builtIn ? 'keras.constraints' : 'layerwise.custom', class_name: c.className, config: c.getConfig(), registered_name: builtIn ? null : c.className };
}

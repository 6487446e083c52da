// Regularizers room: L1, L2, L1L2 weight penalties (Keras 3: no 1/2 factor), get/serialize and registration.
import type { Tensor } from '../tensor/tensor.js';
import { abs, add, cast, mul, square, sum } from '../ops/index.js';
import { scalar } from '../tensor/creation.js';
import { floatOf } from '../tensor/dtype.js';
import { lookupSerializable, registerSerializable } from '../saving/registry.js';
import { normalizeIdentifier } from '../utils/naming.js';

export type RegularizerConfig = Record<string, any>;

/** Base class: `apply(w)` returns the scalar penalty added to the loss. */
export abstract class Regularizer {
  static readonly className: string = 'Regularizer';

  /** The scalar penalty for weights w. */
  abstract apply(w: Tensor): Tensor;

  getConfig(): RegularizerConfig {
    return {};
  }

  get className(): string {
    return (this.constructor as typeof Regularizer).className;
  }

  static fromConfig<T extends Regularizer>(this: new (options?: any) => T, config: RegularizerConfig = {}): T {
    return new this(config);
  }
}

function checkFactor(value: number, name: string, who: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${who}: expected ${name} to be a non-negative number, received ${String(value)}`);
  }
  return value;
}

/**
 * l1 * sum(|w|) + l2 * sum(w^2) (Keras defaults 0 and 0).
 * @example new L1L2({ l1: 0.01, l2: 0.01 }).apply(w)
 */
export class L1L2 extends Regularizer {
  static override readonly className: string = 'L1L2';
  readonly l1: number;
  readonly l2: number;

  constructor(options: { l1?: number | null; l2?: number | null } = {}) {
    super();
    this.l1 = checkFactor(options.l1 ?? 0, 'l1', 'L1L2');
    this.l2 = checkFactor(options.l2 ?? 0, 'l2', 'L1L2');
  }

  apply(w: Tensor): Tensor {
    return penalty(w, this.l1, this.l2);
  }

  override getConfig(): RegularizerConfig {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** l1 * sum(|w|) (Keras default l1 = 0.01). */
export class L1 extends Regularizer {
  static override readonly className: string = 'L1';
  readonly l1: number;

  constructor(options: { l1?: number } | number = {}) {
    super();
    this.l1 = checkFactor(typeof options === 'number' ? options : options.l1 ?? 0.01, 'l1', 'L1');
  }

  apply(w: Tensor): Tensor {
    return penalty(w, this.l1, 0);
  }

  override getConfig(): RegularizerConfig {
    return { l1: this.l1 };
  }
}

/** l2 * sum(w^2), with no 1/2 factor, as Keras (default l2 = 0.01). */
export class L2 extends Regularizer {
  static override readonly className: string = 'L2';
  readonly l2: number;

  constructor(options: { l2?: number } | number = {}) {
    super();
    this.l2 = checkFactor(typeof options === 'number' ? options : options.l2 ?? 0.01, 'l2', 'L2');
  }

  apply(w: Tensor): Tensor {
    return penalty(w, 0, this.l2);
  }

  override getConfig(): RegularizerConfig {
    return { l2: this.l2 };
  }
}

function penalty(w: Tensor, l1: number, l2: number): Tensor {
  const x = cast(w, floatOf(w.dtype));
  let out: Tensor = scalar(0, x.dtype);
  if (l1) out = add(out, mul(sum(abs(x)), l1));
  if (l2) out = add(out, mul(sum(square(x)), l2));
  return out;
}

type RegularizerClass = (new (options?: any) => Regularizer) & { readonly className: string; fromConfig(config: RegularizerConfig): Regularizer };

const BUILT_INS: RegularizerClass[] = [L1, L2, L1L2];
for (const cls of BUILT_INS) registerSerializable('regularizer', cls);
registerSerializable('regularizer', L1, 'l1');
registerSerializable('regularizer', L2, 'l2');

const BY_NAME = new Map<string, () => Regularizer>([
  ['l1', () => new L1()], ['l2', () => new L2()],
  // NOTE: the string 'l1_l2' means tf.keras' l1_l2() helper (both factors 0.01); the class name
  // 'L1L2' / 'l1l2' builds Keras 3's L1L2() whose factors default to 0.
  ['l1_l2', () => new L1L2({ l1: 0.01, l2: 0.01 })], ['l1l2', () => new L1L2()],
]);

export interface RegularizerSpec {
  class_name: string;
  config?: RegularizerConfig;
  module?: string;
  registered_name?: string | null;
}

export type RegularizerIdentifier = string | Regularizer | RegularizerSpec;

/** 'l1' | 'l2' | 'l1_l2' (any case), a {class_name, config} or an instance; null/undefined -> null. */
export function get(id: RegularizerIdentifier | null | undefined): Regularizer | null {
  if (id === null || id === undefined) return null;
  if (id instanceof Regularizer) return id;
  if (typeof id === 'string') {
    const make = BY_NAME.get(id) ?? BY_NAME.get(normalizeIdentifier(id));
    if (make) return make();
    const cls = lookupSerializable('regularizer', id) as RegularizerClass | undefined;
    if (cls) return new cls();
    throw new Error(`regularizers.get: unknown regularizer '${id}' (expected 'l1', 'l2' or 'l1_l2')`);
  }
  if (typeof id === 'object' && typeof id.class_name === 'string') return deserialize(id);
  throw new Error(`regularizers.get: expected a regularizer name, instance or {class_name, config}, received ${JSON.stringify(id)}`);
}

export function deserialize(spec: RegularizerSpec): Regularizer {
  const cls = (lookupSerializable('regularizer', spec.class_name) ?? lookupSerializable('regularizer', spec.class_name.toLowerCase())) as RegularizerClass | undefined;
  if (!cls) throw new Error(`regularizers.deserialize: unknown regularizer class '${spec.class_name}'`);
  return cls.fromConfig({ ...(spec.config ?? {}) });
}

/** Keras 3 serialization: {module, class_name, config, registered_name}. */
export function serialize(r: Regularizer): Required<RegularizerSpec> {
  const builtIn = BUILT_INS.includes(r.constructor as RegularizerClass);
  return { module: builtIn ? 'keras.regularizers' : 'layerwise.custom', class_name: r.className, config: r.getConfig(), registered_name: builtIn ? null : r.className };
}

// Keras-style names: snake_case of class names and unique auto-names (dense, dense_1, ...).

/** Keras' to_snake_case: 'BatchNormalization' -> 'batch_normalization', 'PReLU' -> 'p_re_lu'. */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z]+)/g, '$1_$2');
  const out = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return out.startsWith('_') ? `private${out}` : out;
}

/** 'he_normal' / 'heNormal' / 'HeNormal' -> 'he_normal' (for resolving string identifiers). */
export function normalizeIdentifier(id: string): string {
  return toSnakeCase(id.replace(/^[a-z]/, (c) => c.toUpperCase())).replace(/__+/g, '_');
}

/** snake_case -> camelCase ('kernel_initializer' -> 'kernelInitializer'). */
export function snakeToCamel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** camelCase -> snake_case ('kernelInitializer' -> 'kernel_initializer'). */
export function camelToSnake(s: string): string {
  return s.replace(/([A-Z])/g, (c) => `_${c.toLowerCase()}`);
}

const counters = new Map<string, number>();

/** A name unique in this process: the first 'dense' is 'dense', then 'dense_1', 'dense_2'... */
export function uniqueName(base: string): string {
  const n = counters.get(base) ?? 0;
  counters.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Forgets the auto-naming counters (Keras' clear_session). */
export function resetNameCounters(): void {
  counters.clear();
}

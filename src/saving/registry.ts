// The serialization registry: Keras class name <-> class, for built-ins and user classes alike.

export interface Serializable {
  getConfig(): Record<string, unknown>;
}

export interface SerializableClass {
  /** Keras class name, e.g. 'Dense'. */
  readonly className: string;
  fromConfig(config: Record<string, any>): unknown;
}

export type RegistryKind = 'layer' | 'initializer' | 'regularizer' | 'constraint' | 'optimizer' | 'loss' | 'metric' | 'schedule' | 'model';

const registry = new Map<string, SerializableClass>();

function key(kind: RegistryKind, className: string): string {
  return `${kind}:${className}`;
}

/** Registers a built-in or user class so configs naming it can be deserialized. */
export function registerSerializable(kind: RegistryKind, cls: SerializableClass, className = cls.className): void {
  registry.set(key(kind, className), cls);
}

export function lookupSerializable(kind: RegistryKind, className: string): SerializableClass | undefined {
  return registry.get(key(kind, className));
}

export function registeredNames(kind: RegistryKind): string[] {
  const prefix = `${kind}:`;
  return [...registry.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

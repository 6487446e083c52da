// Model configs in files: safety checks before deserializing, Keras 3 <-> Keras 2 layouts, compile configs.
import type { Tensor } from '../tensor/tensor.js';
import * as activations from '../activations/index.js';
import * as initializers from '../initializers/index.js';
import { lookupSerializable } from './registry.js';

/** Layer classes that would run code stored in the file: never deserialized unless the user registered them. */
const CODE_LAYERS = new Set(['Lambda', 'TFOpLambda', 'SlicingOpLambda']);
const ACTIVATION_KEYS = new Set(['activation', 'recurrent_activation']);

const customActivations = new Map<string, (x: Tensor) => Tensor>();

/** Registers a custom activation function under the name files use for it (e.g. 'my_softplus'). */
export function registerActivation(name: string, fn: (x: Tensor) => Tensor): void {
  // The wrapper carries the file's name, so that configs written later name it the same way.
  const named = { [name]: (x: Tensor) => fn(x) }[name];
  customActivations.set(name, named);
}

function activationName(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.config === 'string') return o.config;
    if (typeof o.registered_name === 'string') return o.registered_name;
  }
  return null;
}

function isKnownActivation(name: string): boolean {
  try {
    activations.get(name as activations.ActivationIdentifier);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a layer's config before it is deserialized and returns a copy ready for fromConfig:
 * DTypePolicy dicts become dtype strings, registered custom activations become their functions,
 * and unknown activations are refused with an error naming the layer and the activation.
 */
/** What the weights a config declares may take together, in bytes (a multiple of the file that holds them). */
export interface WeightAllowance {
  total: number;
  left: number;
}

/**
 * Resolves a layer's initializers and meters what they allocate: a config declaring weights far larger than its
 * file can hold is refused before the memory is taken. An initializer the resolver does not know is left as is,
 * so that the layer reports it as usual.
 */
function meterInitializers(config: Record<string, any>, allowance: WeightAllowance, label: string, layerName: string): void {
  for (const key of Object.keys(config)) {
    if (!key.endsWith('_initializer') || config[key] === null || config[key] === undefined) continue;
    let init: initializers.Initializer;
    try {
      init = initializers.get(config[key] as initializers.InitializerIdentifier);
    } catch {
      continue;
    }
    const apply = init.apply.bind(init);
    init.apply = (shape, dtype) => {
      const bytes = shape.reduce((a, b) => a * b, 1) * 4;
      if (!(bytes <= allowance.left)) {
        throw new Error(`${label}: layer "${layerName}" declares a weight of shape [${shape.join(', ')}] (${bytes} bytes); the model's weights would exceed ${allowance.total} bytes, more than this file can hold`);
      }
      allowance.left -= bytes;
      return apply(shape, dtype);
    };
    config[key] = init;
  }
}

function prepareLayerConfig(entry: Record<string, any>, label: string, allowance?: WeightAllowance): Record<string, any> {
  const className = entry.class_name;
  const config: Record<string, any> = { ...(entry.config ?? {}) };
  const layerName = typeof config.name === 'string' ? config.name : className;
  if (CODE_LAYERS.has(className) && !lookupSerializable('layer', className)) {
    throw new Error(
      `${label}: layer "${layerName}" is a ${className} layer, whose code is stored in the file; layerwise never runs code from a file. ` +
      `Define the layer as a class and register it with registerSerializable(cls) to load this model.`,
    );
  }
  if (config.dtype && typeof config.dtype === 'object') {
    const policy = config.dtype as Record<string, any>;
    config.dtype = typeof policy.config?.name === 'string' ? policy.config.name : 'float32';
  }
  for (const key of Object.keys(config)) {
    if (!ACTIVATION_KEYS.has(key) || config[key] === null || config[key] === undefined) continue;
    let name = activationName(config[key]);
    // NOTE: tf.nn.softmax serializes as 'softmax_v2' in tf.keras 2 files; it is Keras' softmax.
    if (name === 'softmax_v2') name = config[key] = 'softmax';
    if (name === null) throw new Error(`${label}: layer "${layerName}" has an unreadable ${key} ${JSON.stringify(config[key]).slice(0, 100)}`);
    const custom = customActivations.get(name);
    if (custom) config[key] = custom;
    else if (!isKnownActivation(name)) {
      throw new Error(
        `${label}: layer "${layerName}" uses the custom activation "${name}", which layerwise does not know. ` +
        `Register an implementation first: registerSerializable(fn, { name: '${name}' }).`,
      );
    }
    else config[key] = name;
  }
  if (allowance) meterInitializers(config, allowance, label, layerName);
  if (Array.isArray(config.layers)) config.layers = prepareLayers(config.layers, label, allowance);
  return { ...entry, config };
}

function prepareLayers(layers: unknown[], label: string, allowance?: WeightAllowance): Record<string, any>[] {
  return layers.map((l, i) => {
    if (!l || typeof l !== 'object' || typeof (l as Record<string, unknown>).class_name !== 'string') {
      throw new Error(`${label}: layer entry ${i} of the model config has no class_name`);
    }
    return prepareLayerConfig(l as Record<string, any>, label, allowance);
  });
}

/**
 * Validates a model config ({class_name, config}) and returns it ready for Sequential/Model.fromConfig; with an
 * allowance, the weights its layers create are metered against it.
 */
export function prepareModelConfig(modelConfig: unknown, label: string, allowance?: WeightAllowance): { className: string; config: Record<string, any> | Record<string, any>[] } {
  if (!modelConfig || typeof modelConfig !== 'object') throw new Error(`${label}: the model config is missing or not an object`);
  const mc = modelConfig as Record<string, any>;
  const className = mc.class_name;
  if (typeof className !== 'string') throw new Error(`${label}: the model config has no class_name`);
  const raw = mc.config;
  if (Array.isArray(raw)) return { className, config: prepareLayers(raw, label, allowance) };
  if (!raw || typeof raw !== 'object') throw new Error(`${label}: the model config of ${className} has no config object`);
  const config: Record<string, any> = { ...raw };
  if (!Array.isArray(config.layers)) throw new Error(`${label}: the ${className} config has no "layers" list`);
  config.layers = prepareLayers(config.layers, label, allowance);
  return { className, config };
}

/** Keras 2 form of a config value: {module, class_name, config, registered_name} -> {class_name, config}. */
function toKeras2Value(v: unknown, key: string): unknown {
  if (Array.isArray(v)) return v.map((x) => toKeras2Value(x, ''));
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (key === 'dtype' && o.class_name === 'DTypePolicy') return (o.config as Record<string, unknown>)?.name ?? 'float32';
  if (typeof o.class_name === 'string' && 'config' in o) {
    const out: Record<string, unknown> = { class_name: o.class_name, config: toKeras2Value(o.config, '') };
    if ('name' in o) out.name = o.name;
    if ('inbound_nodes' in o) out.inbound_nodes = (o.inbound_nodes as unknown[]).map(toKeras2Node);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) {
    if (k === 'batch_shape') out.batch_input_shape = x;
    else if (k === 'negative_slope' && typeof x === 'number' && !('alpha' in o)) out.alpha = x;
    else out[k] = toKeras2Value(x, k);
  }
  return out;
}

function historyOf(a: unknown): unknown[] | null {
  if (a && typeof a === 'object' && (a as Record<string, any>).class_name === '__keras_tensor__') return (a as Record<string, any>).config.keras_history as unknown[];
  return null;
}

/** Keras 3 node {args: [keras tensors], kwargs} -> Keras 2 [[layer, node, tensor, kwargs], ...]. */
function toKeras2Node(node: unknown): unknown {
  if (Array.isArray(node)) return node;
  const n = node as { args?: unknown[]; kwargs?: Record<string, unknown> };
  const args = n.args ?? [];
  const flat = args.length === 1 && Array.isArray(args[0]) && !historyOf(args[0]) ? (args[0] as unknown[]) : args;
  return flat.map((a) => {
    const h = historyOf(a);
    if (!h) throw new Error('saving: cannot express a functional graph node in the Keras 2 format');
    return [h[0], h[1], h[2], { ...(n.kwargs ?? {}) }];
  });
}

/**
 * The Keras 2 style model config (what tf.keras 2 and TensorFlow.js read): no module/registered_name,
 * batch_input_shape, dtype strings, list-form inbound nodes. Sequential's InputLayer entry is kept.
 */
export function toKeras2ModelConfig(className: string, config: Record<string, unknown>): Record<string, unknown> {
  const c = toKeras2Value(config, '') as Record<string, unknown>;
  if (className !== 'Sequential' && Array.isArray(c.input_layers) && c.input_layers.length > 0 && !Array.isArray(c.input_layers[0])) c.input_layers = [c.input_layers];
  if (className !== 'Sequential' && Array.isArray(c.output_layers) && c.output_layers.length > 0 && !Array.isArray(c.output_layers[0])) c.output_layers = [c.output_layers];
  delete c.build_input_shape;
  return { class_name: className === 'Functional' ? 'Model' : className, config: c };
}

/** Normalizes a Keras 2 training_config / Keras 3 compile_config's metrics to a flat list of identifiers. */
export function metricIds(metrics: unknown): (string | Record<string, any>)[] {
  const out: (string | Record<string, any>)[] = [];
  const visit = (m: unknown): void => {
    if (m === null || m === undefined) return;
    if (Array.isArray(m)) m.forEach(visit);
    else if (typeof m === 'string') out.push(m);
    else if (typeof m === 'object') {
      const o = m as Record<string, any>;
      if (o.class_name === 'MeanMetricWrapper' && typeof o.config?.name === 'string') out.push(o.config.name);
      else if (typeof o.class_name === 'string') out.push(o);
    }
  };
  visit(metrics);
  return out;
}

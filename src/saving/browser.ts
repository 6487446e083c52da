// Saving and loading models in a page: IndexedDB ('indexeddb://name'), a download ('downloads://name'), the bytes of a
// .keras / .h5 file (ArrayBuffer, Uint8Array, a File picked by the user) and URLs (fetch). Files are Keras' formats.
import { Model } from '../models/functional.js';
import { registerModelIO } from '../models/io.js';
import './h5_browser.js';
import { checkSavable, dateSaved, kerasBytes, legacyH5Bytes, modelFromBytes, weightsBytes, weightsFromBytes, type LoadOptions, type SaveOptions } from './model_bytes.js';
import { deleteModel, getModel, listModels, putModel } from './indexeddb.js';

export { KERAS2_VERSION, KERAS3_VERSION, modelFromBytes } from './model_bytes.js';
export type { LoadOptions, SaveOptions } from './model_bytes.js';
export { registerSerializable } from './serializable.js';
export { listModels, deleteModel };

const IDB = 'indexeddb://';
const DOWNLOADS = 'downloads://';

/** What a model source can be in a page: a URL or scheme string, raw bytes, or a File / Blob. */
export type ModelSource = string | ArrayBuffer | Uint8Array | Blob;

function download(bytes: Uint8Array, fileName: string): void {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) throw new Error(`${DOWNLOADS}${fileName}: downloads need a page (document)`);
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
  const a = doc.createElement('a');
  a.href = url;
  a.download = fileName;
  doc.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The bytes of a model file: `.h5` names give legacy HDF5, anything else a .keras archive. */
export async function modelToBytes(model: Model, options: SaveOptions & { format?: 'keras' | 'h5' } = {}): Promise<Uint8Array> {
  checkSavable(model);
  const includeOptimizer = options.includeOptimizer ?? true;
  return options.format === 'h5' ? legacyH5Bytes(model, includeOptimizer) : kerasBytes(model, includeOptimizer);
}

/**
 * Saves a model in the page: `indexeddb://name` stores its .keras bytes in IndexedDB; `downloads://name.keras` (or
 * `.h5`) offers the file as a download.
 * @example await saveModel(model, 'indexeddb://fashion-mlp');
 */
export async function saveModel(model: Model, target: string, options: SaveOptions = {}): Promise<void> {
  if (target.startsWith(IDB)) {
    const name = target.slice(IDB.length);
    if (!name) throw new Error(`${target}: give the model a name, e.g. indexeddb://my-model`);
    await putModel({ name, bytes: await modelToBytes(model, options), format: 'keras', dateSaved: dateSaved() });
    return;
  }
  if (target.startsWith(DOWNLOADS)) {
    let name = target.slice(DOWNLOADS.length) || model.name;
    const h5 = name.toLowerCase().endsWith('.h5');
    if (!h5 && !name.toLowerCase().endsWith('.keras')) name += '.keras';
    download(await modelToBytes(model, { ...options, format: h5 ? 'h5' : 'keras' }), name);
    return;
  }
  throw new Error(`saveModel: in a browser, save to 'indexeddb://name' or 'downloads://name.keras', received ${JSON.stringify(target)}`);
}

async function sourceBytes(source: ModelSource): Promise<{ bytes: Uint8Array; label: string }> {
  if (source instanceof Uint8Array) return { bytes: source, label: 'Uint8Array' };
  if (source instanceof ArrayBuffer) return { bytes: new Uint8Array(source), label: 'ArrayBuffer' };
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return { bytes: new Uint8Array(await source.arrayBuffer()), label: (source as File).name ?? 'Blob' };
  }
  if (typeof source !== 'string') throw new Error(`loadModel: expected a URL, 'indexeddb://name', an ArrayBuffer or a File, received ${String(source)}`);
  if (source.startsWith(IDB)) return { bytes: (await getModel(source.slice(IDB.length))).bytes, label: source };
  let res: Response;
  try {
    res = await fetch(source);
  } catch (e) {
    throw new Error(`${source}: cannot fetch the model (${(e as Error).message})`);
  }
  if (!res.ok) throw new Error(`${source}: cannot fetch the model (HTTP ${res.status})`);
  return { bytes: new Uint8Array(await res.arrayBuffer()), label: source };
}

/**
 * Loads a model (.keras or legacy .h5, from Keras or layerwise) from IndexedDB, a URL, an ArrayBuffer or a File.
 * @example const model = await loadModel(fileInput.files[0]);
 */
export async function loadModel(source: ModelSource, options: LoadOptions = {}): Promise<Model> {
  const { bytes, label } = await sourceBytes(source);
  return modelFromBytes(bytes, label, options);
}

/** Saves the weights only: `indexeddb://name` or `downloads://name.weights.h5`. */
export async function saveWeights(model: Model, target: string): Promise<void> {
  const bytes = await weightsBytes(model, 'weights.h5');
  if (target.startsWith(IDB)) await putModel({ name: target.slice(IDB.length), bytes, format: 'weights.h5', dateSaved: dateSaved() });
  else if (target.startsWith(DOWNLOADS)) download(bytes, target.slice(DOWNLOADS.length) || `${model.name}.weights.h5`);
  else throw new Error(`saveWeights: in a browser, save to 'indexeddb://name' or 'downloads://name.weights.h5', received ${JSON.stringify(target)}`);
}

/** Loads weights into a built model from IndexedDB, a URL, an ArrayBuffer or a File (.weights.h5, .h5, .keras). */
export async function loadWeights(model: Model, source: ModelSource): Promise<void> {
  const { bytes, label } = await sourceBytes(source);
  await weightsFromBytes(model, bytes, label);
}

registerModelIO({
  save: (model, target, options) => saveModel(model, target, options as SaveOptions),
  saveWeights: (model, target) => saveWeights(model, target),
  loadWeights: (model, source) => loadWeights(model, source),
});

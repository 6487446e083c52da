// Model files kept in the browser's IndexedDB: database 'layerwise', object store 'models', one record per name.

const DB_NAME = 'layerwise';
const STORE = 'models';

/** A stored model: the bytes of its .keras (or weights) file and when it was saved. */
export interface StoredModel {
  name: string;
  bytes: Uint8Array;
  format: 'keras' | 'weights.h5';
  dateSaved: string;
}

function idb(): IDBFactory {
  const f = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!f) throw new Error('indexeddb://: IndexedDB is not available in this environment');
  return f;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = idb().open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'name' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`indexeddb://: cannot open database '${DB_NAME}': ${req.error?.message}`));
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      // Resolve once the transaction commits, so a write is durable when the promise settles.
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(new Error(`indexeddb://: ${tx.error?.message ?? req.error?.message}`));
      tx.onabort = () => reject(new Error(`indexeddb://: transaction aborted (${tx.error?.message ?? 'quota?'})`));
    });
  } finally {
    db.close();
  }
}

export function putModel(record: StoredModel): Promise<IDBValidKey> {
  return run('readwrite', (s) => s.put(record));
}

export async function getModel(name: string): Promise<StoredModel> {
  const rec = await run<StoredModel | undefined>('readonly', (s) => s.get(name) as IDBRequest<StoredModel | undefined>);
  if (!rec) throw new Error(`indexeddb://${name}: no model saved under this name`);
  return rec;
}

/** Names of the models saved in IndexedDB. */
export async function listModels(): Promise<string[]> {
  return (await run('readonly', (s) => s.getAllKeys())).map(String);
}

export function deleteModel(name: string): Promise<undefined> {
  return run('readwrite', (s) => s.delete(name));
}

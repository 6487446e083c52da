// Which allocation a typed array's values live in. An ordinary array owns its ArrayBuffer, so the buffer names it;
// a tensor resident in a WebAssembly heap shares that memory's buffer with every other resident tensor, so the heap
// registers such arrays and each one names itself. Buffer reuse (autograd, graph runs) compares these keys.

const ownStorage = new WeakSet<ArrayBufferView>();

/** Marks `a` as an allocation of its own inside a shared buffer (a wasm heap block). */
export function markOwnStorage(a: ArrayBufferView): void {
  ownStorage.add(a);
}

/** Forgets a block handed back to its heap (its array must not be used again). */
export function unmarkOwnStorage(a: ArrayBufferView): void {
  ownStorage.delete(a);
}

/**
 * The allocation holding `a`'s values: `a` itself for a registered heap block, else its buffer.
 * NOTE: a subarray of a heap block is not registered and maps to the whole heap, so reuse logic treats it as
 * distinct from the block; the ops never make such views (reshape and its kin share the block's array itself).
 */
export function storageKey(a: ArrayBufferView): object {
  return ownStorage.has(a) ? a : a.buffer;
}

// Load budgets proportional to a file's size: time, structures visited, bytes allocated (browser-safe).

/** What loading one file may cost: every figure grows with the file, so a small file fails fast. */
export interface LoadBudget {
  /** Wall-clock time for parsing, checked between objects by the reader (the watchdog comes later). */
  timeMs: number;
  /** Largest single allocation (a dataset, a chunk, a zip entry), in bytes. */
  maxAllocation: number;
  /** All decoded arrays of the file together, in bytes. */
  maxTotal: number;
  /** Most HDF5 structures (object headers, B-tree nodes, heaps...) the structure check may visit. */
  maxStructures: number;
}

const MB = 1024 * 1024;

/** Stored data may expand this much when decompressed (zip deflate, HDF5 filters); Keras stores weights raw. */
export const EXPANSION = 64;

/**
 * The budget for a file of `bytes` bytes: 1 s plus 100 ms per MB; allocations at most 64 times the file
 * (plus 1 MB for headers), capped at 2 GiB.
 * @example loadBudget(23_320).timeMs // 1003
 */
export function loadBudget(bytes: number): LoadBudget {
  const maxAllocation = Math.min(2 ** 31, EXPANSION * bytes + MB);
  return {
    timeMs: Math.ceil(1000 + (100 * bytes) / MB),
    maxAllocation,
    maxTotal: maxAllocation,
    maxStructures: 1000 + Math.ceil(bytes / 8),
  };
}

/** Throws when `elapsedMs` is past the budget; `what` names what was being read. */
export function checkTime(budget: LoadBudget, startMs: number, nowMs: number, what: string): void {
  if (nowMs - startMs > budget.timeMs) throw new Error(`reading ${what} took more than the ${budget.timeMs} ms budget for this file`);
}

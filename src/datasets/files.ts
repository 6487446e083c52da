// File helpers for datasets: the package root, SHA256SUMS parsing and hashing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export { parseChecksums } from './checksums.js';

let cachedRoot: string | undefined;

/**
 * The layerwise package root: the first ancestor of this compiled module holding a package.json
 * named "layerwise" (works from dist/, build/src/ and node_modules/layerwise/dist/).
 */
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  const start = path.dirname(fileURLToPath(import.meta.url));
  let firstWithPackageJson: string | undefined;
  for (let dir = start; ; dir = path.dirname(dir)) {
    const pj = path.join(dir, 'package.json');
    if (existsSync(pj)) {
      firstWithPackageJson ??= dir;
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'layerwise') return (cachedRoot = dir);
      } catch {
        // an unreadable package.json is not ours; keep walking
      }
    }
    if (path.dirname(dir) === dir) break;
  }
  if (firstWithPackageJson !== undefined) return (cachedRoot = firstWithPackageJson);
  throw new Error(`layerwise: could not locate the package root (no package.json above ${start})`);
}

/** Hex digest of `bytes` with `algorithm` ('sha256' or 'md5'). */
export function hashBytes(bytes: Uint8Array, algorithm: 'sha256' | 'md5' = 'sha256'): string {
  return createHash(algorithm).update(bytes).digest('hex');
}


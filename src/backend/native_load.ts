// Finds and loads the native addon (Node only): a prebuilt binary shipped in the package first
// (prebuilds/<platform>-<arch>/, the prebuildify / node-gyp-build layout), then the build from source (native/build/).
import { createRequire } from 'node:module';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Tags of a prebuilt file name as node-gyp-build reads them: `<name>.<tag>....node`, e.g. layerwise.napi.glibc.node. */
interface PrebuildTags { file: string; napi: boolean; libc?: string; abi?: string; runtime?: string; specificity: number }

function parseTags(file: string): PrebuildTags | null {
  const parts = file.split('.');
  if (parts.pop() !== 'node') return null;
  const tags: PrebuildTags = { file, napi: false, specificity: 0 };
  for (const t of parts) {
    if (t === 'napi') tags.napi = true;
    else if (t === 'glibc' || t === 'musl') tags.libc = t;
    else if (t.startsWith('abi')) tags.abi = t.slice(3);
    else if (t === 'node' || t === 'electron' || t === 'node-webkit') tags.runtime = t;
    else continue;
    tags.specificity++;
  }
  return tags;
}

/** The C library of this Linux (musl on Alpine, as node-gyp-build decides); LIBC overrides. */
function hostLibc(): string {
  if (process.env.LIBC) return process.env.LIBC;
  return process.platform === 'linux' && existsSync('/etc/alpine-release') ? 'musl' : 'glibc';
}

/** Prebuilt addons in `dir` this process can use (N-API, or this exact ABI; this C library), most specific first. */
export function matchingPrebuilds(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const libc = hostLibc();
  return readdirSync(dir)
    .map(parseTags)
    .filter((t): t is PrebuildTags => t !== null)
    .filter((t) => (t.napi || t.abi === process.versions.modules) && (!t.libc || t.libc === libc) &&
      (!t.runtime || t.runtime === 'node'))
    .sort((a, b) => b.specificity - a.specificity)
    .map((t) => join(dir, t.file));
}

/**
 * Where the addon may be, in the order tried: LAYERWISE_NATIVE_ADDON; then, in the package's root (the first
 * ancestor of this file holding a package.json), the matching prebuilds and native/build/Release/layerwise.node.
 */
export function addonCandidates(): string[] {
  const out: string[] = [];
  if (process.env.LAYERWISE_NATIVE_ADDON) out.push(process.env.LAYERWISE_NATIVE_ADDON);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    out.push(...matchingPrebuilds(join(dir, 'prebuilds', `${process.platform}-${process.arch}`)));
    out.push(join(dir, 'native', 'build', 'Release', 'layerwise.node'));
    const up = dirname(dir);
    if (existsSync(join(dir, 'package.json')) || up === dir) break;
    dir = up;
  }
  return out;
}

let chosen: string | null = null;

/** The first candidate that loads; when none does, an error naming each one tried and why it failed. */
export function loadAddon<T>(): { addon: T | null; error: string } {
  const require = createRequire(import.meta.url);
  const failures: string[] = [];
  for (const path of addonCandidates()) {
    if (!existsSync(path)) continue;
    try {
      const addon = require(path) as T;
      chosen = path;
      return { addon, error: '' };
    } catch (e) {
      failures.push(`${path}: ${(e as Error).message}`);
    }
  }
  if (failures.length > 0) return { addon: null, error: failures.join('; ') };
  const from = dirname(fileURLToPath(import.meta.url));
  return {
    addon: null,
    error: `no prebuilt addon for ${process.platform}-${process.arch} and no native/build/Release/layerwise.node in ${from} ` +
      'or its parents (build it with `npm install` or `node scripts/build-native.mjs`)',
  };
}

/** The file the native addon was loaded from, or null when it is not loaded. */
export function nativeAddonPath(): string | null {
  return chosen;
}

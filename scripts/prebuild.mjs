// npm pack's prepack step: builds the portable native addons shipped in the package, following the prebuildify /
// node-gyp-build layout: prebuilds/<platform>-<arch>/layerwise.napi.glibc.node (linux-x64 here, linux-arm64
// cross-compiled with Debian's g++-aarch64-linux-gnu). The loader (src/backend/native_load.ts) tries them first.
//
//   node scripts/prebuild.mjs            every target this machine can build (a missing cross compiler: one line)
//   node scripts/prebuild.mjs x64        only the listed architectures
//   node scripts/prebuild.mjs --clean    removes prebuilds/ (postpack: the working tree keeps no stale binary)
//
// LAYERWISE_PREBUILD_REUSE=1 copies the host's fresh source build (native/build/Release) instead of rebuilding it
// (the packaging test uses it; the sources and flags are the same). Each addon is built from a copy of native/ in a
// temporary folder, so native/build (the developer's build) is left alone. libstdc++ stays a shared library: linked
// statically it would pull in symbols of glibc 2.35-2.36 (arc4random, _dl_find_object); shared, the addon needs
// glibc >= 2.29 and the libstdc++ of GCC >= 12 (GLIBCXX_3.4.30), and elsewhere the install script builds from source.
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(root, 'prebuilds');
const NAME = 'layerwise.napi.glibc.node';
/** ELF e_machine of each architecture (checked on every produced file). */
const ELF_MACHINE = { x64: 62, arm64: 183 };
/** Cross toolchains (Debian package names in the messages). */
const CROSS = {
  arm64: { prefix: 'aarch64-linux-gnu-', apt: 'g++-aarch64-linux-gnu' },
  x64: { prefix: 'x86_64-linux-gnu-', apt: 'g++-x86-64-linux-gnu' },
};

const args = process.argv.slice(2);
if (args.includes('--clean')) {
  rmSync(outRoot, { recursive: true, force: true });
  process.exit(0);
}

function onPath(cmd) {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(join(d, cmd)));
}

function elfMachine(file) {
  const b = readFileSync(file);
  return b.length > 20 && b.readUInt32BE(0) === 0x7f454c46 ? b.readUInt16LE(18) : -1;
}

/** Newest modification time of the addon's sources (native/ without build/). */
function newestSource(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'build' || e.name === 'test') continue;
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return t;
}

function nodeGyp() {
  try {
    return createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return process.env.npm_config_node_gyp || 'node-gyp';
  }
}

/** Builds native/ for `arch` in a temporary copy; returns the addon's path or throws with the reason. */
function build(arch) {
  const work = mkdtempSync(join(tmpdir(), `layerwise-prebuild-${arch}-`));
  cpSync(join(root, 'native'), join(work, 'native'), { recursive: true, filter: (src) => !/[\\/]native[\\/](build|test)$/.test(src) });
  const env = { ...process.env, NODE_PATH: join(root, 'node_modules') };
  if (arch !== process.arch) {
    const p = CROSS[arch].prefix;
    Object.assign(env, { CC: `${p}gcc`, CXX: `${p}g++`, LINK: `${p}g++`, AR: `${p}ar` });
  }
  const gypArgs = [nodeGyp(), 'rebuild', '--release', '--loglevel=warn', `--arch=${arch}`, '-j', '2', '--directory', join(work, 'native')];
  // Offline builds: the headers installed beside this node (N-API headers are the same for every architecture).
  const prefix = dirname(dirname(process.execPath));
  if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) gypArgs.push(`--nodedir=${prefix}`);
  const r = spawnSync(process.execPath, gypArgs, { cwd: work, env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`node-gyp exited with ${r.status ?? r.signal}`);
  return { file: join(work, 'native', 'build', 'Release', 'layerwise.node'), work };
}

const gyp = readFileSync(join(root, 'native', 'binding.gyp'), 'utf8');
if (process.platform !== 'linux') {
  console.log(`layerwise prebuild: only linux prebuilds are produced (this is ${process.platform}); the package will build from source.`);
  process.exit(0);
}
if (/-march=nativ[e]/.test(gyp)) {
  console.error('layerwise prebuild: native/binding.gyp tunes its build to the build host (-march for the native CPU), which is not portable; no prebuild is packed.');
  process.exit(0);
}
// A fresh set each time: a stale binary left in prebuilds/ would be packed, and loaded before native/build.
rmSync(outRoot, { recursive: true, force: true });
const wanted = args.filter((a) => !a.startsWith('-'));
const archs = wanted.length > 0 ? wanted : ['x64', 'arm64'];
let failed = false;
for (const arch of archs) {
  if (!(arch in ELF_MACHINE)) throw new Error(`layerwise prebuild: unknown architecture "${arch}" (expected x64 or arm64)`);
  if (arch !== process.arch && !onPath(`${CROSS[arch].prefix}g++`)) {
    console.log(`layerwise prebuild: skipped linux-${arch} (no ${CROSS[arch].prefix}g++; apt-get install ${CROSS[arch].apt})`);
    continue;
  }
  const dest = join(outRoot, `linux-${arch}`, NAME);
  mkdirSync(dirname(dest), { recursive: true });
  const t0 = Date.now();
  const own = join(root, 'native', 'build', 'Release', 'layerwise.node');
  const reuse = process.env.LAYERWISE_PREBUILD_REUSE === '1' && arch === process.arch && existsSync(own) &&
    statSync(own).mtimeMs > newestSource(join(root, 'native'));
  let work = '';
  try {
    if (reuse) {
      copyFileSync(own, dest);
    } else {
      const b = build(arch);
      work = b.work;
      copyFileSync(b.file, dest);
    }
    const machine = elfMachine(dest);
    if (machine !== ELF_MACHINE[arch]) throw new Error(`built a binary for ELF machine ${machine}, expected ${ELF_MACHINE[arch]}`);
    const kb = Math.round(statSync(dest).size / 1024);
    console.log(`layerwise prebuild: linux-${arch} ${kb} KiB in ${((Date.now() - t0) / 1000).toFixed(1)} s${reuse ? ' (reused native/build)' : ''}`);
  } catch (e) {
    failed = true;
    console.error(`layerwise prebuild: linux-${arch} failed: ${e.message}`);
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
  }
}
if (failed) rmSync(outRoot, { recursive: true, force: true });
process.exit(failed ? 1 : 0);

// npm install hook: when the package ships a prebuilt addon for this platform and architecture that loads here
// (prebuilds/, see scripts/prebuild.mjs), does nothing; otherwise builds the native addon from source
// (native/binding.gyp into native/build/, away from tsc's build/). On any failure, warns once and lets the install
// succeed (the reference backend then runs).
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

if (!existsSync('native/binding.gyp')) process.exit(0);
if (process.env.LAYERWISE_BUILD_FROM_SOURCE !== '1') {
  // Loaded in a child process, so a binary for the wrong C library (too old a glibc or libstdc++) only means a build.
  const dir = join('prebuilds', `${process.platform}-${process.arch}`);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.node')) : [];
  for (const f of files) {
    const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(`./${dir}/${f}`)})`], { stdio: 'ignore' });
    if (probe.status === 0) process.exit(0);
  }
  if (files.length > 0) console.warn(`layerwise: the prebuilt addon in ${dir} does not load here; building from source.`);
}
// node-gyp: the project's devDependency, else the copy bundled with npm (npm sets npm_config_node_gyp).
let gyp = process.env.npm_config_node_gyp || 'node_modules/node-gyp/bin/node-gyp.js';
try {
  gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  // keep the fallback
}
const args = [gyp, 'rebuild', '-j', '2', '--directory', 'native'];
// Offline builds: use the headers installed beside this node (e.g. /usr/include/node) unless npm set nodedir.
const prefix = dirname(dirname(process.execPath));
const env = { ...process.env };
if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) {
  delete env.npm_config_nodedir;
  args.push(`--nodedir=${prefix}`);
}
const r = spawnSync(process.execPath, args, { stdio: 'inherit', env });
if (r.status !== 0) {
  console.warn('layerwise: the native backend could not be built; falling back to the reference backend (pure TypeScript, slower).');
}

// npm install hook: builds the native addon from source; on any failure, warns once and lets the
// install succeed (layerwise then runs on the reference backend).
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

if (!existsSync('binding.gyp')) process.exit(0);
const r = spawnSync(process.execPath, ['node_modules/node-gyp/bin/node-gyp.js', 'rebuild', '-j', '2'], { stdio: 'inherit' });
if (r.status !== 0) {
  console.warn('layerwise: the native backend could not be built; falling back to the reference backend (pure TypeScript, slower).');
}

// describeEachBackend: runs one suite on every backend available here (TensorFlow.js' pattern).
import '../../src/backend/native.js';
import '../../src/backend/wasm.js';
import { describe, before, after } from 'node:test';
import type { BackendName } from '../../src/backend/backend.js';
import { availableBackends, getBackend, setBackend } from '../../src/backend/registry.js';

export function describeEachBackend(name: string, fn: (backendName: string) => void): void {
  for (const b of availableBackends()) {
    describe(`${name} [${b}]`, () => {
      let previous: BackendName = 'reference';
      before(() => {
        previous = getBackend();
        setBackend(b);
      });
      after(() => setBackend(previous));
      fn(b);
    });
  }
}

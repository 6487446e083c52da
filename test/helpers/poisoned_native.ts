// For a describe block: the native backend, with every fresh kernel output NaN-poisoned (a buffer handed out while
// still in use shows as NaN), restored afterwards.
import { before, after } from 'node:test';
import { setPoisonOutputs } from '../../src/backend/native.js';
import { getBackend, setBackend } from '../../src/backend/registry.js';
import type { BackendName } from '../../src/backend/backend.js';

export function usePoisonedBackend(name: BackendName = 'native'): void {
  let previous: ReturnType<typeof getBackend> = 'reference';
  let poisoned = false;
  before(() => {
    previous = getBackend();
    setBackend(name);
    poisoned = setPoisonOutputs(true);
  });
  after(() => {
    setPoisonOutputs(poisoned);
    setBackend(previous);
  });
}

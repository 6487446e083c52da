// The Web Worker of test/browser/threads.test.ts (bundled with esbuild): layerwise's browser entry answering fitInWorker.
import { serveFitWorker } from '../../src/index.browser.js';

// Under Node (node --test loads every file under build/test) this module does nothing.
if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined') serveFitWorker();

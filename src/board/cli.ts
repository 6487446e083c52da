#!/usr/bin/env node
// The `layerwise` command: `layerwise board [logDir] [--port N] [--host H]` serves the training board for a folder of runs.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realpathSync } from 'node:fs';
import { startBoard, type Board } from './server.js';

const USAGE = 'usage: layerwise board [logDir (default runs)] [--port 6006] [--host 127.0.0.1]';

/** Parses the arguments and starts the board; returns it (tests close it) or null after printing usage. */
export async function main(args: string[], print: (line: string) => void = (l) => console.log(l)): Promise<Board | null> {
  if (args[0] !== 'board' || args.includes('--help') || args.includes('-h')) {
    print(USAGE);
    return null;
  }
  let logDir = 'runs';
  let port = 6006;
  let host = '127.0.0.1';
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    if (a === '--port' || a === '--host') {
      const v = args[++i];
      if (v === undefined) throw new Error(`layerwise board: ${a} needs a value (${USAGE})`);
      if (a === '--port') {
        port = Number(v);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`layerwise board: --port must be an integer in [0, 65535], received ${v}`);
      } else host = v;
    } else if (a.startsWith('--')) throw new Error(`layerwise board: unknown option ${a} (${USAGE})`);
    else logDir = a;
  }
  const board = await startBoard({ logDir: resolve(logDir), port, host });
  board.server.ref();
  print(`layerwise board: ${board.url} (runs in ${resolve(logDir)}; Ctrl-C stops)`);
  return board;
}

const invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
if (invoked === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then((b) => {
    if (!b) process.exitCode = 2;
  }, (e: Error) => {
    console.error(e.message);
    process.exitCode = 1;
  });
}

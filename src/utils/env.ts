// The few things layerwise reads from its host, guarded so the same code runs under Node and in a page.

interface NodeLikeProcess {
  env?: Record<string, string | undefined>;
  stdout?: { write(s: string): unknown; isTTY?: boolean };
  stderr?: { write(s: string): unknown };
}

const proc = (): NodeLikeProcess | undefined => (globalThis as { process?: NodeLikeProcess }).process;

/** An environment variable under Node; undefined in a browser (no `process` there). */
export function envVar(name: string): string | undefined {
  return proc()?.env?.[name];
}

/** Writes whole lines to the console (a page's stand-in for stdout; carriage-return redraws are dropped). */
function consoleLines(log: (s: string) => void): { write(s: string): boolean } {
  let pending = '';
  return {
    write(s: string): boolean {
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const last = line.slice(line.lastIndexOf('\r') + 1);
        if (last.trim()) log(last);
      }
      if (pending.includes('\r')) pending = pending.slice(pending.lastIndexOf('\r') + 1);
      return true;
    },
  };
}

let consoleOut: { write(s: string): boolean } | null = null;
let consoleErr: { write(s: string): boolean } | null = null;

/** process.stdout under Node, else console lines. */
export function stdout(): { write(s: string): unknown; isTTY?: boolean } {
  return proc()?.stdout ?? (consoleOut ??= consoleLines((s) => console.log(s)));
}

/** process.stderr under Node, else console warnings. */
export function stderr(): { write(s: string): unknown } {
  return proc()?.stderr ?? (consoleErr ??= consoleLines((s) => console.warn(s)));
}

// Reads a dashboard log folder: lists runs and parses their JSON-lines logs, skipping (and noting) malformed lines.
import { closeSync, fstatSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { LOG_FILE, type LogRecord } from '../callbacks/dashboard_log.js';

export interface RunEntry {
  name: string;
  /** Bytes in the run's log. */
  size: number;
  /** Last change of the log (ms since the epoch). */
  mtimeMs: number;
}

export interface ReadResult {
  records: LogRecord[];
  /** One line per skipped line: where it was and why. */
  notes: string[];
  /** Byte offset to read from next time (just after the last complete line). */
  next: number;
}

const RECORD_TYPES = new Set(['run', 'batch', 'epoch', 'health', 'end', 'note']);
/** Longest single log line read (a 100-layer health record with histograms is about 100 kB). */
const MAX_LINE = 16 * 1024 * 1024;

/** True for a plain folder name: no separator, no NUL, not `.` or `..`, at most 255 characters. */
export function isSafeName(name: string): boolean {
  return name.length > 0 && name.length <= 255 && name !== '.' && name !== '..' && !/[/\\\0]/.test(name);
}

/** True when `path` (already real) lies inside the folder `root` (already real). */
function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The real path of a run's log when the run name is safe and the log (symlinks resolved) lies inside
 * `logDir`; null otherwise. Nothing outside the log folder is ever reached through this.
 */
export function runLogPath(logDir: string, name: string): string | null {
  if (!isSafeName(name)) return null;
  try {
    const root = realpathSync(logDir);
    const file = realpathSync(join(root, name, LOG_FILE));
    if (!inside(root, file) || !statSync(file).isFile()) return null;
    return file;
  } catch {
    return null;
  }
}

/** The runs of a log folder (sub-folders holding a log), newest first. A missing folder has none. */
export function listRuns(logDir: string): RunEntry[] {
  let names: string[];
  try {
    names = readdirSync(logDir);
  } catch {
    return [];
  }
  const runs: RunEntry[] = [];
  for (const name of names) {
    const file = runLogPath(logDir, name);
    if (!file) continue;
    try {
      const st = statSync(file);
      runs.push({ name, size: st.size, mtimeMs: st.mtimeMs });
    } catch { /* vanished meanwhile */ }
  }
  return runs.sort((a, b) => b.mtimeMs - a.mtimeMs || a.name.localeCompare(b.name));
}

/** Parses one log line; a reason string when it is no record. */
export function parseLine(line: string): LogRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (e) {
    return `not JSON (${(e as Error).message.slice(0, 80)})`;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'not an object';
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string' || !RECORD_TYPES.has(type)) return `unknown record type ${JSON.stringify(type)?.slice(0, 40)}`;
  return value as LogRecord;
}

/**
 * Reads a run's log from byte `from`: every complete line (ending in a newline) is parsed; malformed
 * lines are skipped with a note; a last line without its newline (a run still writing, or killed
 * mid-write) is left for the next read. With `maxBytes`, reading stops at the first line end past that many
 * bytes (the rest comes with the next read from `next`).
 */
export function readRun(logDir: string, name: string, from = 0, maxBytes = Infinity): ReadResult | null {
  const file = runLogPath(logDir, name);
  if (!file) return null;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const start = Number.isSafeInteger(from) && from >= 0 && from <= size ? from : 0;
    const records: LogRecord[] = [];
    const notes: string[] = [];
    let offset = start;
    const chunk = Buffer.alloc(Math.min(Math.max(size - start, 1), 4 * 1024 * 1024));
    let carry = Buffer.alloc(0);
    let pos = start;
    while (pos < size && offset - start < maxBytes) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, size - pos), pos);
      if (n <= 0) break;
      pos += n;
      let buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let nl: number;
      while (offset - start < maxBytes && (nl = buf.indexOf(10)) >= 0) {
        const line = buf.subarray(0, nl).toString('utf8').trim();
        if (line !== '') {
          const r = parseLine(line);
          if (typeof r === 'string') notes.push(`${name}: skipped the line at byte ${offset}: ${r}`);
          else records.push(r);
        }
        offset += nl + 1;
        buf = buf.subarray(nl + 1);
      }
      carry = Buffer.from(buf);
      if (carry.length > MAX_LINE) {
        notes.push(`${name}: skipped a line longer than ${MAX_LINE} bytes at byte ${offset}`);
        offset += carry.length;
        carry = Buffer.alloc(0);
      }
    }
    return { records, notes, next: offset };
  } finally {
    closeSync(fd);
  }
}

/**
 * The one module that writes lockstep's output files: failure files,
 * summaries, evidence, HTML pages. A write is atomic (a temporary file in
 * the same folder, fsync, rename): a reader, or a campaign killed at any
 * moment, sees the old file or the whole new one, never a part. A write
 * that fails (a full disk, a read-only folder) removes its temporary file
 * and throws a WriteError that says which file and why.
 *
 * @example
 * const problem = folderProblem('.failures'); // null: writable
 * writeAtomically('.failures/summary.json', text);
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, rmSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

import { writeFailpoint } from './failpoints.js';

/** A file could not be written; `code` is the system's (ENOSPC, EACCES, ...). */
export class WriteError extends Error {
  constructor(
    readonly path: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const reason = (e: unknown): { code: string; text: string } => {
  const err = e as NodeJS.ErrnoException;
  const code = err.code ?? 'EIO';
  const text = (err.message ?? String(e)).replace(/^[A-Z]+: /, '').replace(/, (open|write|rename|mkdir|fsync)( '.*'.*)?$/, '');
  return { code, text };
};

/** Writes `text` to `path` so that no reader ever sees a part of it; throws WriteError. */
export function writeAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${process.pid}.${Math.random().toString(36).slice(2, 8)}.tmp`);
  let fd: number | undefined;
  try {
    writeFailpoint(path);
    fd = openSync(temp, 'wx');
    // One write may take less than it was given (a disk filling up): the rest goes in
    // further writes, the first that cannot throws (ENOSPC) — never a short file renamed.
    const bytes = Buffer.from(text, 'utf8');
    for (let done = 0; done < bytes.length; ) {
      const n = writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      done += n;
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    const { code, text: why } = reason(e);
    throw new WriteError(path, code, `cannot write ${path}: ${why} (${code})`);
  }
}

/**
 * Makes `dir` and its missing parents, one level at a time (Node's own
 * recursive mkdir spins for ever where a parent refuses, as under /proc).
 */
export function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.push(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing.reverse()) mkdirSync(d);
}

/**
 * What stops lockstep from writing files into `dir` (creating it if it is
 * missing), as one line; null when it can. Tried for real: the folder is
 * made and a probe file written and removed.
 */
export function folderProblem(dir: string): string | null {
  if (dir === '') return 'is empty: name a folder';
  try {
    if (!statSync(dir).isDirectory()) return `${dir} exists and is not a folder`;
  } catch {
    // missing: made below
  }
  try {
    makeFolder(dir);
  } catch (e) {
    return `cannot make the folder ${dir}: ${reason(e).text} (${reason(e).code})`;
  }
  try {
    writeAtomically(join(dir, `.lockstep-probe-${process.pid}`), 'probe\n');
    rmSync(join(dir, `.lockstep-probe-${process.pid}`), { force: true });
  } catch (e) {
    return e instanceof WriteError ? `cannot write into ${dir}: ${e.message.replace(/^cannot write .*?: /, '')}` : String(e);
  }
  return null;
}

/**
 * What stops lockstep from writing the file `path` (its folder must exist), as one line; null
 * when it can. Tried for real: a probe file is written into its folder and removed.
 */
export function fileProblem(path: string): string | null {
  if (path === '') return 'is empty: name a file';
  try {
    if (statSync(path).isDirectory()) return `${path} is a folder, not a file`;
  } catch {
    // missing: fine, if its folder exists
  }
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  } catch {
    return `the folder ${dir} does not exist`;
  }
  const probe = join(dir, `.lockstep-probe-${process.pid}`);
  try {
    writeAtomically(probe, 'probe\n');
    rmSync(probe, { force: true });
  } catch (e) {
    return e instanceof WriteError ? `cannot write into ${dir}: ${e.message.replace(/^cannot write .*?: /, '')}` : String(e);
  }
  return null;
}

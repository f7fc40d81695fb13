/**
 * The one file-writing module: a write is whole or absent, whatever the
 * disk does; a failed write leaves no temporary file and says why.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { tempDir } from '../cli/spawn_cli.js';
import { folderProblem, fileProblem, WriteError, writeAtomically } from './atomic_write.js';

/** A 16 KiB tmpfs, where this machine lets a test mount one (root); undefined elsewhere. */
function smallDisk(): string | undefined {
  const dir = tempDir('lockstep-disk-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', dir], { stdio: 'ignore' });
    mounted.push(dir);
    return dir;
  } catch {
    return undefined;
  }
}
const mounted: string[] = [];
afterAll(() => mounted.forEach((m) => execFileSync('umount', [m], { stdio: 'ignore' })));

describe('writeAtomically', () => {
  it('writes the whole text, and leaves nothing else', () => {
    const dir = tempDir();
    writeAtomically(join(dir, 'a.json'), 'x'.repeat(100_000));
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toHaveLength(100_000);
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  const disk = smallDisk();
  it.skipIf(disk === undefined)('on a disk that fills up mid-write: a WriteError (ENOSPC), no file, no temporary file (needs a tmpfs mount: root)', () => {
    const path = join(disk!, 'big.json');
    let error: unknown;
    try {
      writeAtomically(path, 'x'.repeat(64 * 1024)); // the disk takes 16 KiB of it, then no more
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).code).toBe('ENOSPC');
    expect((error as Error).message).toMatch(/^cannot write .*big.json: no space left on device \(ENOSPC\)$/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(disk!)).toEqual([]);
  });
});

describe('folderProblem and fileProblem', () => {
  it('name what stops a write, in one line', () => {
    const dir = tempDir();
    const file = join(dir, 'f');
    writeFileSync(file, '');
    expect(folderProblem(join(dir, 'new', 'deeper'))).toBeNull();
    expect(folderProblem(file)).toBe(`${file} exists and is not a folder`);
    expect(folderProblem('')).toBe('is empty: name a folder');
    expect(folderProblem('/proc/nope')).toMatch(/^cannot make the folder \/proc\/nope: .*\(ENOENT\)$/);
    expect(fileProblem(dir)).toBe(`${dir} is a folder, not a file`);
    expect(fileProblem(join(dir, 'missing', 'x.html'))).toBe(`the folder ${join(dir, 'missing')} does not exist`);
    expect(fileProblem(join(dir, 'x.html'))).toBeNull();
    expect(readdirSync(dir).sort()).toEqual(['f', 'new']); // the probes are gone
    // A folder that exists but takes no file (root ignores permissions; /proc does not):
    expect(fileProblem('/proc/report.xml')).toMatch(/^cannot write into \/proc: .*\([A-Z]+\)$/);
  });
});

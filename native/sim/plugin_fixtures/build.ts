/**
 * Builds the plugin fixtures (this folder's CMakeLists.txt) into
 * build/<name>/ as a user builds a plugin: cmake with lockstep_DIR at the
 * package's cmake/ folder. Test files that run in parallel may share a
 * folder: one builds while the others wait (a lock folder beside it). About
 * 7 s on 2 cores the first time; then only what changed.
 *
 * `find`: how CMake finds lockstep (default: lockstep_DIR at this
 * checkout's cmake/); `target`: build only that plugin.
 *
 * @example
 * const dir = buildFixtures('plugin-fixtures'); // dir + '/fixtures.so', ...
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { packageRoot } from '../../index.js';

export function buildFixtures(name: string, options: { find?: string[]; target?: string } = {}): string {
  const source = fileURLToPath(new URL('.', import.meta.url));
  const dir = join(packageRoot(), 'build', name);
  const steps = [
    ['-S', source, '-B', dir, ...(options.find ?? [`-Dlockstep_DIR=${join(packageRoot(), 'cmake')}`])],
    ['--build', dir, '--parallel', '2', ...(options.target === undefined ? [] : ['--target', options.target])],
  ];
  const lock = `${dir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const since = Date.now();
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // A lock older than five minutes is left by a killed run.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() - since > 300_000) throw new Error(`${lock}: another build held it for five minutes`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    for (const args of steps) {
      // Not under the ASan runtime the addon's ASan run preloads: it would slow the compiler.
      const { LD_PRELOAD: _, ...env } = process.env;
      const r = spawnSync('cmake', args, { encoding: 'utf8', env });
      if (r.status !== 0) throw new Error(`cmake ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
  return dir;
}

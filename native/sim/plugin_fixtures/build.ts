/**
 * Builds the plugin fixtures (this folder's CMakeLists.txt) into
 * build/<name>/ as a user builds a plugin: cmake with lockstep_DIR at the
 * package's cmake/ folder. Each test file that needs them names its own
 * folder (test files run in parallel). About 7 s on 2 cores the first
 * time; then only what changed.
 *
 * @example
 * const dir = buildFixtures('plugin-fixtures'); // dir + '/fixtures.so', ...
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { packageRoot } from '../../index.js';

export function buildFixtures(name: string): string {
  const source = fileURLToPath(new URL('.', import.meta.url));
  const dir = join(packageRoot(), 'build', name);
  const steps = [
    ['-S', source, '-B', dir, `-Dlockstep_DIR=${join(packageRoot(), 'cmake')}`],
    ['--build', dir, '--parallel', '2'],
  ];
  for (const args of steps) {
    const r = spawnSync('cmake', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cmake ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`);
  }
  return dir;
}

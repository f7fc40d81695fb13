/**
 * Structures of one's own, checked as a user checks them: examples/ring-buffer
 * (a bounded SPSC ring with one seeded bug) and examples/counter (the
 * README's second example) are each copied to a fresh folder under build/
 * (two levels down, so that `file:../..` still leads here), installed with
 * npm (offline: the only dependency is lockstep, linked), built with CMake
 * through find_package(lockstep), and driven with the installed
 * `lockstep` CLI: the correct ring passes a campaign and a stress run, its
 * seeded bug is caught with a shrunk counterexample whose file replays, and
 * the stress run catches it on real threads; the README's second example
 * is run as it is shown (npm init, npm install of this checkout, its three
 * files, cmake, npx lockstep fuzz) and catches the counter's racy variant;
 * its files are examples/counter's. And `cmake --install` gives a
 * lockstep that find_package finds, stamping plugins as this one expects.
 *
 * What it needs: `dist/` and the addon built (`npm test` builds both
 * first). About 40 s on 2 cores.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { addon } from '../native/index.js';
import { buildFixtures } from '../native/sim/plugin_fixtures/build.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const made: string[] = [];

/** The environment for the example's tools: none of this run's vitest, npm script or lockstep overrides. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VITEST|npm_package_|npm_lifecycle_|LOCKSTEP_)/.test(k) || ['npm_config_local_prefix', 'INIT_CWD', 'NODE_OPTIONS', 'NODE_V8_COVERAGE', 'TEST', 'NODE_ENV'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0' };
}

const output = (r: SpawnSyncReturns<string>) => `${r.stdout}${r.stderr}`;

/** Copies examples/<name> to a fresh folder, installs it and builds its plugin; returns a runner in that folder. */
function setUp(name: string) {
  mkdirSync(join(root, 'build'), { recursive: true });
  const dir = mkdtempSync(join(root, 'build', `${name}-`));
  made.push(dir);
  const source = join(root, 'examples', name);
  for (const f of readdirSync(source)) if (!['node_modules', 'build', 'package-lock.json', '.failures'].includes(f)) cpSync(join(source, f), join(dir, f), { recursive: true });
  const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
  const npm = run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund']);
  if (npm.status !== 0) throw new Error(`npm install --offline failed:\n${output(npm)}`);
  for (const args of [['-S', '.', '-B', 'build'], ['--build', 'build']]) {
    const r = run('cmake', args);
    if (r.status !== 0) throw new Error(`cmake ${args.join(' ')} failed:\n${output(r)}`);
  }
  const lockstep = (...args: string[]) => run(join(dir, 'node_modules', '.bin', 'lockstep'), args);
  return { dir, lockstep };
}

afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

describe('examples/ring-buffer: a ring of its own, through the SDK', () => {
  let ring: ReturnType<typeof setUp>;
  beforeAll(() => {
    ring = setUp('ring-buffer');
  }, 180_000);

  it('builds a stamped plugin that lists its target', () => {
    expect(existsSync(join(ring.dir, 'build', 'ring_target.so'))).toBe(true);
    const r = ring.lockstep('list', '--plugin', 'ring_plugin.js');
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toContain(`my-ring: the example's SPSC ring\n  plugin:   ${join(ring.dir, 'build', 'ring_target.so')}\n  roles:    producer (at most 1), consumer (at most 1)`);
    expect(r.stdout).toContain('    publish-first: tail published before the slot is written');
  });

  it('the correct ring passes a campaign, reported for CI as JUnit XML and as JSON', () => {
    const r = ring.lockstep('fuzz', '--plugin', 'ring_plugin.js', '--runs', '2000', '--seed', '1', '--jobs', '2', '--out', 'ok', '--junit', 'ok/report.xml');
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toMatch(/\| my-ring \| correct \| 2,000 \| 0 +\| - +\|/);
    const xml = readFileSync(join(ring.dir, 'ok', 'report.xml'), 'utf8');
    expect(xml).toMatch(/<testcase [^>]*name="my-ring\/correct"/);
    expect(xml).not.toContain('<failure');
    const json = ring.lockstep('fuzz', '--plugin', 'ring_plugin.js', '--runs', '200', '--seed', '2', '--jobs', '1', '--out', 'ok', '--json');
    expect(json.status, output(json)).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ schema: 'https://lockstep.invalid/schemas/fuzz-summary/1', pairs: [{ target: 'my-ring', variant: 'correct', runs: 200 }] });
  });

  it('the seeded bug is caught with a shrunk counterexample, and its file replays', () => {
    const r = ring.lockstep('fuzz', '--plugin', 'ring_plugin.js', '--variant', 'publish-first', '--runs', '2000', '--seed', '1', '--jobs', '2', '--out', 'caught');
    expect(r.status, output(r)).toBe(1);
    const files = readdirSync(join(ring.dir, 'caught')).filter((f) => f.startsWith('my-ring.publish-first.'));
    expect(files).toHaveLength(1);
    const failure = JSON.parse(readFileSync(join(ring.dir, 'caught', files[0]!), 'utf8'));
    expect(failure.check).toBe('linearizability');
    expect(failure.shrunk.threads).toBe(2);
    expect(failure.shrunk.ops).toBeLessThanOrEqual(4);
    expect(failure.plugin.module).toBe(join(ring.dir, 'ring_plugin.js'));
    const replay = ring.lockstep('repro', join('caught', files[0]!));
    expect(replay.status, output(replay)).toBe(1);
    expect(replay.stdout).toMatch(/reproduces: linearizability[\s\S]*= The interleaving/);
    expect(replay.stdout).toMatch(/tail = 1 \(release\)/); // the ring labels its locations
  });

  it('lockstep mutants runs its own seeded bug', () => {
    const r = ring.lockstep('mutants', '--plugin', 'ring_plugin.js', '--time', '10s', '--seed', '1', '--out', 'mutants');
    expect(r.status, output(r)).toBe(0);
    expect(r.stdout).toMatch(/\| my-ring \| publish-first \| sc +\| 1 of 1 \| .* \| linearizability +\| 2 x \d, \d/);
  });

  it('stress mode: the production build passes on two threads; the seeded bug is caught', () => {
    const ok = ring.lockstep('stress', '--plugin', 'ring_plugin.js', '--target', 'my-ring', '--ops', '300000');
    expect(ok.status, output(ok)).toBe(0);
    expect(ok.stdout).toMatch(/run 1\/1 \(seed 1\): 300,001 ops in .*: ok/);
    const bug = ring.lockstep('stress', '--plugin', 'ring_plugin.js', '--target', 'my-ring', '--variant', 'publish-first', '--ops', '300000', '--runs', '3');
    expect(bug.status, output(bug)).toBe(1);
    expect(bug.stdout).toMatch(/my-ring \(publish-first\), 2 threads, 300,000 ops, depth 4: caught in [1-3] of 3 runs/);
  });
});

describe("the README's second example: an empty folder to a caught bug", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');

  it('shows the files of examples/counter, unchanged, within the promised size', () => {
    const shown = [...readme.matchAll(/<!-- file: (examples\/counter\/[\w.]+) -->\n```\w*\n([\s\S]*?)```/g)];
    expect(shown.map((m) => m[1])).toEqual(['examples/counter/counter_target.cpp', 'examples/counter/counter_plugin.mjs', 'examples/counter/CMakeLists.txt']);
    for (const [, file, text] of shown) expect(text, file).toBe(readFileSync(join(root, file!), 'utf8'));
    expect(readFileSync(join(root, 'examples/counter/counter_target.cpp'), 'utf8').trimEnd().split('\n').length).toBeLessThan(15);
    expect(readFileSync(join(root, 'examples/counter/counter_plugin.mjs'), 'utf8').trimEnd().split('\n').length).toBeLessThan(10);
  });

  it('its steps, run as shown in a fresh folder, catch the racy counter', () => {
    // The README's shell block, step by step: npm init, npm install of this checkout (offline;
    // --ignore-scripts: this checkout is built already), the three files as the README shows
    // them, cmake, npx lockstep fuzz.
    const steps = /```sh\n(mkdir counter[\s\S]*?)```/.exec(readme)![1]!.split('\n').filter((l) => l.trim() !== '');
    expect(steps).toEqual([
      'mkdir counter && cd counter && npm init -y && npm install /path/to/lockstep',
      '# write the three files below, then:',
      'cmake -S . -B build && cmake --build build',
      'npx lockstep fuzz --plugin counter_plugin.mjs --variant racy   # exit 1: next() → 0 twice, shrunk, saved',
    ]);
    mkdirSync(join(root, 'build'), { recursive: true });
    const dir = join(mkdtempSync(join(root, 'build', 'readme-')), 'counter');
    made.push(dirname(dir));
    mkdirSync(dir);
    const run = (command: string, args: string[]) => spawnSync(command, args, { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
    const ok = (r: SpawnSyncReturns<string>) => expect(r.status, output(r)).toBe(0);
    ok(run('npm', ['init', '-y']));
    ok(run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', root]));
    for (const [, file, text] of readme.matchAll(/<!-- file: examples\/counter\/([\w.]+) -->\n```\w*\n([\s\S]*?)```/g)) writeFileSync(join(dir, file!), text!);
    ok(run('cmake', ['-S', '.', '-B', 'build']));
    ok(run('cmake', ['--build', 'build']));
    const r = run('npx', ['lockstep', 'fuzz', '--plugin', 'counter_plugin.mjs', '--variant', 'racy']);
    expect(r.status, output(r)).toBe(1);
    expect(r.stderr).toMatch(/counter \(racy\): not linearizable: .*next\(\) → 0 .*cannot be placed/);
    expect(readdirSync(join(dir, '.failures')).filter((f) => f.startsWith('counter.racy.linearizability.'))).toHaveLength(1);
  }, 180_000);
});

describe('the CMake package', () => {
  it('an installed lockstep (cmake --install) is found by find_package, and stamps plugins as this one expects', () => {
    const build = join(root, 'build', 'install-check');
    const prefix = join(build, 'prefix');
    for (const args of [['-S', root, '-B', build, '-DLOCKSTEP_NATIVE_TESTS=ON'], ['--install', build, '--prefix', prefix]]) {
      const r = spawnSync('cmake', args, { encoding: 'utf8' });
      expect(r.status, `cmake ${args.join(' ')}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    expect(existsSync(join(prefix, 'share/lockstep/cmake/lockstepConfig.cmake'))).toBe(true);
    expect(existsSync(join(prefix, 'share/lockstep/native/include/lockstep/sdk.hpp'))).toBe(true);
    const installed = buildFixtures('plugin-fixtures-installed', { find: [`-DCMAKE_PREFIX_PATH=${prefix}`], target: 'no_target' });
    const cache = readFileSync(join(installed, 'CMakeCache.txt'), 'utf8');
    expect(cache).toContain(`lockstep_DIR:PATH=${join(prefix, 'share/lockstep/cmake')}`);
    // The stamp load_plugin compares: this lockstep's.
    expect(readFileSync(join(installed, 'no_target.so')).includes(`lockstep-plugin-stamp=${addon().pluginStamp}\0`)).toBe(true);
  }, 120_000);
});

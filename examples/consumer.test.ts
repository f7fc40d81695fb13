/**
 * lockstep as a dependency: examples/consumer, a project of its own that
 * depends on lockstep by path (`"lockstep": "file:../.."`), is copied to a
 * fresh folder under build/ (two levels down, so that the path still leads
 * here), installed with npm, type-checked with `tsc --strict` against the
 * emitted .d.ts, and its tests run with its own vitest: the correct queue
 * passes; the seeded bug `lap-dropped` fails with the counterexample in
 * lincheck's layout and the `{ seed, path }` that replays it. From that
 * folder `import('lockstep')` lists exactly the exports docs/api.md names.
 *
 * What it needs: `dist/` built (`npm run build:ts`, which `npm test` runs
 * first) and the addon; no network — the install is `npm install --offline`
 * from npm's cache, which `npm ci` of lockstep filled with every package
 * the example needs (vitest, typescript, @types/node at lockstep's own
 * versions: the install starts from a copy of lockstep's package-lock.json,
 * which npm prunes to the example's needs). `--ignore-scripts`: the linked
 * lockstep is used as it is, not rebuilt. About 20 s on 2 cores.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const example = join(root, 'examples', 'consumer');

/** The environment for the example's tools: none of this run's vitest, npm script or lockstep overrides. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(VITEST|npm_package_|npm_lifecycle_|LOCKSTEP_)/.test(k) || ['npm_config_local_prefix', 'INIT_CWD', 'NODE_OPTIONS', 'NODE_V8_COVERAGE', 'TEST', 'NODE_ENV'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', ...extra };
}

let dir = '';
const run = (command: string, args: string[], extra: Record<string, string> = {}): SpawnSyncReturns<string> =>
  spawnSync(command, args, { cwd: dir, env: cleanEnv(extra), encoding: 'utf8', timeout: 120_000 });
const output = (r: SpawnSyncReturns<string>) => `${r.stdout}${r.stderr}`;
const bin = (name: string) => join(dir, 'node_modules', '.bin', name);

/** The exports docs/api.md documents: its `### name` headings. */
const documented = [...readFileSync(join(root, 'docs', 'api.md'), 'utf8').matchAll(/^### `([A-Za-z_$][\w$]*)`/gm)].map((m) => m[1]!);

describe('examples/consumer, installed by path in a fresh folder', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist', 'index.js')) || !existsSync(join(root, 'dist', 'index.d.ts'))) throw new Error('dist/ is not built: npm run build:ts');
    mkdirSync(join(root, 'build'), { recursive: true });
    dir = mkdtempSync(join(root, 'build', 'consumer-'));
    for (const f of readdirSync(example)) if (f !== 'node_modules' && f !== 'package-lock.json') cpSync(join(example, f), join(dir, f), { recursive: true });
    cpSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
    const npm = run('npm', ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund']);
    if (npm.status !== 0) throw new Error(`npm install --offline failed (npm's cache must hold what \`npm ci\` of lockstep fetched):\n${output(npm)}`);
  }, 120_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('links lockstep to this checkout, with its CLI', () => {
    expect(lstatSync(join(dir, 'node_modules', 'lockstep')).isSymbolicLink()).toBe(true);
    expect(realpathSync(join(dir, 'node_modules', 'lockstep'))).toBe(realpathSync(root));
    const version = run(bin('lockstep'), ['--version']);
    expect(output(version)).toContain(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
  });

  it('type-checks under --strict against the emitted .d.ts, never the sources', () => {
    const tsc = run(bin('tsc'), ['--noEmit', '--strict', '-p', '.', '--listFiles']);
    expect(tsc.status, output(tsc)).toBe(0);
    const files = tsc.stdout.split('\n').map((f) => f.trim());
    const real = realpathSync(root);
    expect(files).toContain(join(real, 'dist', 'index.d.ts'));
    expect(files).toContain(join(real, 'dist', 'vitest.d.ts'));
    const own = realpathSync(dir) + '/';
    expect(files.filter((f) => f.startsWith(real + '/') && !f.startsWith(own) && f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it("import('lockstep') lists exactly the exports docs/api.md documents (types aside)", async () => {
    const node = run(process.execPath, ['-e', "import('lockstep').then(m => console.log(JSON.stringify(Object.keys(m))))"]);
    expect(node.status, output(node)).toBe(0);
    const listed = JSON.parse(node.stdout) as string[];
    expect(listed.length).toBeGreaterThan(20);
    for (const name of listed) expect(documented, `${name} is exported but not in docs/api.md`).toContain(name);
    const values = Object.keys(await import('../index.js'));
    expect([...listed].sort()).toEqual([...values].sort());
  });

  it('its tests pass on the correct queue', () => {
    const vitest = run(bin('vitest'), ['run']);
    expect(vitest.status, output(vitest)).toBe(0);
    expect(output(vitest)).toMatch(/Tests\s+3 passed/);
  });

  it('its property fails on the seeded bug lap-dropped, printing the shrunk counterexample and how to replay it', () => {
    const vitest = run(bin('vitest'), ['run', 'mpmc_queue'], { EXAMPLE_VARIANT: 'lap-dropped', LOCKSTEP_SEED: '42' });
    const text = output(vitest);
    expect(vitest.status, text).toBe(1);
    expect(text).toContain('mpmc-queue (lap-dropped) failed after');
    expect(text).toMatch(/^\s*= mpmc-queue \(lap-dropped\) under tso: .+ =$/m);
    expect(text).toMatch(/^\s*\| thread 0 +\| thread 1 /m);
    expect(text).toMatch(/= The interleaving \(choices \[[\d,]*\]; \d+ steps/);
    expect(text).toContain('✗');
    expect(text).toMatch(/replay: \{ seed: 42, path: "[\d:]+" \}/);
  });
});

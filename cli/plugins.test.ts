/**
 * `--plugin` in the CLI: a plugin that does not load, a module that throws
 * or loads nothing, a target without a TypeScript half — each exit 2 and
 * one line; a crash inside user code during a campaign is recorded with
 * its case and the plugin, and replays; a failure file whose plugin was
 * rebuilt, or is gone, is refused with exit 2. The fixtures:
 * native/sim/plugin_fixtures/.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { buildFixtures } from '../native/sim/plugin_fixtures/build.js';
import { packageRoot } from '../native/index.js';
import { runCli, tempDir } from './spawn_cli.js';

let dir = '';
let work = '';
let module = '';
const so = (name: string) => join(dir, `${name}.so`);
const oneLine = (r: { status: number | null; stderr: string }) => [r.status, r.stderr.trim().split('\n').length];

beforeAll(() => {
  dir = buildFixtures('plugin-fixtures');
  work = tempDir('lockstep-plugins-');
  // A plugin module, as a user writes one: it loads the library with the TypeScript half of its
  // crashing target (a model that accepts any put).
  module = join(work, 'crashes_plugin.mjs');
  const api = pathToFileURL(join(packageRoot(), 'dist', 'index.js')).href;
  writeFileSync(
    module,
    `import { defineTarget, describeCall, loadPlugin } from ${JSON.stringify(api)};
const anything = { name: 'fixture-crashes', init: () => 0, step: (s) => [{ output: undefined, state: s }], key: () => '', describeOperation: describeCall, describeState: () => '-' };
export default loadPlugin(${JSON.stringify(so('fixtures'))}, defineTarget({ name: 'fixture-crashes', model: () => anything, maxThreads: 2, maxOps: 3 }), defineTarget({ name: 'fixture-raw-spin', model: () => ({ ...anything, name: 'fixture-raw-spin' }), maxThreads: 2, maxOps: 1 }));
`,
  );
}, 120_000);

describe('--plugin mistakes: exit 2, one line', () => {
  it('a missing file', () => {
    const r = runCli(['fuzz', '--plugin', join(work, 'nope.js'), '--runs', '10']);
    expect(oneLine(r)).toEqual([2, 1]);
    expect(r.stderr).toContain(`--plugin ${join(work, 'nope.js')}: no such file`);
  });

  it('a library that does not load', () => {
    const r = runCli(['list', '--plugin', so('other_stamp')]);
    expect(oneLine(r)).toEqual([2, 1]);
    expect(r.stderr).toMatch(/it was built against lockstep-0\.0\.1-0123456789abcdef, this is lockstep-[\d.]+-[0-9a-f]{16} .*: rebuild it against this lockstep/);
  });

  it('a module that throws, or loads no plugin', () => {
    const throws = join(work, 'throws.mjs');
    writeFileSync(throws, "throw new TypeError('the model is not ready');\n");
    const r = runCli(['fuzz', '--plugin', throws]);
    expect(oneLine(r)).toEqual([2, 1]);
    expect(r.stderr).toContain(`--plugin ${throws}: TypeError: the model is not ready`);
    const nothing = join(work, 'nothing.mjs');
    writeFileSync(nothing, 'export default 1;\n');
    const n = runCli(['fuzz', '--plugin', nothing]);
    expect(oneLine(n)).toEqual([2, 1]);
    expect(n.stderr).toContain('it loads no plugin (a plugin module calls loadPlugin(library, ...specs)');
  });

  it('a target without a TypeScript half is listed, not fuzzed', () => {
    const list = runCli(['list', '--plugin', so('fixtures')]);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain(`fixture-spins: an op that waits for ever\n  plugin:   ${so('fixtures')} (no TypeScript half loaded: listed and replayed, not generated)`);
    const fuzz = runCli(['fuzz', '--plugin', so('fixtures'), '--target', 'fixture-spins', '--runs', '5']);
    expect(oneLine(fuzz)).toEqual([2, 1]);
    expect(fuzz.stderr).toContain('--target fixture-spins has no TypeScript half (a spec made by defineTarget) to generate its scenarios from: give --plugin the module that loads it with one');
  });
});

describe('a crash inside user code', () => {
  let failure = '';

  it('is recorded with its case and its plugin, and the campaign goes on', () => {
    const out = join(work, 'failures');
    const r = runCli(['fuzz', '--plugin', module, '--target', 'fixture-crashes', '--runs', '300', '--jobs', '1', '--seed', '2', '--out', out]);
    expect(r.stderr).toContain('lockstep fuzz: 1 target/variant pair(s)');
    expect(r.status, r.stderr).toBe(1);
    const files = readdirSync(out).filter((f) => f.startsWith('fixture-crashes.correct.crash.'));
    expect(files).toHaveLength(1);
    failure = join(out, files[0]!);
    const f = JSON.parse(readFileSync(failure, 'utf8'));
    expect(f.message).toMatch(/^the worker died \(signal SIGSEGV\) while running this case/);
    expect(f.scenario.threads.flat()).toContainEqual({ op: 'put', arg: 2 });
    expect(f.plugin).toEqual({ module, library: so('fixtures'), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('replays from the file alone: the plugin it records is loaded', () => {
    const r = runCli(['repro', failure]);
    expect([r.status, r.stdout]).toEqual([1, expect.stringMatching(/reproduces: the replay died \(signal SIGSEGV\)/)]);
  });

  it('a spin on a raw std::atomic is a hang, recorded with its case and a hint', () => {
    const out = join(work, 'hangs');
    const r = runCli(['fuzz', '--plugin', module, '--target', 'fixture-raw-spin', '--runs', '20', '--jobs', '1', '--seed', '1', '--hang-timeout', '2s', '--out', out]);
    expect(r.status, r.stderr).toBe(1);
    const files = readdirSync(out).filter((f) => f.startsWith('fixture-raw-spin.correct.hang.'));
    expect(files).toHaveLength(1);
    const f = JSON.parse(readFileSync(join(out, files[0]!), 'utf8'));
    expect(f.message).toMatch(/it stopped reporting for 2 s and was killed \(a simulated run that takes no step: a spin on a raw std::atomic, or a lock, in the plugin\? docs\/sdk\.md\)$/);
  });

  it('its JSON outputs fit their schemas: the summary, repro --json, list --json', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
    const check = (name: string, output: unknown) => {
      const validate = ajv.getSchema(`https://lockstep.invalid/schemas/${name}/1`) ?? ajv.compile(JSON.parse(readFileSync(join(packageRoot(), 'schemas', `${name}.schema.json`), 'utf8')));
      expect(validate(output), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    const repro = runCli(['repro', failure, '--json']);
    expect(repro.status).toBe(1);
    check('repro', JSON.parse(repro.stdout));
    const list = runCli(['list', '--plugin', module, '--json']);
    check('list', JSON.parse(list.stdout));
    const out = join(work, 'failures');
    const summary = readdirSync(out).find((f) => f.startsWith('summary-'))!;
    check('fuzz-summary', JSON.parse(readFileSync(join(out, summary), 'utf8')));
  });

  it('a rebuilt plugin, or one that is gone, is refused with exit 2', () => {
    const f = JSON.parse(readFileSync(failure, 'utf8'));
    const rebuilt = join(work, 'rebuilt.json');
    writeFileSync(rebuilt, JSON.stringify({ ...f, plugin: { ...f.plugin, sha256: '0'.repeat(64) } }));
    const r = runCli(['repro', rebuilt]);
    expect(oneLine(r)).toEqual([2, 1]);
    expect(r.stderr).toContain(`its plugin was rebuilt: ${so('fixtures')} is not the build that failed (sha256 000000000000… then,`);
    const gone = join(work, 'gone.json');
    writeFileSync(gone, JSON.stringify({ ...f, plugin: { ...f.plugin, module: join(work, 'moved.mjs') } }));
    const g = runCli(['repro', gone]);
    expect(oneLine(g)).toEqual([2, 1]);
    expect(g.stderr).toContain(`comes from the plugin ${join(work, 'moved.mjs')}, which is not there: build it, or give --plugin`);
  });
});

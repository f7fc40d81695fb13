/**
 * Plugins (plugins.cpp, properties/plugins.ts): each way a plugin can fail
 * to load is one line naming the file and what to do — and adds nothing;
 * a plugin that loads adds its targets, which run like built-in ones; user
 * code that throws, or never ends, is a run's outcome, not a crash. The
 * fixtures are built out of tree with find_package(lockstep), as a user's
 * plugin is (plugin_fixtures/).
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { addon, listTargets, runScenario } from '../index.js';
import { boundedQueueModel } from '../../models/bounded_queue.js';
import { loadedPlugins, loadPlugin, pluginOf, PluginError } from '../../properties/plugins.js';
import { defineTarget } from '../../properties/target_spec.js';
import { buildFixtures } from './plugin_fixtures/build.js';

let dir = '';
const so = (name: string) => join(dir, `${name}.so`);
const names = () => listTargets().map((t) => t.name);

beforeAll(() => {
  dir = buildFixtures('plugin-fixtures');
}, 120_000);

/** The message loadPlugin throws for `path`, checked to be a PluginError of one line. */
function refusal(path: string, ...specs: Parameters<typeof loadPlugin>[1][]): string {
  const before = names();
  try {
    loadPlugin(path, ...specs);
  } catch (e) {
    expect(e).toBeInstanceOf(PluginError);
    const message = (e as Error).message;
    expect(message.split('\n')).toHaveLength(1);
    expect(names()).toEqual(before); // nothing added
    return message;
  }
  throw new Error(`${path} loaded`);
}

describe('a plugin that cannot be loaded: one line, nothing added', () => {
  it('a missing file', () => {
    expect(refusal(join(dir, 'nope.so'))).toBe(`plugin ${join(dir, 'nope.so')}: no such file`);
  });

  it('a file that is not a shared library', () => {
    const text = join(dir, 'notes.so');
    writeFileSync(text, 'not a library\n'.repeat(10));
    expect(refusal(text)).toBe(`plugin ${text}: it is not a shared library (no ELF header): give the .so that lockstep_add_target built`);
  });

  it('a library built for another machine', () => {
    const arm = join(dir, 'arm.so');
    const bytes = readFileSync(so('fixtures'));
    bytes.writeUInt16LE(183, 18); // e_machine: EM_AARCH64
    writeFileSync(arm, bytes);
    expect(refusal(arm)).toBe(`plugin ${arm}: it is built for aarch64; this lockstep runs on x86-64: build the plugin on this machine`);
  });

  it('a library without a stamp, or with another lockstep’s', () => {
    expect(refusal(so('no_stamp'))).toBe(`plugin ${so('no_stamp')}: it has no lockstep stamp: build it with lockstep_add_target (find_package(lockstep)), which stamps it`);
    expect(refusal(so('other_stamp'))).toBe(
      `plugin ${so('other_stamp')}: it was built against lockstep-0.0.1-0123456789abcdef, this is ${addon().pluginStamp} (another version, or other headers): rebuild it against this lockstep`,
    );
  });

  it('a symbol it needs that nothing defines', () => {
    expect(refusal(so('undefined_symbol'))).toMatch(/: it does not load: .*undefined symbol: _Z24lockstep_fixture_missingv \(built against another lockstep, or a library it needs is missing\?\)$/);
  });

  it('no target registered', () => {
    expect(refusal(so('no_target'))).toBe(`plugin ${so('no_target')}: it registers no target (LOCKSTEP_TARGET)`);
  });

  it('a declaration mistake (an op naming a role the target lacks)', () => {
    expect(refusal(so('bad_declaration'))).toMatch(/bad_declaration_target\.cpp: building its target threw: fixture-bad: op 'noop' names an unknown role 'consumer'$/);
  });

  it('a target named like a built-in one', () => {
    expect(refusal(so('clash'))).toBe(`plugin ${so('clash')}: its target 'mpmc-queue' clashes with the built-in target of that name: rename it`);
    expect(listTargets().find((t) => t.name === 'mpmc-queue')!.plugin).toBeUndefined();
  });
});

describe('a plugin that loads', () => {
  beforeAll(() => {
    loadPlugin(so('fixtures'));
  });

  it('adds its targets, marked with their plugin; loading it again adds nothing', () => {
    const mine = listTargets().filter((t) => t.plugin !== undefined);
    expect(mine.map((t) => [t.name, t.plugin])).toEqual([
      ['fixture-crashes', so('fixtures')],
      ['fixture-raw-spin', so('fixtures')],
      ['fixture-spins', so('fixtures')],
      ['fixture-throws', so('fixtures')],
    ]);
    const again = loadPlugin(so('fixtures'));
    expect(again.targets).toEqual(['fixture-throws', 'fixture-spins', 'fixture-crashes', 'fixture-raw-spin']);
    expect(again.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(loadedPlugins()).toEqual([again]);
    expect(pluginOf('fixture-spins')).toBe(again);
    expect(pluginOf('mpmc-queue')).toBeUndefined();
  });

  it('another copy of it clashes with the first', () => {
    const copy = join(dir, 'fixtures_copy.so');
    copyFileSync(so('fixtures'), copy);
    expect(refusal(copy)).toBe(`plugin ${copy}: its target 'fixture-throws' clashes with the target of that name from ${so('fixtures')}: rename it`);
  });

  it('an op that throws ends the run as an assertion naming the op and the exception', () => {
    const run = runScenario({ target: 'fixture-throws', threads: [[{ op: 'put', arg: 1 }], [{ op: 'put', arg: 3 }]], schedule: { kind: 'random', seed: 3 } });
    expect(run.outcome).toMatchObject({ kind: 'assertion', thread: 1, message: "op 'put' threw: three is not allowed" });
  });

  it('an op that never ends reaches the step limit', () => {
    const run = runScenario({ target: 'fixture-spins', threads: [[{ op: 'wait' }]], schedule: { kind: 'random', seed: 1 }, maxSteps: 500 });
    expect(run.outcome).toMatchObject({ kind: 'step-limit', message: 'the run reached its limit of 500 steps (livelock, or raise maxSteps)' });
  });

  it("refuses a spec that names no target of the library, or does not fit the target's C++ half", () => {
    const model = () => boundedQueueModel({ capacity: 1 });
    expect(refusal(so('fixtures'), defineTarget({ name: 'fixture-elsewhere', model }))).toBe(
      `plugin ${so('fixtures')}: the spec for 'fixture-elsewhere' names no target of it (it registers fixture-throws, fixture-spins, fixture-crashes, fixture-raw-spin)`,
    );
    expect(refusal(so('fixtures'), defineTarget({ name: 'fixture-throws', model, setup: { capacity: [1, 2] } }))).toBe(
      `plugin ${so('fixtures')}: the spec for 'fixture-throws' does not fit its C++ half: setup.capacity: fixture-throws has no parameter capacity (it has none)`,
    );
  });
});

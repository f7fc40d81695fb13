/**
 * Every JSON output against its schema (schemas/<name>.schema.json, draft
 * 2020-12), validated by Ajv, not by eye: each command runs for real
 * through the built CLI with small budgets (bench: its JSON made from a
 * stand-in loop, as the real loops take minutes to build), covering each
 * shape an output takes (a verdict ok, illegal or no progress; a mutant
 * caught or not run; a repro that fails, passes, or crashes); the
 * summary-<campaign>.json a campaign writes is the object it prints. Each
 * schema is then shown to reject damaged copies of that real output, so a
 * pass says something.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';

import { runNativeBench } from '../bench/native_bench.js';
import { hashText } from '../fuzz/seeds.js';
import { benchJson } from './bench.js';
import { SCHEMAS, type SchemaName } from './schemas.js';
import { runCli, tempDir } from './spawn_cli.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = (name: string) => join(root, 'fuzz/corpus', name);
const NAMES = Object.keys(SCHEMAS) as SchemaName[];
type Json = Record<string, any>;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const schemaOf = (name: SchemaName) => JSON.parse(readFileSync(join(root, 'schemas', `${name}.schema.json`), 'utf8')) as Json;
const validators = new Map<SchemaName, ValidateFunction>();
/** The schema compiled, once (Ajv keeps each $id once). */
function validatorOf(name: SchemaName): ValidateFunction {
  if (!validators.has(name)) validators.set(name, ajv.compile(schemaOf(name)));
  return validators.get(name)!;
}
/** null when `output` meets the schema, else what is wrong with it. */
function validate(name: SchemaName, output: unknown): string | null {
  const v = validatorOf(name);
  return v(output) ? null : ajv.errorsText(v.errors);
}

/** Runs lockstep; its stdout, parsed, with the exit code it must have. */
function json(args: string[], status: number, env: Record<string, string> = {}): Json {
  const r = runCli(args, env);
  expect({ args, status: r.status, stderr: r.stderr }).toEqual({ args, status, stderr: expect.any(String) });
  return JSON.parse(r.stdout) as Json;
}

describe('the schema files', () => {
  it('one per output, draft 2020-12, its $id the one the output carries, valid under Ajv strict mode', () => {
    expect(readdirSync(join(root, 'schemas')).sort()).toEqual(NAMES.map((n) => `${n}.schema.json`).sort());
    for (const name of NAMES) {
      const schema = schemaOf(name);
      expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema['$id']).toBe(SCHEMAS[name]);
      expect(SCHEMAS[name]).toMatch(new RegExp(`^https://lockstep\\.invalid/schemas/${name}/\\d+$`));
      expect(schema['properties'].schema.const).toBe(SCHEMAS[name]);
      expect(() => validatorOf(name), name).not.toThrow();
    }
  });

  it('ship with the package (package.json files)', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schemas/');
  });
});

describe('real output, each shape it takes', () => {
  /** Every output made, under the schema it must meet. */
  const outputs: [SchemaName, string, Json][] = [];
  const add = (name: SchemaName, what: string, output: Json) => outputs.push([name, what, output]);

  beforeAll(() => {
    const dir = tempDir();
    const fuzz = json(['fuzz', '--runs', '50', '--target', 'mpmc-queue', '--jobs', '1', '--seed', '1', '--out', dir, '--json'], 0);
    add('fuzz-summary', 'fuzz --json, nothing found', fuzz);
    add('fuzz-summary', 'its summary-<campaign>.json', JSON.parse(readFileSync(join(dir, `summary-${fuzz['campaign']}.json`), 'utf8')) as Json);
    // Two shards of one campaign, merged.
    const shards = [1, 2].map((i) => {
      const out = tempDir();
      json(['fuzz', '--runs', '20', '--target', 'mpmc-queue', '--jobs', '1', '--seed', '1', '--shard', `${i}/2`, '--out', out, '--json'], 0);
      return out;
    });
    const merged = join(tempDir(), 'merged');
    expect(runCli(['merge', ...shards, '--out', merged]).status).toBe(0);
    add('merged-summary', 'merge: summary-merged.json', JSON.parse(readFileSync(join(merged, 'summary-merged.json'), 'utf8')) as Json);
    const found = tempDir();
    add('fuzz-summary', 'fuzz --json, a failure found', json(['fuzz', '--runs', '300', '--target', 'mpmc-queue', '--variant', 'lap-dropped', '--jobs', '1', '--seed', '1', '--out', found, '--json'], 1));

    // Under sc, relaxed-turn-store is not run (it needs c11): both kinds of row.
    add('mutants', 'mutants --json: caught, and not run', json(['mutants', '--target', 'mpmc-queue', '--memory-model', 'sc', '--time', '10s', '--seed', '1', '--out', tempDir(), '--json'], 0));

    add('stress', 'stress --json, ok', json(['stress', '--target', 'mpmc-queue', '--ops', '20000', '--json'], 0));
    add('stress', 'stress --json, not linearizable, evidence saved', json(['stress', '--target', 'chase-lev-deque', '--variant', 'push-publishes-bottom-first', '--ops', '50000', '--runs', '5', '--out', tempDir(), '--json'], 1));
    add('stress', 'stress --json, no progress', json(['stress', '--target', 'mpmc-queue', '--variant', 'turn-2-bits', '--ops', '20000', '--progress-timeout', '300ms', '--json'], 1));

    add('check', 'check --json, illegal (both checkers)', json(['check', join(root, 'docs/examples/stress-deque-evidence.json'), '--model', 'deque', '--json'], 1));
    const fifo = join(tempDir(), 'fifo.json');
    writeFileSync(fifo, JSON.stringify({ format: 1, operations: [{ thread: 0, op: 'push', arg: 1, call: 0, return: 2, result: true }, { thread: 1, op: 'pop', call: 3, return: 4, result: 1 }] }));
    add('check', 'check --json, ok', json(['check', fifo, '--model', 'queue', '--json'], 0));

    add('list', 'list --json', json(['list', '--json'], 0));
    add('topology', 'topology --json', json(['topology', '--root', join(root, 'docs/examples/sysfs'), '--json'], 0));

    const html = join(tempDir(), 'x.html');
    add('repro', 'repro --json, reproduces', json(['repro', corpus('mpmc-queue.lap-dropped.assertion.86e47f809b.json'), '--html', html, '--json'], 1));
    add('repro', 'repro --json, passes under another model', json(['repro', corpus('mpsc-queue.relaxed-link-store.linearizability.445c2f8d2b.json'), '--memory-model', 'sc', '--json'], 0));
    // A crash file, and a failpoint that crashes exactly its case (as repro.test.ts does).
    const lapDropped = JSON.parse(readFileSync(corpus('mpmc-queue.lap-dropped.assertion.86e47f809b.json'), 'utf8')) as Json;
    const crash = join(tempDir(), 'crash.json');
    writeFileSync(crash, JSON.stringify({ ...lapDropped, check: 'crash', message: 'the worker died (signal SIGSEGV) while running this case', report: '' }));
    const failpoint = `case:SIGSEGV:1000003:${hashText(JSON.stringify(lapDropped['scenario'])) % 1000003}`;
    add('repro', 'repro --json, a crash replayed', json(['repro', crash, '--json'], 1, { LOCKSTEP_FAILPOINTS: failpoint }));

    // bench: a stand-in for a loop (a script printing what a loop prints), with a peer and without.
    const loop = join(tempDir(), 'loop.sh');
    const sample = (subject: string, ns: number) => JSON.stringify({ workload: '1p1c', subject, trial: 0, ns });
    writeFileSync(loop, `#!/bin/sh\ncat <<'EOF'\n${[sample('lockstep mpmc', 20), sample('peer a', 40), JSON.stringify({ skipped: 'peer c', why: 'not installed' })].join('\n')}\nEOF\n`, { mode: 0o755 });
    const alone = join(tempDir(), 'alone.sh');
    writeFileSync(alone, `#!/bin/sh\necho '${sample('lockstep mpmc', 20)}'\n`, { mode: 0o755 });
    const reports = [runNativeBench('queue', { binary: loop, smoke: true }), runNativeBench('spsc', { binary: alone, smoke: true })];
    add('bench', 'bench --json (a stand-in loop)', JSON.parse(benchJson(reports, true)) as Json);
  }, 180_000);

  it('covers every output', () => {
    expect(new Set(outputs.map(([name]) => name))).toEqual(new Set(NAMES));
  });

  it('each output carries its schema and meets it', () => {
    const problems = outputs.flatMap(([name, what, output]) => {
      const problem = output['schema'] === SCHEMAS[name] ? validate(name, output) : `schema is ${output['schema']}`;
      return problem === null ? [] : [`${what}: ${problem}`];
    });
    expect(problems).toEqual([]);
  });

  it('the shapes are the ones named (so each branch of a schema was met)', () => {
    const get = (what: string) => outputs.find(([, w]) => w === what)![2];
    expect(get('fuzz --json, a failure found')['pairs'][0]).toMatchObject({ failures: 1, shrunk: expect.any(Object) });
    expect(get('its summary-<campaign>.json')).toEqual(get('fuzz --json, nothing found'));
    expect(get('mutants --json: caught, and not run')['rows'].map((r: Json) => (r['reason'] === undefined ? 'run' : 'not run'))).toEqual(['run', 'not run', 'run']);
    const kinds = (what: string) => new Set(get(what)['runs'].map((r: Json) => r['verdict'].kind));
    expect([kinds('stress --json, ok'), kinds('stress --json, no progress')]).toEqual([new Set(['ok']), new Set(['no-progress'])]);
    expect(kinds('stress --json, not linearizable, evidence saved').has('illegal')).toBe(true); // caught in most runs, not every one
    expect(get('check --json, illegal (both checkers)')['generic'].kind).toBe('illegal');
    expect(get('check --json, ok')['generic'].kind).toBe('ok');
    expect(get('repro --json, reproduces')).toMatchObject({ reproduces: true, check: 'assertion', run: { outcome: { kind: 'assertion' } }, html: expect.any(String) });
    expect(get('repro --json, reproduces')['report']).toMatch(/= The interleaving/);
    expect(get('repro --json, passes under another model')).toMatchObject({ reproduces: false, memoryModel: 'sc', recorded: { memoryModel: 'c11' } });
    expect(get('repro --json, passes under another model')['check']).toBeUndefined();
    expect(get('repro --json, a crash replayed')).toMatchObject({ reproduces: true, check: 'crash', message: 'the replay died (signal SIGSEGV)' });
    expect(get('repro --json, a crash replayed')['run']).toBeUndefined();
    expect(get('bench --json (a stand-in loop)')['benchmarks'].map((b: Json) => b['rows'][0].vsBestPeer)).toEqual([0.5, null]);
    expect(get('merge: summary-merged.json')).toMatchObject({ shards: [{ index: 1, count: 2 }, { index: 2, count: 2 }], missingShards: [] });
  });

  /** Damages each schema must reject, besides a required field gone, an unknown field and another version. */
  const DAMAGE: Record<SchemaName, (o: Json) => void> = {
    'fuzz-summary': (o) => (o['pairs'][0].runs = '50'),
    mutants: (o) => (o['rows'][0].memoryModel = 'x86'),
    stress: (o) => (o['runs'][0].verdict.kind = 'fine'),
    check: (o) => (o['monitor'].ops = 'rows 1 and 2'),
    bench: (o) => (o['benchmarks'][0].rows[0].medianNs = null),
    list: (o) => (o['targets'][0].variants = []),
    topology: (o) => (o['topology'].nodes[0].cpus = ['0']),
    repro: (o) => (o['run'].history[0].extra = true),
    'merged-summary': (o) => (o['shards'][0].index = 0),
  };

  it('each schema rejects a damaged output: a required field gone, an unknown field, another version, a wrong value inside', () => {
    const accepted: string[] = [];
    for (const name of NAMES) {
      const output = outputs.find(([n, , o]) => n === name && (name !== 'repro' || o['run'] !== undefined))![2];
      const damaged = (what: string, change: (o: Json) => void) => {
        const copy = structuredClone(output);
        change(copy);
        if (validate(name, copy) === null) accepted.push(`${name}: ${what}`);
      };
      for (const field of schemaOf(name)['required'] as string[]) damaged(`without ${field}`, (o) => delete o[field]);
      damaged('an unknown field', (o) => (o['unknown'] = 1));
      damaged('version 2', (o) => (o['schema'] = SCHEMAS[name].replace(/\d+$/, '2')));
      damaged('a wrong value inside', DAMAGE[name]);
    }
    expect(accepted).toEqual([]);
  });
});

/**
 * The public surface: the two entry points (index.ts, vitest.ts) are what
 * package.json exports; every export has TSDoc with an example, and a
 * section of docs/api.md whose example is that same example; what those
 * examples say a call returns is what it returns; nothing in the docs or
 * the example consumer reaches past them (no `dist/` or `_internals`
 * import).
 */
import fc from 'fast-check';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

import * as lockstep from './index.js';

const root = dirname(fileURLToPath(import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const ENTRIES = { '.': 'index.ts', './vitest': 'vitest.ts' } as const;

interface Export {
  name: string;
  entry: string;
  kind: 'class' | 'function' | 'constant' | 'type';
  doc: string;
  example: string | undefined;
}

/** The exports of the entry points, with their TSDoc, as the compiler sees them. */
function publicExports(): Export[] {
  const files = Object.values(ENTRIES).map((f) => join(root, f));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  return files.flatMap((file) =>
    checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)!)!).map((e): Export => {
      const s = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
      const f = s.flags;
      return {
        name: e.name,
        entry: file,
        kind: f & ts.SymbolFlags.Class ? 'class' : f & ts.SymbolFlags.Function ? 'function' : f & ts.SymbolFlags.Variable ? 'constant' : 'type',
        doc: ts.displayPartsToString(s.getDocumentationComment(checker)).trim(),
        example: s
          .getJsDocTags(checker)
          .filter((t) => t.name === 'example')
          .map((t) => ts.displayPartsToString(t.text).trim())[0],
      };
    }),
  );
}

/** docs/api.md's sections: `### \`name\``, the line saying what kind of export it is, and its first ts block. */
function apiSections(): Map<string, { kind: string; example: string | undefined }> {
  const sections = new Map<string, { kind: string; example: string | undefined }>();
  const parts = read('docs/api.md').split(/^### /m).slice(1);
  for (const part of parts) {
    const name = /^`([^`]+)`/.exec(part)?.[1];
    if (name === undefined) continue;
    if (sections.has(name)) throw new Error(`docs/api.md has two sections for ${name}`);
    sections.set(name, { kind: /^\*(\w+)\* — /m.exec(part)?.[1] ?? '', example: /^```ts\n([\s\S]*?)^```$/m.exec(part)?.[1]?.trim() });
  }
  return sections;
}

const exported = publicExports();

describe('the public API', () => {
  it('is what package.json exports: the two entry points, with their types, and the CLI', () => {
    const pkg = JSON.parse(read('package.json')) as { exports: Record<string, { types: string; default: string } | string>; types: string; main: string; bin: Record<string, string>; files: string[] };
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './package.json', './vitest']);
    for (const [path, source] of Object.entries(ENTRIES)) {
      const js = source.replace(/\.ts$/, '.js');
      expect(pkg.exports[path]).toEqual({ types: `./dist/${js.replace(/\.js$/, '.d.ts')}`, default: `./dist/${js}` });
    }
    expect([pkg.main, pkg.types]).toEqual(['./dist/index.js', './dist/index.d.ts']);
    expect(pkg.bin['lockstep']).toBe('dist/cli/bin.js');
    expect(pkg.files).toContain('dist/');
    const build = JSON.parse(read('tsconfig.build.json')) as { compilerOptions: { declaration?: boolean }; include: string[] };
    expect(build.compilerOptions.declaration).toBe(true);
    for (const source of Object.values(ENTRIES)) expect(build.include).toContain(source);
  });

  it('has a summary and an example on every export', () => {
    expect(exported.length).toBeGreaterThan(50);
    expect(exported.filter((e) => e.doc === '').map((e) => e.name)).toEqual([]);
    expect(exported.filter((e) => e.example === undefined).map((e) => e.name)).toEqual([]);
  });

  it('has a section of docs/api.md for every export, and none for anything else', () => {
    const sections = apiSections();
    expect(exported.map((e) => e.name).filter((n) => !sections.has(n))).toEqual([]);
    expect([...sections.keys()].filter((n) => !exported.some((e) => e.name === n))).toEqual([]);
  });

  it('shows in each section of docs/api.md the kind of export and the example of its TSDoc', () => {
    const sections = apiSections();
    const wrong = exported.filter((e) => sections.get(e.name)?.kind !== e.kind).map((e) => `${e.name}: ${sections.get(e.name)?.kind} is a ${e.kind}`);
    expect(wrong).toEqual([]);
    const stale = exported.filter((e) => sections.get(e.name)?.example !== e.example).map((e) => `${e.name}: docs/api.md's example is not its TSDoc's`);
    expect(stale).toEqual([]);
  });
});

describe('no reaching past the entry points', () => {
  /** Every file of the docs and the example consumer. */
  const files = (dir: string): string[] =>
    readdirSync(join(root, dir)).flatMap((f) => {
      const path = join(dir, f);
      if (f === 'node_modules') return [];
      return statSync(join(root, path)).isDirectory() ? files(path) : /\.(md|ts|json)$/.test(f) ? [path] : [];
    });
  const deep = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"]*(?:\/dist\/|^dist\/|_internals)[^'"]*)['"]/gm;

  it('the pattern finds a deep import', () => {
    expect([..."import { x } from 'lockstep/dist/index.js';".matchAll(deep)]).toHaveLength(1);
    expect([..."const m = await import('../properties/_internals/specs.js');".matchAll(deep)]).toHaveLength(1);
    expect([..."import { x } from 'lockstep';".matchAll(deep)]).toHaveLength(0);
  });

  it('README.md, docs/ and examples/consumer import only lockstep and lockstep/vitest', () => {
    const checked = ['README.md', ...files('docs'), ...files('examples/consumer')];
    expect(checked).toContain('examples/consumer/mpmc_queue.test.ts');
    const problems = checked.flatMap((f) => [...read(f).matchAll(deep)].map((m) => `${f}: ${m[1]}`));
    expect(problems).toEqual([]);
  });

  it('the example consumer imports lockstep by its package name', () => {
    const imports = files('examples/consumer')
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...read(f).matchAll(/from '([^']+)'/g)].map((m) => m[1]!));
    expect(new Set(imports.filter((i) => i.startsWith('lockstep')))).toEqual(new Set(['lockstep', 'lockstep/vitest']));
    expect(imports.filter((i) => i.startsWith('.'))).toEqual([]);
    expect(existsSync(join(root, 'examples/consumer/package.json'))).toBe(true);
    expect((JSON.parse(read('examples/consumer/package.json')) as { dependencies: Record<string, string> }).dependencies['lockstep']).toBe('file:../..');
  });
});

describe('what the examples say a call returns (keep in step with the TSDoc and docs/api.md)', () => {
  const L = lockstep;
  const scenario: lockstep.Scenario = { target: 'chase-lev-deque', setup: { capacity: 2 }, threads: [[{ op: 'push', arg: 1 }, { op: 'pop' }], [{ op: 'steal' }]], schedule: { kind: 'random', seed: 7 } };
  const history = L.parseHistory({ format: 1, operations: [{ thread: 0, op: 'push', arg: 1, call: 0, return: 1, result: true }, { thread: 1, op: 'pop', call: 2, return: 3, result: 1 }] });

  it('running a scenario', () => {
    const run = L.runScenario({ target: 'chase-lev-deque', threads: [[{ op: 'push', arg: 1 }, { op: 'pop' }], [{ op: 'steal' }]], schedule: { kind: 'random', seed: 7 } });
    expect(run.outcome.kind).toBe('ok');
    const first = { thread: 0, index: 0, op: 'push', arg: 1, call: 0, return: 7, solo: false, result: true };
    expect(run.history[0]).toEqual(first);
    expect(L.runScenario(scenario).history[0]).toEqual(first);
    expect(L.runScenario({ ...scenario, trace: true }).trace![0]).toEqual({ step: 1, thread: 0, location: 'bottom', access: 'load', order: 'relaxed', read: 0 });
    expect(L.runScenario({ ...scenario, schedule: { kind: 'choices', choices: L.runScenario(scenario).choices } })).toEqual(L.runScenario(scenario));
    expect(L.listTargets().map((t) => t.name).slice(0, 5)).toEqual(['arc', 'arena', 'block-pool', 'chase-lev-deque', 'litmus']);
    expect(L.listTargets().find((t) => t.name === 'mpmc-queue')!.variants.map((v) => v.name)).toEqual(['correct', 'lap-dropped', 'relaxed-turn-store', 'turn-2-bits']);
  });

  it('generating and judging', () => {
    const [c] = fc.sample(L.caseArbitrary('mpmc-queue'), { numRuns: 1, seed: 7 });
    expect(c!.scenario.threads).toEqual([[{ op: 'pop' }, { op: 'pop' }, { op: 'pop' }, { op: 'push', arg: 1 }], [{ op: 'push', arg: 2 }]]);
    const run = L.runScenario({ target: 'mpmc-queue', threads: [[{ op: 'push', arg: 1 }], [{ op: 'pop' }]] });
    expect(L.checkLinearizability(L.boundedQueueModel({ capacity: 2 }), L.historyOfRun(run))).toEqual({ kind: 'ok' });
    expect(L.checkConservation(L.historyOfRun(run), run.final!.items, { inserts: ['push'], removes: ['pop'] })).toBeNull();
    const index = L.runScenario({ target: 'mpmc-queue', setup: { capacity: 2 }, threads: [[{ op: 'push', arg: 1 }], [{ op: 'pop' }]], schedule: { kind: 'random', seed: 7 } });
    expect(L.checkLinearizability(L.boundedQueueModel({ capacity: 2 }), L.historyOfRun(index)).kind).toBe('ok');
  });

  it('histories and the checkers', () => {
    expect(() => L.parseHistory({ format: 1, operations: [{ thread: 0, op: 'pop', call: 2, return: 1 }] })).toThrow(new RangeError('parseHistory: history.operations[0].return (1) is before its call (2)'));
    const bad = L.parseHistory({ format: 1, operations: [{ thread: 0, op: 'push', arg: 1, call: 0, return: 1, result: true }, { thread: 1, op: 'pop', call: 2, return: 3, result: 2 }] });
    const verdict = L.checkLinearizability(L.boundedQueueModel({ capacity: 2 }), bad);
    expect(verdict.kind === 'illegal' && verdict.message).toMatch(/^not linearizable: the longest linearization found places /);
    expect(L.COLLECTION_MONITORS.deque.checks).toBe('work-stealing deque: owner LIFO, thieves FIFO');
    expect(L.COLLECTION_MONITORS.queue.check(L.columnsFromHistory(history))).toEqual({ kind: 'ok' });
    expect(L.checkHistory('queue', history)).toEqual({ kind: 'ok', monitor: { kind: 'ok' }, generic: { kind: 'ok' } });
    const columns = L.columnsFromHistory(history);
    expect([Array.from(columns.thread), Array.from(columns.op), columns.opNames]).toEqual([[0, 1], [0, 1], ['push', 'pop', 'steal', 'push-refused']]);
  });

  it('the models', () => {
    expect(L.describeCall({ op: 'push', arg: 3 }, true)).toBe('push(3) → true');
    expect(L.describeOutput(null)).toBe('empty');
    const queue = L.boundedQueueModel({ capacity: 2 });
    expect(queue.step(queue.init(), { op: 'push', arg: 1 })).toMatchObject([{ output: true, state: [1] }, { output: false, state: [], relaxed: { concurrentWith: ['pop'] } }]);
    expect(L.boundedStackModel({ capacity: 2 }).step([1], { op: 'pop' })).toEqual([{ output: 1, state: [] }]);
    expect(L.mpscQueueModel({ capacity: 1 }).step([], { op: 'pop' })).toMatchObject([{ output: null, state: [] }, { output: 'retry', state: [], relaxed: { concurrentWith: ['push'] } }]);
    expect(L.dequeModel().step([1, 2], { op: 'steal' })).toMatchObject([{ output: 1, state: [2] }, { output: 'retry', state: [1, 2], relaxed: { needsInterference: true } }]);
    expect(L.arenaModel({ bytes: 16, alignment: 4 }).step([1], { op: 'alloc', arg: 2 })).toEqual([{ output: 4, state: [6] }]);
    expect(L.blockPoolModel({ blocks: 2 }).step([1], { op: 'alloc' })).toEqual([{ output: 0, state: [0, 1] }]);
    expect(L.schedulerModel().step([], { op: 'submit', arg: 1 })).toEqual([{ output: true, state: [] }, { output: false, state: [] }]);
    expect(L.arcModel().step([1, 3, 0, 1], { op: 'drop' }).map((o) => o.output)).toEqual([null, false, 3]);
    const register = L.registerModel({ initial: 3 });
    expect(register.step(register.init(), { op: 'cas', arg: [3, 4] })).toEqual([{ output: true, state: 4 }]);
    const kv = L.parseHistory({ format: 1, operations: [{ thread: 0, op: 'put', arg: ['x', 1], call: 0, return: 1 }, { thread: 1, op: 'get', arg: 'x', call: 2, return: 3, result: 1 }] });
    expect(L.checkLinearizability(L.keyValueModel(), kv)).toEqual({ kind: 'ok' });
    const set = L.setModel();
    expect(set.step(set.init(), { op: 'add', arg: 5 })).toEqual([{ output: true, state: true }]);
  });

  it('failure files', () => {
    const path = join(root, 'fuzz/corpus', readdirSync(join(root, 'fuzz/corpus')).find((f) => f.startsWith('chase-lev-deque.steal-reads-slot-after-cas.linearizability.'))!);
    const f = L.readFailure(path);
    expect(f.check).toBe('linearizability');
    expect(L.failureName(f)).toBe(basename(path));
    expect(L.repro(path).reproduces).toBe(true);
  });
});

/**
 * The examples in README.md and docs/*.md that show output, made by running
 * them: each sits between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->` marks, and `npm run docs:examples` rewrites
 * what is between them. docs.test.ts fails when a block is stale, so no
 * output in the docs is copied by hand. Commands run the built CLI
 * (dist/cli/bin.js) from the package root, as a user runs it; code examples
 * run line by line in one context, each shown line followed by its value.
 * Only deterministic output is shown: a corpus file's replay, a committed
 * history, a synthetic sysfs tree, a seeded simulator run (a campaign's
 * timing is described in words instead).
 *
 * @example
 * const text = withExamples(readFileSync('docs/fuzzing.md', 'utf8'), makeExamples(['repro-sc']));
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { createContext, runInContext } from 'node:vm';

import { litmusTable } from '../bench/litmus_table.js';
import { checkLinearizability } from '../models/linearizability.js';
import { parseHistory } from '../models/history.js';
import { registerModel } from '../models/register.js';
import { addon, packageRoot, runScenario } from '../native/index.js';
import { lockstepProperty } from '../vitest.js';

/** One generated block: its name (the marks') and how to make its content. */
export interface DocExample {
  name: string;
  make: () => string;
}

const CORPUS = 'fuzz/corpus';

/** `npx lockstep ...args`, its output and its exit code, as a terminal shows them; `keep` filters the output's lines. */
function session(args: string[], keep: (line: string) => boolean = () => true): string {
  const cli = join(packageRoot(), 'dist', 'cli', 'bin.js');
  const env = { ...process.env };
  delete env['LOCKSTEP_FAILPOINTS'];
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: packageRoot(), encoding: 'utf8', env, timeout: 120_000 });
  if (r.error !== undefined) throw r.error;
  if (r.status === null || r.status > 1) throw new Error(`lockstep ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  const out = (r.stdout + r.stderr).split('\n').filter(keep);
  while (out.length > 0 && out.at(-1)!.trim() === '') out.pop();
  return ['```', `$ npx lockstep ${args.join(' ')}`, ...out, '$ echo $?', String(r.status), '```'].join('\n');
}

/** A corpus file by its target, variant and check (the hash in its name may change when it is refreshed). */
function corpusFile(prefix: string): string {
  const found = readdirSync(join(packageRoot(), CORPUS)).filter((f) => f.startsWith(`${prefix}.`));
  if (found.length !== 1) throw new Error(`${CORPUS} holds ${found.length} files for ${prefix}, expected 1`);
  return `${CORPUS}/${found[0]}`;
}

/** The engine build differs between machines and builds: the note that says so is left out of the docs. */
const notBuildNote = (line: string) => !line.startsWith('note: found with engine build');

/** A value on one line: a list of numbers as `[1, 2]`, anything else as Node prints it. */
function shownValue(value: unknown): string {
  if (Array.isArray(value) && value.every((x) => typeof x === 'number')) return `[${value.join(', ')}]`;
  return inspect(value, { breakLength: Infinity, depth: 6 });
}

/**
 * A code example: `header` lines shown as they are; then each line run in
 * one shared context (with `scope`'s names in it), and where `show` is set,
 * followed by `// → value`.
 */
function code(header: string[], lines: { run: string; show?: boolean }[], scope: Record<string, unknown>): string {
  const context = createContext({ ...scope });
  const shown = lines.map(({ run, show }) => {
    const value: unknown = runInContext(run, context);
    return show === true ? `${run}  // → ${shownValue(value)}` : run;
  });
  return ['```ts', ...header, ...shown, '```'].join('\n');
}

export const DOC_EXAMPLES: readonly DocExample[] = [
  { name: 'list', make: () => session(['list']) },
  { name: 'repro-sc', make: () => session(['repro', corpusFile('chase-lev-deque.steal-reads-slot-after-cas.linearizability')], notBuildNote) },
  { name: 'repro-tso', make: () => session(['repro', corpusFile('chase-lev-deque.pop-without-fence.assertion')], notBuildNote) },
  { name: 'repro-c11', make: () => session(['repro', corpusFile('chase-lev-deque.pop-stores-bottom-relaxed.linearizability')], notBuildNote) },
  { name: 'repro-aba', make: () => session(['repro', corpusFile('block-pool.tag-2-bits.assertion')], notBuildNote) },
  {
    name: 'check',
    make: () => session(['check', 'docs/examples/stress-deque-evidence.json', '--model', 'deque']),
  },
  {
    // The last two lines describe the machine that runs it (its CPUs, its memory binding): left out.
    name: 'topology',
    make: () => session(['topology', '--root', 'docs/examples/sysfs'], (line) => !/^(this process may run|memory binding)/.test(line)),
  },
  { name: 'litmus', make: () => litmusTable().trimEnd() },
  {
    name: 'addon-deque',
    make: () =>
      code(
        ["import { addon } from './native/index.js';"],
        [
          { run: 'const a = addon();' },
          { run: "const deque = a.dequeCreate({ capacity: 64, variant: 'correct' });" },
          { run: 'const worker = a.dequeWorker(deque);' },
          { run: 'a.dequePush(worker, 7);', show: true },
          { run: 'a.dequeSteal(a.dequeStealer(deque));', show: true },
          { run: 'a.dequePop(worker);', show: true },
          { run: 'a.close(deque);  // closes its worker and stealers too' },
        ],
        { addon },
      ),
  },
  {
    name: 'run-scenario',
    make: () =>
      code(
        ["import { runScenario } from 'lockstep';"],
        [
          { run: "const scenario = { target: 'chase-lev-deque', threads: [[{ op: 'push', arg: 1 }, { op: 'pop' }], [{ op: 'steal' }]] };" },
          { run: "const r = runScenario({ ...scenario, schedule: { kind: 'random', seed: 7 } });" },
          { run: 'r.outcome;', show: true },
          { run: 'r.history[0];', show: true },
          { run: 'r.history.length;', show: true },
          { run: 'r.choices;', show: true },
          { run: "const again = runScenario({ ...scenario, schedule: { kind: 'choices', choices: r.choices } });" },
          { run: '// the concrete choices replay the run exactly:' },
          { run: 'JSON.stringify(again) === JSON.stringify(r);', show: true },
        ],
        { runScenario },
      ),
  },
  {
    name: 'vitest-failure',
    make: () => {
      try {
        lockstepProperty('mpmc-queue', { variant: 'lap-dropped', seed: 5 })();
      } catch (e) {
        return ['```', (e as Error).message, '```'].join('\n');
      }
      throw new Error('mpmc-queue (lap-dropped) passed: the example needs it to fail');
    },
  },
  {
    name: 'check-api',
    make: () =>
      code(
        [
          "import { readFileSync } from 'node:fs';",
          "import { checkLinearizability, parseHistory, registerModel } from 'lockstep';",
        ],
        [
          { run: "const text = readFileSync('models/fixtures/register.stale-read.bad.json', 'utf8');" },
          { run: 'const verdict = checkLinearizability(registerModel(), parseHistory(JSON.parse(text).history));' },
          { run: 'verdict.kind;', show: true },
          { run: 'verdict.message;', show: true },
        ],
        { readFileSync: (p: string, e: BufferEncoding) => readFileSync(join(packageRoot(), p), e), parseHistory, checkLinearizability, registerModel },
      ),
  },
];

const BEGIN = /<!-- generated:([\w-]+) -->\n/g;

/** The generated blocks in a text: name, and where their content starts and ends. */
export function generatedBlocks(text: string): { name: string; from: number; to: number; content: string }[] {
  const blocks = [];
  for (const m of text.matchAll(BEGIN)) {
    const name = m[1]!;
    const from = m.index + m[0].length;
    const end = `<!-- /generated:${name} -->`;
    const to = text.indexOf(end, from);
    if (to < 0) throw new Error(`<!-- generated:${name} --> has no ${end}`);
    blocks.push({ name, from, to, content: text.slice(from, to).replace(/\n$/, '') });
  }
  return blocks;
}

/** Every generated block's content, by name (all, or the ones named). */
export function makeExamples(names?: readonly string[]): Map<string, string> {
  const chosen = names === undefined ? DOC_EXAMPLES : DOC_EXAMPLES.filter((e) => names.includes(e.name));
  return new Map(chosen.map((e) => [e.name, e.make()]));
}

/** `text` with each generated block whose name is in `made` replaced by the made content. */
export function withExamples(text: string, made: ReadonlyMap<string, string>): string {
  let out = '';
  let at = 0;
  for (const b of generatedBlocks(text)) {
    const content = made.get(b.name);
    if (content === undefined) continue;
    out += text.slice(at, b.from) + content + '\n';
    at = b.to;
  }
  return out + text.slice(at);
}

/** The files that may hold generated blocks: README.md and docs/*.md. */
export function docFiles(): string[] {
  const root = packageRoot();
  return ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
}

/** Rewrites every generated block in README.md and docs/*.md; returns the files that changed. */
export function writeDocExamples(): string[] {
  const made = makeExamples();
  const changed = [];
  for (const file of docFiles()) {
    const path = join(packageRoot(), file);
    const text = readFileSync(path, 'utf8');
    const next = withExamples(text, made);
    if (next !== text) {
      writeFileSync(path, next);
      changed.push(file);
    }
  }
  return changed;
}

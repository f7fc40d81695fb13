/**
 * The docs (README.md and docs/*.md, and the folder READMEs for links and
 * paths) cannot fall behind the code unnoticed:
 *
 * - every relative link points into the repository at a file that exists,
 *   and an `#anchor` at a heading of that page (GitHub's anchor rules);
 * - the hand-written pages name every addon export (docs/addon.md), every
 *   target, every seeded bug (a row of docs/mutants.md, and no row for one
 *   that is gone) and every CLI command; every litmus test has a table row;
 * - a count the prose states ("26 seeded bugs") is the real count;
 * - every `lockstep` command they show exists, with flags its help names;
 *   every `npm run` script exists; every repository path they name exists;
 * - every generated block is what `npm run docs:examples` makes now.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

import { COMMANDS } from './cli/main.js';
import { DOC_EXAMPLES, docFiles, generatedBlocks, makeExamples } from './cli/doc_examples.js';
import { LITMUS } from './models/litmus.js';
import { ADDON_FUNCTIONS, addon } from './native/index.js';

const root = dirname(fileURLToPath(import.meta.url));
const read = (file: string) => readFileSync(join(root, file), 'utf8');
const DOCS = docFiles();
const FOLDER_READMES = ['cli/README.md', 'fuzz/README.md', 'bench/README.md', 'native/tests/README.md', 'examples/consumer/README.md'];
const text = new Map([...DOCS, ...FOLDER_READMES].map((f) => [f, read(f)]));

/** A page without its generated blocks: what a person wrote. */
const handWritten = (t: string) => generatedBlocks(t).reduceRight((s, b) => s.slice(0, b.from) + s.slice(b.to), t);
/** README.md and docs/*.md as written by hand (docs/cli.md, made from the help texts, left out). */
const prose = DOCS.filter((f) => f !== 'docs/cli.md').map((f) => handWritten(text.get(f)!)).join('\n');

/** The fenced code blocks of a page, and the page with them blanked out. */
function fences(t: string): { blocks: { info: string; body: string }[]; outside: string } {
  const blocks: { info: string; body: string }[] = [];
  const outside = t.replace(/^```([^\n]*)\n([\s\S]*?)^```$/gm, (_, info: string, body: string) => {
    blocks.push({ info, body });
    return '';
  });
  return { blocks, outside };
}

/** The inline code spans outside fenced blocks. */
const codeSpans = (t: string) => [...fences(t).outside.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens; repeats get -1, -2, ... */
function anchors(t: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of fences(t).outside.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]!
      .trim()
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The relative links of a page (inline code and fenced blocks aside): `[text](target)` and images. */
function links(t: string): string[] {
  const outside = fences(t).outside.replace(/`[^`\n]+`/g, '');
  return [...outside.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((u) => !/^[a-z][a-z+.-]*:/i.test(u));
}

/** What is wrong with a link from `file`, or null. */
function linkProblem(file: string, link: string): string | null {
  const [path, anchor] = link.split('#', 2) as [string, string | undefined];
  const target = path === '' ? join(root, file) : resolve(root, dirname(file), path);
  const inRepo = relative(root, target);
  if (inRepo.startsWith('..')) return `${link} leaves the repository`;
  if (!existsSync(target)) return `${link}: ${inRepo} does not exist`;
  if (anchor !== undefined && target.endsWith('.md') && !anchors(readFileSync(target, 'utf8')).has(anchor)) return `${link}: ${inRepo} has no heading #${anchor}`;
  return null;
}

describe('links', () => {
  it.each([...DOCS, ...FOLDER_READMES])('every relative link in %s resolves, anchors included', (file) => {
    const problems = links(text.get(file)!).map((l) => linkProblem(file, l)).filter((p) => p !== null);
    expect(problems).toEqual([]);
  });

  it('anchors follow GitHub: punctuation dropped, code kept, repeats numbered', () => {
    const a = anchors('# Fuzzing: `lockstep fuzz`, `repro`\n## Under c11: a load\n## Exit codes\n## Exit codes\n```\n# not a heading\n```\n');
    expect([...a]).toEqual(['fuzzing-lockstep-fuzz-repro', 'under-c11-a-load', 'exit-codes', 'exit-codes-1']);
  });

  it('a broken link is caught: a missing file, a missing heading, a path out of the repository', () => {
    expect(linkProblem('README.md', 'docs/nowhere.md')).toMatch(/does not exist/);
    expect(linkProblem('README.md', 'docs/fuzzing.md#no-such-heading')).toMatch(/no heading/);
    expect(linkProblem('README.md', '../outside-lockstep/README.md')).toMatch(/leaves the repository/);
    expect(linkProblem('docs/fuzzing.md', 'formats.md#failure-file')).toBeNull();
  });
});

describe('names', () => {
  const targets = addon().listTargets();

  it('docs/addon.md names every addon export', () => {
    const page = handWritten(text.get('docs/addon.md')!);
    const missing = ADDON_FUNCTIONS.filter((name) => !new RegExp(`\\b${name}\\b`).test(page));
    expect(missing).toEqual([]);
  });

  it('the docs name every target and every CLI command', () => {
    expect(targets.map((t) => t.name).filter((n) => !prose.includes(`\`${n}\``))).toEqual([]);
    expect(COMMANDS.map((c) => c.name).filter((n) => !prose.includes(`lockstep ${n}`))).toEqual([]);
  });

  it('docs/mutants.md has a row for every seeded bug, and none for a bug that is gone', () => {
    const rows = new Set<string>();
    let target = '';
    for (const line of handWritten(text.get('docs/mutants.md')!).split('\n')) {
      const cells = /^\| (`[^`]+`)? ?\| `([^`]+)` \|/.exec(line);
      if (cells === null) continue;
      if (cells[1] !== undefined) target = cells[1].slice(1, -1);
      rows.add(`${target}/${cells[2]}`);
    }
    const bugs = targets.flatMap((t) => t.variants.filter((v) => v.name !== 'correct').map((v) => `${t.name}/${v.name}`));
    expect([...rows].sort()).toEqual([...bugs].sort());
  });

  it('every litmus test has a table row', () => {
    const all = DOCS.map((f) => text.get(f)!).join('\n');
    expect(LITMUS.map((t) => t.name).filter((n) => !all.includes(`| ${n} |`))).toEqual([]);
  });

  it('the counts the prose states are the real ones', () => {
    const bugs = targets.reduce((n, t) => n + t.variants.filter((v) => v.name !== 'correct').length, 0);
    const fixtures = readdirSync(join(root, 'models/fixtures')).filter((f) => f.endsWith('.json')).length;
    const claims: [RegExp, number][] = [
      [/\b(\d+) seeded bugs\b/g, bugs],
      [/\b(\d+) litmus tests\b/g, LITMUS.length],
      [/lists the (\d+) functions/g, ADDON_FUNCTIONS.length],
      [/\bholds (\d+) test cases\b/g, fixtures],
    ];
    for (const [claim, actual] of claims) {
      const stated = [...prose.matchAll(claim)].map((m) => Number(m[1]));
      expect(stated.length, `${claim} is stated somewhere`).toBeGreaterThan(0);
      expect(stated.every((n) => n === actual), `${claim}: stated ${stated.join(', ')}, really ${actual}`).toBe(true);
    }
  });
});

describe('what the docs show', () => {
  /** Every command line the docs show: lines of shell blocks, `$ ` lines of output blocks, inline code. */
  const commandLines = DOCS.filter((f) => f !== 'docs/cli.md').flatMap((f) => {
    const t = text.get(f)!;
    const shown = fences(t).blocks.flatMap((b) => b.body.split('\n').filter((l) => b.info === 'sh' || l.startsWith('$ ')));
    return [...shown, ...codeSpans(t)].map((line) => ({ file: f, line }));
  });

  it('every lockstep command shown exists, and its flags are in its help', () => {
    const help = new Map(COMMANDS.map((c) => [c.name, c.help()]));
    const problems: string[] = [];
    for (const { file, line } of commandLines) {
      for (const m of line.matchAll(/\blockstep ([a-z][a-z-]*)([^#|]*)/g)) {
        const h = help.get(m[1]!);
        if (h === undefined) {
          problems.push(`${file}: ${line}: no command ${m[1]}`);
          continue;
        }
        for (const flag of m[2]!.match(/--[a-z][a-z-]*/g) ?? []) if (flag !== '--help' && !h.includes(flag)) problems.push(`${file}: ${line}: ${m[1]} has no flag ${flag}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('every npm script shown exists', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    const named = [...[...DOCS, ...FOLDER_READMES].map((f) => text.get(f)!).join('\n').matchAll(/npm run ([\w:<>*-]+)/g)].map((m) => m[1]!);
    expect(named.filter((s) => !/[<*]/.test(s) && scripts[s] === undefined)).toEqual([]);
  });

  it('every repository path named exists', () => {
    const looksLikePath = /^(?:\.ci|native|models|properties|fuzz|cli|bench|docs|schemas)\/[\w./-]*$/;
    const problems: string[] = [];
    for (const f of [...DOCS, ...FOLDER_READMES]) {
      const t = text.get(f)!;
      const tokens = [...codeSpans(t), ...fences(t).blocks.filter((b) => b.info === 'sh').flatMap((b) => b.body.split(/\s+/))];
      for (const token of tokens) if (looksLikePath.test(token) && !existsSync(join(root, token))) problems.push(`${f}: ${token}`);
    }
    expect(problems).toEqual([]);
  });

  describe('generated blocks (npm run docs:examples writes them)', () => {
    let made: Map<string, string>;
    beforeAll(() => {
      made = makeExamples();
    }, 120_000);

    it('each example has exactly one block', () => {
      const names = DOCS.flatMap((f) => generatedBlocks(text.get(f)!).map((b) => b.name));
      expect([...names].sort()).toEqual(DOC_EXAMPLES.map((e) => e.name).sort());
    });

    it.each(DOCS.filter((f) => generatedBlocks(text.get(f)!).length > 0))('%s: every generated block is current', (file) => {
      for (const b of generatedBlocks(text.get(file)!)) expect(b.content, `${file}: ${b.name} is stale: npm run docs:examples`).toBe(made.get(b.name));
    });
  });
});

/**
 * The JUnit report (cli/junit.ts, `--junit FILE`) is well-formed XML
 * whatever a message holds, and says what a campaign found: read back with
 * a real XML parser (fast-xml-parser), not by eye — built from made-up
 * summaries, then from real campaigns run through the built CLI. A report
 * that cannot be written is a usage error before anything runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

import type { Summary } from '../fuzz/campaign.js';
import type { MutantRow } from '../fuzz/mutants.js';
import { campaignJUnit, junitXml, mutantsJUnit } from './junit.js';
import { runCli, tempDir } from './spawn_cli.js';

type Json = Record<string, any>;

/** Parsed, every element that may repeat as a list; attributes as `@_name`. */
function parseJUnit(xml: string): Json {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, parseAttributeValue: false, isArray: (name) => ['testsuite', 'testcase', 'property', 'failure', 'skipped'].includes(name) });
  return parser.parse(xml) as Json;
}

const at = new Date('2026-01-02T03:04:05.678Z');

describe('junitXml', () => {
  it('escapes what XML cannot hold as it is, and keeps the text', () => {
    const nasty = 'a < b && "c" > \'d\'\n\ttab\x1b[31m red \uD800 lone';
    const xml = junitXml([{ name: nasty, at, seconds: 1.5, properties: [['p', nasty]], cases: [{ classname: 'c', name: nasty, failure: { message: nasty, type: 't', text: nasty }, out: nasty }] }]);
    const suite = parseJUnit(xml)['testsuites'].testsuite[0];
    expect(suite['@_timestamp']).toBe('2026-01-02T03:04:05');
    const shown = 'a < b && "c" > \'d\'\n\ttab\\u{1b}[31m red \\u{d800} lone';
    expect(suite.testcase[0].failure[0]['#text']).toBe(shown);
    expect(suite.testcase[0]['system-out']).toBe(shown);
    // Attributes keep their newlines and tabs (as character references).
    expect(xml).toContain('message="a &lt; b &amp;&amp; &quot;c&quot; &gt; \'d\'&#10;&#9;tab\\u{1b}[31m red \\u{d800} lone"');
  });
});

describe('campaignJUnit', () => {
  const summary = {
    campaign: '20260102-030405-1',
    build: 'b',
    strategy: 'mixed',
    memoryModel: 'sc',
    seed: 7,
    shard: { index: 1, count: 1 },
    jobs: 2,
    budget: { runs: 100 },
    runs: 60,
    seconds: 2,
    interleavings: 50,
    failures: [
      { path: '/f/a.json', target: 'q', variant: 'bug', check: 'linearizability', message: 'not linearizable: x\nmore' },
      { path: '/f/b.json', target: 'q', variant: 'bug', check: 'conservation', message: 'lost 1' },
    ],
    deaths: [{ worker: 1, how: 'signal SIGKILL', kind: 'crash' }],
    warnings: ['q/idle got no runs'],
    pairs: [
      { target: 'q', variant: 'correct', runs: 50, failures: 0 },
      { target: 'q', variant: 'bug', runs: 10, failures: 2, firstFailureSeconds: 0.5, firstFailureRuns: 3, shrunk: { threads: 2, ops: 3, preemptions: 1, steps: 9 }, check: 'linearizability' },
      { target: 'q', variant: 'idle', runs: 0, failures: 0 },
      { target: 'q', variant: 'full-disk', runs: 5, failures: 0 },
    ],
  } as unknown as Summary;

  it('a testcase per pair: failures with their files, an unsaved one, a pair with no run skipped', () => {
    const unsaved = [{ target: 'q', variant: 'full-disk', check: 'assertion', message: 'assertion at step 3' }];
    const suite = parseJUnit(campaignJUnit(summary, { at, unsaved }))['testsuites'].testsuite[0];
    expect([suite['@_tests'], suite['@_failures'], suite['@_skipped']]).toEqual(['4', '2', '1']);
    const cases = new Map<string, any>(suite.testcase.map((c: any) => [c['@_name'], c]));
    expect(cases.get('q/correct').failure).toBeUndefined();
    const bug = cases.get('q/bug').failure;
    expect(bug).toHaveLength(1);
    expect([bug[0]['@_message'], bug[0]['@_type']]).toEqual(['not linearizable: x', 'linearizability']);
    expect(bug[0]['#text']).toMatch(/failure file: \/f\/a\.json\nreplay it: lockstep repro \/f\/a\.json[\s\S]*lost 1[\s\S]*failure file: \/f\/b\.json/);
    expect(cases.get('q/idle').skipped[0]['@_message']).toBe('got no runs');
    expect(cases.get('q/full-disk').failure[0]['#text']).toMatch(/NOT SAVED/);
    expect(suite['system-err']).toMatch(/worker 1 crashed \(signal SIGKILL\)\nwarning: q\/idle got no runs/);
    expect(suite.properties.property.map((p: any) => `${p['@_name']}=${p['@_value']}`)).toContain('budget=100 runs');
  });
});

describe('mutantsJUnit', () => {
  it('a mutant not caught fails, one not run is skipped with its reason, one caught passes', () => {
    const rows: MutantRow[] = [
      { target: 'q', variant: 'caught', memoryModel: 'sc', repeat: 2, caught: 2, medianSeconds: 0.3, medianRuns: 7, check: 'assertion', shrunk: { threads: 2, ops: 3, preemptions: 1, steps: 9 } },
      { target: 'q', variant: 'missed', memoryModel: 'sc', repeat: 2, caught: 1, medianSeconds: 0.3, medianRuns: 7, check: 'assertion' },
      { target: 'q', variant: 'weak', memoryModel: 'sc', repeat: 2, reason: 'not observable under sc: needs c11' },
    ];
    const suite = parseJUnit(mutantsJUnit(rows, { at, seconds: 4, seed: 1, perMutantSeconds: 2 }))['testsuites'].testsuite[0];
    expect([suite['@_tests'], suite['@_failures'], suite['@_skipped']]).toEqual(['3', '1', '1']);
    const [caught, missed, weak] = suite.testcase;
    expect(caught.failure).toBeUndefined();
    expect(missed.failure[0]['@_message']).toBe('not caught in 1 of 2 campaign(s) of 2 s under sc');
    expect(weak.skipped[0]['@_message']).toBe('not run under sc: not observable under sc: needs c11');
  });
});

describe('--junit FILE, real campaigns', () => {
  it('fuzz: a campaign that finds a failure has one <failure>, naming the failure file; its clean pair none', () => {
    const dir = tempDir();
    const report = join(tempDir(), 'report.xml');
    const r = runCli(['fuzz', '--target', 'mpmc-queue', '--variant', 'correct,lap-dropped', '--runs', '300', '--jobs', '1', '--seed', '1', '--out', dir, '--junit', report, '--json']);
    expect(r.status).toBe(1);
    const summary = JSON.parse(r.stdout) as Json;
    const suites = parseJUnit(readFileSync(report, 'utf8'))['testsuites'];
    expect(suites.testsuite).toHaveLength(1);
    const suite = suites.testsuite[0];
    expect([suites['@_tests'], suites['@_failures'], suite['@_name']]).toEqual(['2', '1', `lockstep fuzz ${summary['campaign']}`]);
    const [correct, bug] = suite.testcase;
    expect([correct['@_name'], correct.failure]).toEqual(['mpmc-queue/correct', undefined]);
    expect(bug['@_name']).toBe('mpmc-queue/lap-dropped');
    expect(bug.failure).toHaveLength(1);
    const [failure] = summary['failures'];
    expect(bug.failure[0]['@_type']).toBe('assertion');
    expect(bug.failure[0]['@_message']).toBe(failure.message.split('\n')[0]);
    expect(bug.failure[0]['#text']).toContain(`failure file: ${failure.path}`);
    expect(existsSync(failure.path)).toBe(true);
  });

  it('fuzz: a clean campaign writes a report with no <failure>; without --json it names the file', () => {
    const report = join(tempDir(), 'clean.xml');
    const r = runCli(['fuzz', '--target', 'mpmc-queue,tagged-stack', '--runs', '40', '--jobs', '1', '--seed', '1', '--out', tempDir(), '--junit', report]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`JUnit report: ${report}`);
    const suite = parseJUnit(readFileSync(report, 'utf8'))['testsuites'].testsuite[0];
    expect(suite.testcase.map((c: Json) => [c['@_name'], c.failure])).toEqual([
      ['mpmc-queue/correct', undefined],
      ['tagged-stack/correct', undefined],
    ]);
    expect(suite['@_failures']).toBe('0');
  });

  it('mutants: a testcase per mutant, <skipped> with the reason for one its model cannot show', () => {
    const report = join(tempDir(), 'mutants.xml');
    const r = runCli(['mutants', '--target', 'mpsc-queue', '--memory-model', 'sc', '--time', '10s', '--seed', '1', '--out', tempDir(), '--junit', report]);
    expect(r.status).toBe(0);
    const suite = parseJUnit(readFileSync(report, 'utf8'))['testsuites'].testsuite[0];
    expect(suite['@_failures']).toBe('0');
    const weak = suite.testcase.find((c: Json) => c['@_name'] === 'mpsc-queue/relaxed-link-store');
    expect(weak.skipped[0]['@_message']).toMatch(/^not run under sc: not observable under sc: needs c11/);
  });

  it('fuzz: a report that cannot be written at the end (a full disk) is exit 4 and one line; the summary is saved', () => {
    const out = tempDir();
    const report = join(tempDir(), 'full.xml');
    // The parent's atomic writes: the probes of --out and --junit, the campaign's own probe of --out, the summary; then the report.
    const r = runCli(['fuzz', '--target', 'mpmc-queue', '--runs', '10', '--jobs', '1', '--seed', '1', '--out', out, '--junit', report, '--json'], { LOCKSTEP_FAILPOINTS: 'write:ENOSPC:4' });
    expect([r.status, r.stderr]).toEqual([4, expect.stringMatching(/^lockstep fuzz: the JUnit report could not be saved: cannot write .*full\.xml: no space left on device \(ENOSPC\)\n$/)]);
    expect(existsSync(report)).toBe(false);
    expect(readdirSync(out).filter((f) => f.startsWith('summary-'))).toEqual([`summary-${(JSON.parse(r.stdout) as Json)['campaign']}.json`]);
  });

  it.each<[string[], RegExp]>([
    [['fuzz', '--runs', '10', '--junit', '/nonexistent/dir/r.xml'], /--junit the folder \/nonexistent\/dir does not exist/],
    [['fuzz', '--runs', '10', '--junit', '/proc/r.xml'], /--junit cannot write into \/proc: /],
    [['mutants', '--time', '1s', '--junit', ''], /--junit is empty: name a file/],
    [['mutants', '--time', '1s', '--junit', '/proc/r.xml'], /--junit cannot write into \/proc: /],
  ])('%j: exit 2, one line, before any campaign runs', (args, message) => {
    const out = tempDir();
    const r = runCli([...args, '--target', 'mpmc-queue', '--out', out]);
    expect([r.status, r.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(out)).toEqual([]); // no summary, no failure: nothing ran
  });
});

/**
 * `--junit FILE`: a campaign as a JUnit XML report, the format CI systems
 * (Jenkins, GitLab, GitHub's test reporters) show natively. One
 * <testsuite> per run of `lockstep fuzz` or `lockstep mutants`, one
 * <testcase> per target/variant pair: a pair that failed (fuzz) or a
 * mutant that was not caught (mutants) has a <failure>, one that did not
 * run is <skipped>. docs/formats.md#junit-report says what each holds.
 *
 * @example
 * writeAtomically('report.xml', campaignJUnit(summary, { at: new Date() }));
 */
import type { Summary } from '../fuzz/campaign.js';
import type { MutantRow } from '../fuzz/mutants.js';

/** One <testcase>. */
export interface JUnitCase {
  classname: string;
  name: string;
  /** The <failure>: its message (one line), its type, and the full text. */
  failure?: { message: string; type: string; text: string };
  /** Why it did not run: a <skipped> with this message. */
  skipped?: string;
  /** What ran, as <system-out>. */
  out?: string;
}

/** One <testsuite>. */
export interface JUnitSuite {
  name: string;
  /** When it began. */
  at: Date;
  seconds: number;
  properties: [string, string | number][];
  cases: JUnitCase[];
  /** Warnings, as the suite's <system-err>. */
  err?: string;
}

/** Characters XML 1.0 cannot hold, even escaped (control characters, lone surrogates): written as \u{..}. */
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const clean = (s: string) => s.replace(NOT_XML, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
const text = (s: string) => clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const attr = (s: string | number) =>
  text(String(s)).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
/** ISO 8601 without a zone, as JUnit's timestamp attribute has it (UTC). */
const timestamp = (d: Date) => d.toISOString().slice(0, 19);
const firstLine = (s: string) => s.split('\n')[0]!;

/** The report: the XML declaration, then <testsuites> holding `suites`. */
export function junitXml(suites: readonly JUnitSuite[]): string {
  const count = (f: (c: JUnitCase) => boolean) => suites.reduce((n, s) => n + s.cases.filter(f).length, 0);
  const tests = count(() => true);
  const failures = count((c) => c.failure !== undefined);
  const seconds = suites.reduce((t, s) => t + s.seconds, 0);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites tests="${tests}" failures="${failures}" errors="0" time="${seconds.toFixed(3)}">`];
  for (const s of suites) {
    const failed = s.cases.filter((c) => c.failure !== undefined).length;
    const skipped = s.cases.filter((c) => c.skipped !== undefined).length;
    lines.push(`  <testsuite name="${attr(s.name)}" tests="${s.cases.length}" failures="${failed}" errors="0" skipped="${skipped}" time="${s.seconds.toFixed(3)}" timestamp="${timestamp(s.at)}">`);
    lines.push('    <properties>');
    for (const [name, value] of s.properties) lines.push(`      <property name="${attr(name)}" value="${attr(value)}"/>`);
    lines.push('    </properties>');
    for (const c of s.cases) {
      const head = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}"`;
      const body: string[] = [];
      if (c.failure !== undefined) body.push(`      <failure message="${attr(c.failure.message)}" type="${attr(c.failure.type)}">${text(c.failure.text)}</failure>`);
      if (c.skipped !== undefined) body.push(`      <skipped message="${attr(c.skipped)}"/>`);
      if (c.out !== undefined) body.push(`      <system-out>${text(c.out)}</system-out>`);
      lines.push(...(body.length === 0 ? [`${head}/>`] : [`${head}>`, ...body, '    </testcase>']));
    }
    if (s.err !== undefined && s.err !== '') lines.push(`    <system-err>${text(s.err)}</system-err>`);
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}

/** A failure that could not be written (a full disk): it fails its pair too. */
export interface UnsavedFailure {
  target: string;
  variant: string;
  check: string;
  message: string;
}

/**
 * A fuzz campaign's report: a testcase per pair, failing with each failure file it found (the
 * message's first line as the failure's message, the check as its type, then the message and the
 * file, to replay with `lockstep repro`), and with each failure that could not be saved.
 */
export function campaignJUnit(s: Summary, o: { at: Date; unsaved?: readonly UnsavedFailure[] }): string {
  const cases = s.pairs.map((p): JUnitCase => {
    const files = s.failures.filter((f) => f.target === p.target && f.variant === p.variant);
    const unsaved = (o.unsaved ?? []).filter((f) => f.target === p.target && f.variant === p.variant);
    const texts = [
      ...files.map((f) => `${f.message}\n\ncheck: ${f.check}\nfailure file: ${f.path}\nreplay it: lockstep repro ${f.path}`),
      ...unsaved.map((f) => `${f.message}\n\ncheck: ${f.check}\nNOT SAVED (the file could not be written): printed in full on stderr`),
    ];
    const first = files[0] ?? unsaved[0];
    const found =
      p.firstFailureSeconds === undefined
        ? ''
        : `; first failure after ${p.firstFailureRuns} runs, ${p.firstFailureSeconds.toFixed(1)} s${p.shrunk ? `, shrunk to ${p.shrunk.threads} threads x ${p.shrunk.ops} ops, ${p.shrunk.preemptions} preemptions` : ''}`;
    return {
      classname: 'lockstep.fuzz',
      name: `${p.target}/${p.variant}`,
      ...(first !== undefined ? { failure: { message: firstLine(first.message), type: first.check, text: texts.join('\n\n') } } : {}),
      ...(p.runs === 0 && first === undefined ? { skipped: `got no runs${s.interrupted ? ' before the campaign was stopped' : ''}` } : {}),
      out: `${p.runs} runs${found}`,
    };
  });
  const budget = 'seconds' in s.budget ? `${s.budget.seconds} s` : `${s.budget.runs} runs`;
  const deaths = s.deaths.map((d) => `worker ${d.worker} ${d.kind === 'hang' ? 'hung' : 'crashed'} (${d.how})${d.path ? `: ${d.path}` : ''}`);
  return junitXml([
    {
      name: `lockstep fuzz ${s.campaign}`,
      at: o.at,
      seconds: s.seconds,
      properties: [
        ['campaign', s.campaign],
        ['build', s.build],
        ['strategy', s.strategy],
        ['memoryModel', s.memoryModel],
        ['seed', s.seed],
        ['shard', `${s.shard.index}/${s.shard.count}`],
        ['jobs', s.jobs],
        ['budget', budget],
        ['runs', s.runs],
        ['interleavings', s.interleavings],
        ...(s.interrupted !== undefined ? [['interrupted', s.interrupted] as [string, string]] : []),
      ],
      cases,
      err: [...deaths, ...s.warnings.map((w) => `warning: ${w}`)].join('\n'),
    },
  ]);
}

/**
 * A mutants run's report: a testcase per mutant, failing when a campaign did not catch it,
 * skipped (with the reason) when its memory model cannot show it.
 */
export function mutantsJUnit(rows: readonly MutantRow[], o: { at: Date; seconds: number; seed: number; perMutantSeconds: number }): string {
  const cases = rows.map((r): JUnitCase => {
    const name = `${r.target}/${r.variant}`;
    if (r.reason !== undefined || r.caught === undefined) return { classname: 'lockstep.mutants', name, skipped: `not run under ${r.memoryModel}: ${r.reason ?? 'no reason given'}` };
    const missed = r.repeat - r.caught;
    const caught =
      r.caught === 0
        ? ''
        : `; median ${r.medianSeconds?.toFixed(2)} s, ${r.medianRuns} runs to the first failure; ${r.check}${r.shrunk ? `, shrunk to ${r.shrunk.threads} threads x ${r.shrunk.ops} ops, ${r.shrunk.preemptions} preemptions` : ''}`;
    return {
      classname: 'lockstep.mutants',
      name,
      ...(missed > 0
        ? { failure: { message: `not caught in ${missed} of ${r.repeat} campaign(s) of ${o.perMutantSeconds} s under ${r.memoryModel}`, type: 'not-caught', text: `${name} (${r.memoryModel}): caught in ${r.caught} of ${r.repeat} campaign(s) of ${o.perMutantSeconds} s each` } }
        : {}),
      out: `${r.memoryModel}: caught in ${r.caught} of ${r.repeat}${caught}`,
    };
  });
  return junitXml([{ name: 'lockstep mutants', at: o.at, seconds: o.seconds, properties: [['seed', o.seed], ['time per mutant', `${o.perMutantSeconds} s`]], cases }]);
}

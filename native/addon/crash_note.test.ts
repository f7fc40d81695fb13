/**
 * setCrashNote: a process that dies of a signal prints the note first, so
 * a crash the simulator cannot catch still names the case that caused it;
 * the signal then takes its course (the process dies of it).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

import { defaultAddonPath } from '../index.js';

/** A child that loads the addon, sets `note` (unless null), then runs `then`. */
function child(note: string | null, then: string) {
  const script = `const a = require(process.argv[1]); ${note === null ? '' : `a.setCrashNote(${JSON.stringify(note)});`} ${then}`;
  return spawnSync(process.execPath, ['-e', script, defaultAddonPath()], { encoding: 'utf8', timeout: 20_000 });
}

describe('setCrashNote', () => {
  it.each([
    ['SIGSEGV', 'process.kill(process.pid, "SIGSEGV"); setTimeout(() => {}, 5000);', 11],
    ['SIGABRT', 'process.abort();', 6],
  ])('prints the note when the process dies of %s, which still kills it', (signal, then, number) => {
    const r = child('{"target":"mpmc-queue","threads":[[{"op":"pop"}]]}', then);
    expect(r.signal).toBe(signal);
    expect(r.stderr).toContain(`lockstep: died of signal ${number} while running: {"target":"mpmc-queue","threads":[[{"op":"pop"}]]}\n`);
  });

  it('prints nothing once cleared, and nothing when never set', () => {
    expect(child(null, 'process.kill(process.pid, "SIGSEGV"); setTimeout(() => {}, 5000);').stderr).not.toContain('lockstep: died');
    const cleared = child('x', 'a.setCrashNote(""); process.kill(process.pid, "SIGSEGV"); setTimeout(() => {}, 5000);');
    expect(cleared.signal).toBe('SIGSEGV');
    expect(cleared.stderr).not.toContain('lockstep: died');
  });

  it('a process that does not crash prints nothing', () => {
    const r = child('x', 'process.exit(0);');
    expect([r.status, r.stderr]).toEqual([0, '']);
  });
});

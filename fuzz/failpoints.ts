/**
 * Failpoints: faults injected on purpose, to test that campaigns survive
 * them (fuzz/faults.test.ts). Off unless the environment variable
 * `LOCKSTEP_FAILPOINTS` names some, as a comma-separated list:
 *
 * - `case:SIGNAL:MOD:REM` — a process about to run a case whose scenario
 *   hashes to REM modulo MOD dies by SIGNAL (SIGSEGV, SIGABRT, SIGKILL), or
 *   with `hang` instead of a signal, blocks for ever. A function of the case
 *   alone: replaying the case under the same variable fails the same way.
 * - `write:CODE:N` — every atomic file write after the first N fails with
 *   the error CODE (ENOSPC, EIO, EACCES), as a full disk would.
 *
 * @example
 * LOCKSTEP_FAILPOINTS=case:SIGSEGV:40:3 npx lockstep fuzz --runs 2000
 */
import { hashText } from './seeds.js';

interface CaseFault {
  signal: NodeJS.Signals | 'hang';
  mod: number;
  rem: number;
}
interface WriteFault {
  code: string;
  after: number;
}

const SIGNALS = ['SIGSEGV', 'SIGABRT', 'SIGKILL', 'SIGBUS', 'hang'];
const CODES: Record<string, string> = { ENOSPC: 'no space left on device', EIO: 'i/o error', EACCES: 'permission denied', EDQUOT: 'disk quota exceeded' };

let parsed: { cases: CaseFault[]; writes: WriteFault[] } | undefined;
let writes = 0;

/** The failpoints of this process's environment; throws on a malformed list (a test's mistake). */
function failpoints(): { cases: CaseFault[]; writes: WriteFault[] } {
  if (parsed !== undefined) return parsed;
  parsed = { cases: [], writes: [] };
  const text = process.env['LOCKSTEP_FAILPOINTS'] ?? '';
  for (const item of text.split(',').filter((s) => s.trim() !== '')) {
    const [kind, a, b, c] = item.trim().split(':');
    if (kind === 'case' && SIGNALS.includes(a ?? '') && Number(b) >= 1 && Number(c) >= 0) {
      parsed.cases.push({ signal: a as CaseFault['signal'], mod: Number(b), rem: Number(c) });
    } else if (kind === 'write' && a !== undefined && a in CODES && Number(b) >= 0) {
      parsed.writes.push({ code: a, after: Number(b) });
    } else {
      throw new Error(`LOCKSTEP_FAILPOINTS: cannot read '${item}' (case:SIGNAL:MOD:REM or write:CODE:N)`);
    }
  }
  return parsed;
}

/** Called before a case runs: dies or hangs here if a failpoint names this case. */
export function caseFailpoint(scenario: object): void {
  const { cases } = failpoints();
  if (cases.length === 0) return;
  const h = hashText(JSON.stringify(scenario));
  for (const f of cases) {
    if (h % f.mod !== f.rem) continue;
    if (f.signal === 'hang') for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    process.kill(process.pid, f.signal);
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000); // until the signal lands
  }
}

/** Called before each atomic write: throws the injected error once the failpoint's count is reached. */
export function writeFailpoint(path: string): void {
  const { writes: faults } = failpoints();
  if (faults.length === 0) return;
  writes++;
  for (const f of faults) {
    if (writes > f.after) {
      const e = new Error(`${f.code}: ${CODES[f.code]}, write '${path}' (injected by LOCKSTEP_FAILPOINTS)`) as NodeJS.ErrnoException;
      e.code = f.code;
      throw e;
    }
  }
}

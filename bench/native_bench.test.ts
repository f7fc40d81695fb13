import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { BenchError, runNativeBench } from './native_bench.js';

/** A stand-in for a benchmark loop: a script that prints `lines`, or fails. */
function fakeLoop(lines: readonly object[], exit = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockstep-bench-'));
  const path = join(dir, 'loop.sh');
  writeFileSync(path, `#!/bin/sh\ncat <<'EOF'\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nEOF\nexit ${exit}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('runNativeBench', () => {
  it('reports per workload the median, the spread and the ratio against the best peer', () => {
    const sample = (subject: string, trial: number, ns: number) => ({ workload: '1p1c', subject, trial, ns });
    const binary = fakeLoop([
      sample('lockstep mpmc', 0, 30),
      sample('lockstep mpmc', 1, 10),
      sample('lockstep mpmc', 2, 20),
      sample('peer a', 0, 40),
      sample('peer a', 1, 40),
      sample('peer a', 2, 40),
      sample('peer b', 0, 80),
      { skipped: 'peer c', why: 'libc-dev is not installed' },
    ]);
    const report = runNativeBench('queue', { binary, smoke: true });
    expect(report.rows.map((r) => [r.subject, r.medianNs, r.minNs, r.maxNs, r.vsBestPeer])).toEqual([
      ['lockstep mpmc', 20, 10, 30, 0.5],
      ['peer a', 40, 40, 40, 1],
      ['peer b', 80, 80, 80, 2],
    ]);
    expect(report.table).toContain('| 1p1c | lockstep mpmc | 20.0 | 10.0..30.0 | 0.50 (peer a) |');
    expect(report.table).toContain('skipped peer c: libc-dev is not installed');
    expect(report.files).toEqual([]); // a smoke run writes nothing
  });

  it('a loop that fails is a BenchError with what it printed', () => {
    expect(() => runNativeBench('queue', { binary: fakeLoop([], 1), smoke: true })).toThrow(BenchError);
  });
});

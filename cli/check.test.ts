/**
 * `lockstep check` never contradicts itself (issue 18, defect 5): the
 * monitor and the generic checker agree, or it is a lockstep bug (exit 3),
 * never two verdicts; and its input mistakes name the field (defect 16).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { runCli, tempDir } from './spawn_cli.js';

const file = (content: string) => {
  const path = join(tempDir(), 'history.json');
  writeFileSync(path, content);
  return path;
};

describe('lockstep check', () => {
  it('a refused push: both checkers say not linearizable, exit 1', () => {
    const r = runCli(['check', file('{"format":1,"operations":[{"thread":0,"op":"push","arg":1,"call":0,"return":1,"result":false}]}'), '--model', 'queue']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/queue monitor: not linearizable: the push of 1 was refused/);
    expect(r.stdout).toMatch(/generic checker: not linearizable/);
  });

  it('reads a file with a UTF-8 byte order mark', () => {
    const r = runCli(['check', file('\uFEFF{"format":1,"operations":[{"thread":0,"op":"push","arg":1,"call":0,"return":1,"result":true}]}'), '--model', 'queue']);
    expect([r.status, r.stdout]).toEqual([0, expect.stringMatching(/1 operations, queue monitor: linearizable/)]);
  });

  it.each<[string, RegExp]>([
    ['{"format":1,"operations":[{"thread":-1,"op":"push","arg":1,"call":0,"return":1,"result":true}]}', /history.operations\[0\].thread must be 0 or more, got -1/],
    ['{"format":1,"operations":[{"thread":0,"op":"enqueue","arg":1,"call":0,"return":1,"result":true}]}', /operations\[0\] \(enqueue\) is not one of push, pop, steal/],
  ])('%s: exit 2, naming the field', (content, message) => {
    const r = runCli(['check', file(content), '--model', 'queue']);
    expect([r.status, r.stderr.trim().split('\n').length]).toEqual([2, 1]);
    expect(r.stderr).toMatch(message);
  });
});

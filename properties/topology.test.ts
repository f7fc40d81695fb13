/**
 * Topology over random synthetic machines (sysfs trees written to a temp
 * folder): CPU lists round-trip; the nodes, CPUs and distances read back
 * are the machine's, every CPU in exactly one node; the steal victim order
 * tries same-node workers first, then by distance, ties by index; bad
 * sysfs contents are an Error naming the file, never a crash. Pinning is
 * checked on this machine against /proc's own account of the thread, and
 * memory binding against get_mempolicy's account of a touched page. The
 * checks are shown to fail on wrong answers (a victim order by index, one
 * by distance alone; a formatter that drops a CPU).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

import { addon } from '../native/index.js';
import { runOptions } from './_internals/run_options.js';

const a = addon();
const scratch = mkdtempSync(join(tmpdir(), 'lockstep-sysfs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let trees = 0;

interface Machine {
  nodes: { id: number; cpus: number[]; distances: number[] }[];
}

/** 1 to 4 nodes with ids in 0..7, 1 to 16 CPUs with ids in 0..63 spread over them (a node may have none), distances 10..40. */
const machine: fc.Arbitrary<Machine> = fc
  .record({
    ids: fc.uniqueArray(fc.integer({ min: 0, max: 7 }), { minLength: 1, maxLength: 4 }),
    cpus: fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { minLength: 1, maxLength: 16 }),
    owners: fc.array(fc.nat(), { minLength: 16, maxLength: 16 }),
    distances: fc.array(fc.integer({ min: 10, max: 40 }), { minLength: 16, maxLength: 16 }),
  })
  .map(({ ids, cpus, owners, distances }) => {
    const sorted = [...ids].sort((p, q) => p - q);
    return {
      nodes: sorted.map((id, n) => ({
        id,
        cpus: cpus.filter((_, i) => owners[i]! % sorted.length === n).sort((p, q) => p - q),
        distances: sorted.map((_, m) => (m === n ? 10 : distances[n * 4 + m]!)),
      })),
    };
  });

/** Ranges where CPUs are consecutive, else single ids, in a random order: what any kernel's list may look like. */
function listText(cpus: number[], shuffle: number): string {
  const items: string[] = [];
  for (let i = 0; i < cpus.length; ) {
    let j = i;
    while (j + 1 < cpus.length && cpus[j + 1] === cpus[j]! + 1) j++;
    items.push(j > i && shuffle % 2 === 0 ? `${cpus[i]}-${cpus[j]}` : cpus.slice(i, j + 1).join(','));
    i = j + 1;
  }
  if (shuffle % 3 === 0) items.reverse();
  return items.join(',') + '\n';
}

/** Writes `m` as a sysfs tree; `change` may then break it. Returns the root. */
function writeTree(m: Machine, shuffle = 0, change?: (nodeDir: string) => void): string {
  const root = join(scratch, `m${trees++}`);
  const nodeDir = join(root, 'devices/system/node');
  mkdirSync(nodeDir, { recursive: true });
  writeFileSync(join(nodeDir, 'online'), m.nodes.map((n) => n.id).join(',') + '\n');
  for (const node of m.nodes) {
    const dir = join(nodeDir, `node${node.id}`);
    mkdirSync(dir);
    writeFileSync(join(dir, 'cpulist'), listText(node.cpus, shuffle));
    writeFileSync(join(dir, 'distance'), node.distances.join(' ') + '\n');
  }
  change?.(nodeDir);
  return root;
}

describe('CPU lists', () => {
  it('parse(format(cpus)) is the set of cpus, and format writes the fewest ranges', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 16383 }), { maxLength: 40 }), (cpus) => {
        const text = a.formatCpuList(cpus);
        const set = [...new Set(cpus)].sort((p, q) => p - q);
        expect(a.parseCpuList(text)).toEqual(set);
        const items = text === '' ? [] : text.split(',').map((item) => item.split('-').map(Number));
        for (let i = 1; i < items.length; i++) expect(items[i]![0]!, text).toBeGreaterThan(items[i - 1]!.at(-1)! + 1);
      }),
      runOptions(500),
    );
  });

  it('any list, ranges overlapping and out of order, parses to the union', () => {
    const range = fc.tuple(fc.integer({ min: 0, max: 200 }), fc.nat({ max: 5 }));
    fc.assert(
      fc.property(fc.array(range, { minLength: 1, maxLength: 8 }), fc.boolean(), (ranges, newline) => {
        const text = ranges.map(([first, n]) => (n === 0 ? `${first}` : `${first}-${first + n}`)).join(',') + (newline ? '\n' : '');
        const union = new Set(ranges.flatMap(([first, n]) => Array.from({ length: n + 1 }, (_, k) => first + k)));
        expect(a.parseCpuList(text)).toEqual([...union].sort((p, q) => p - q));
      }),
      runOptions(300),
    );
  });

  it('the round trip catches a formatter that drops a CPU', () => {
    const dropsLast = (cpus: number[]) => a.formatCpuList(cpus.slice(0, -1));
    const r = fc.check(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 5 }), (cpus) => {
        expect(a.parseCpuList(dropsLast(cpus))).toEqual([...cpus].sort((p, q) => p - q));
      }),
      { seed: 42 },
    );
    expect(r.failed).toBe(true);
  });
});

describe('synthetic machines', () => {
  it('read back exactly: nodes, CPUs, distances; every CPU in exactly one node', () => {
    fc.assert(
      fc.property(machine, fc.nat(), (m, shuffle) => {
        const t = a.topology({ root: writeTree(m, shuffle) });
        expect(t.nodes.map((n) => ({ id: n.id, cpus: n.cpus, distances: n.distances }))).toEqual(m.nodes);
        const all = t.nodes.flatMap((n) => n.cpus);
        expect(new Set(all).size).toBe(all.length);
        expect(t.cpus).toBe(all.length);
        for (const n of t.nodes) expect(a.parseCpuList(n.cpuList)).toEqual(n.cpus);
      }),
      runOptions(100),
    );
  });

  it('a kernel without NUMA: one node of the online CPUs', () => {
    const root = join(scratch, 'flat');
    mkdirSync(join(root, 'devices/system/cpu'), { recursive: true });
    writeFileSync(join(root, 'devices/system/cpu/online'), '0-3,6\n');
    expect(a.topology({ root }).nodes).toEqual([{ id: 0, cpus: [0, 1, 2, 3, 6], cpuList: '0-3,6', distances: [10] }]);
  });
});

/** What is wrong with `order` as worker `self`'s victim order on machine `m`, or null (an oracle apart from the C++). */
function victimOrderProblem(m: Machine, workerCpus: number[], self: number, order: number[]): string | null {
  const others = workerCpus.map((_, w) => w).filter((w) => w !== self);
  if (JSON.stringify([...order].sort((p, q) => p - q)) !== JSON.stringify(others)) return `not each other worker once: ${order}`;
  const nodeOf = (cpu: number) => m.nodes.findIndex((n) => n.cpus.includes(cpu));
  const home = nodeOf(workerCpus[self]!);
  const rank = (w: number) => {
    const node = nodeOf(workerCpus[w]!);
    if (home < 0 || node < 0) return Infinity;
    return node === home ? -1 : m.nodes[home]!.distances[node]!;
  };
  for (let i = 1; i < order.length; i++) {
    const [p, q] = [order[i - 1]!, order[i]!];
    if (rank(p) > rank(q)) return `worker ${q} (rank ${rank(q)}) after worker ${p} (rank ${rank(p)})`;
    if (rank(p) === rank(q) && p > q) return `tie between workers ${p} and ${q} not broken by index`;
  }
  return null;
}

const stealing = machine.chain((m) => {
  const cpus = m.nodes.flatMap((n) => n.cpus);
  const cpu = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...cpus) }, { weight: 1, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.constant(100) });
  return fc.record({ m: fc.constant(m), workerCpus: fc.array(cpu, { minLength: 1, maxLength: 8 }), pick: fc.nat() });
});

describe('the steal victim order', () => {
  it('same node first, then by distance, ties by index; unpinned or unknown CPUs last', () => {
    fc.assert(
      fc.property(stealing, ({ m, workerCpus, pick }) => {
        const self = pick % workerCpus.length;
        const order = a.victimOrder(workerCpus, self, { root: writeTree(m) });
        expect(victimOrderProblem(m, workerCpus, self, order)).toBeNull();
      }),
      runOptions(100),
    );
  });

  it.each([
    ['by index', (_m: Machine, cpus: number[], self: number) => cpus.map((_, w) => w).filter((w) => w !== self)],
    [
      'by distance alone (a same-node worker is not ahead of a node at distance 10)',
      (m: Machine, cpus: number[], self: number) => {
        const nodeOf = (cpu: number) => m.nodes.findIndex((n) => n.cpus.includes(cpu));
        const d = (w: number) => (nodeOf(cpus[self]!) < 0 || nodeOf(cpus[w]!) < 0 ? Infinity : m.nodes[nodeOf(cpus[self]!)]!.distances[nodeOf(cpus[w]!)]!);
        return cpus.map((_, w) => w).filter((w) => w !== self).sort((p, q) => d(p) - d(q) || p - q);
      },
    ],
  ])('the check catches a victim order %s', (_, wrong) => {
    // A fixed seed: the distance-alone order differs only where another node is at distance 10.
    const r = fc.check(
      fc.property(stealing, ({ m, workerCpus, pick }) => victimOrderProblem(m, workerCpus, pick % workerCpus.length, wrong(m, workerCpus, pick % workerCpus.length)) === null),
      { seed: 42, numRuns: 5000 },
    );
    expect(r.failed, `not caught in ${r.numRuns} runs`).toBe(true);
  });
});

describe('bad sysfs contents: an Error naming the file', () => {
  const two: Machine = {
    nodes: [
      { id: 0, cpus: [0, 1], distances: [10, 20] },
      { id: 1, cpus: [2, 3], distances: [20, 10] },
    ],
  };
  it.each<[string, (dir: string) => void, RegExp]>([
    ['a missing cpulist', (dir) => rmSync(join(dir, 'node1/cpulist')), /node1\/cpulist: missing or unreadable/],
    ['a garbage cpulist', (dir) => writeFileSync(join(dir, 'node0/cpulist'), 'zero-one\n'), /node0\/cpulist: not a CPU list \('zero' is not a CPU number\)/],
    ['a backwards range', (dir) => writeFileSync(join(dir, 'node0/cpulist'), '3-1\n'), /node0\/cpulist: not a CPU list \(the range '3-1' runs backwards\)/],
    ['a CPU too large', (dir) => writeFileSync(join(dir, 'node0/cpulist'), '0-99999\n'), /node0\/cpulist: not a CPU list \(CPU 99999 is not below 16384\)/],
    ['a CPU in two nodes', (dir) => writeFileSync(join(dir, 'node1/cpulist'), '1-3\n'), /CPU 1 is in node 0 and node 1/],
    ['a missing distance', (dir) => rmSync(join(dir, 'node0/distance')), /node0\/distance: missing or unreadable/],
    ['too few distances', (dir) => writeFileSync(join(dir, 'node1/distance'), '20\n'), /node1\/distance: 1 distance\(s\) for 2 node\(s\)/],
    ['a garbage distance', (dir) => writeFileSync(join(dir, 'node1/distance'), '20 ten\n'), /node1\/distance: 'ten' is not a positive distance/],
    ['a zero distance', (dir) => writeFileSync(join(dir, 'node1/distance'), '0 10\n'), /'0' is not a positive distance/],
    ['no node folder at all', (dir) => ['node0', 'node1'].forEach((n) => rmSync(join(dir, n), { recursive: true })), /no nodeN folder/],
  ])('%s', (_, change, message) => {
    const root = writeTree(two, 0, change);
    for (const call of [() => a.topology({ root }), () => a.victimOrder([0, 2], 0, { root })]) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).constructor).toBe(Error);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('a root with neither nodes nor online CPUs', () => {
    expect(() => a.topology({ root: join(scratch, 'nothing-here') })).toThrow(/no NUMA nodes .* and no online CPUs/);
  });
});

describe('pinning, on this machine', () => {
  /** The calling thread's allowed CPUs as the kernel reports them in /proc, apart from sched_getaffinity. */
  const procAllowed = () => a.parseCpuList(/Cpus_allowed_list:\s*(\S*)/.exec(readFileSync('/proc/thread-self/status', 'utf8'))![1]!);

  it('pins the thread to each CPU it may use and back; /proc agrees', () => {
    const before = a.threadAffinity();
    expect(procAllowed()).toEqual(before);
    for (const cpu of before) {
      expect(a.pinThread([cpu])).toEqual(before);
      expect(a.threadAffinity()).toEqual([cpu]);
      expect(procAllowed()).toEqual([cpu]);
      a.pinThread(before);
    }
    expect(a.threadAffinity()).toEqual(before);
  });

  it('pins to a node: its CPUs', () => {
    const before = a.threadAffinity();
    const node = a.topology().nodes.find((n) => n.cpus.some((c) => before.includes(c)))!;
    a.pinThread(node.cpus);
    expect(a.threadAffinity()).toEqual(node.cpus.filter((c) => before.includes(c)));
    a.pinThread(before);
  });

  it('memory bound to a node comes from it (or it says why binding is not available)', () => {
    const m = a.memoryBinding();
    const node = a.topology().nodes.find((n) => n.cpus.includes(a.threadAffinity()[0]!))!;
    expect(m.node).toBe(node.id);
    if (m.bound) expect(m.pageNode).toBe(m.node);
    else expect(m.detail).toMatch(/^mbind: /);
  });

  it('a CPU that is not there is an Error, and the affinity is unchanged', () => {
    const before = a.threadAffinity();
    expect(() => a.pinThread([1000])).toThrow(/^pinThread: cannot pin to 1000: sched_setaffinity: Invalid argument$/);
    expect(() => a.pinThread([5000])).toThrow(/CPU 5000 is not between 0 and 1023/);
    expect(a.threadAffinity()).toEqual(before);
  });
});

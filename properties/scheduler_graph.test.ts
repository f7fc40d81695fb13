/**
 * The work-stealing scheduler on real threads, driven from JavaScript:
 * fast-check generates task graphs (random DAGs, fork-join trees), the
 * addon runs each on a ThreadPool of the production build (1 to 3 workers,
 * a small injection queue so that back-pressure happens), and every task
 * must run exactly once, after all its prerequisites, with nothing dropped
 * or lost. The double-decrement mutant fails the same property. Malformed
 * graphs are clear errors. (Under `npm run test:addon-asan` the same runs
 * go through ASan and UBSan.)
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { addon, type TaskGraph } from '../native/index.js';
import { runOptions } from './_internals/run_options.js';
import { checkGraphRun, dagArbitrary, forkJoinArbitrary } from './scheduler_graph.js';

const a = addon();

function graphProperty(graphs: fc.Arbitrary<TaskGraph>, variant = 'correct', timeoutMs = 10_000) {
  return fc.property(graphs, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 8 }), (graph, workers, injectionCapacity) => {
    const broken = checkGraphRun(graph, a.schedulerRunGraph(graph, { workers, injectionCapacity, variant, timeoutMs }));
    if (broken !== null) throw new Error(broken);
  });
}

describe('schedulerRunGraph: task graphs on real threads', () => {
  it.each([
    ['random DAGs', dagArbitrary()],
    ['fork-join trees', forkJoinArbitrary()],
  ] as const)('%s: every task exactly once, after its prerequisites, nothing lost', (_, graphs) => {
    fc.assert(graphProperty(graphs), runOptions(150));
  });

  it('double-decrement (a completing task counts its first successor down twice): caught, shrunk', () => {
    // A lost task shows as a timeout; a task run early as a broken edge.
    const result = fc.check(graphProperty(dagArbitrary(), 'double-decrement', 200), { numRuns: 200, seed: 20261130 });
    expect(result.failed).toBe(true);
    expect(String(result.errorInstance)).toMatch(/timed out|before its prerequisite/);
    process.stdout.write(`double-decrement: ${String(result.errorInstance).split('\n')[0]} — counterexample ${fc.stringify(result.counterexample)}\n`);
  });

  it('the check itself fails on a run that breaks an edge, runs a task twice or loses one', () => {
    const graph: TaskGraph = { tasks: 2, edges: [[0, 1]] };
    const good = a.schedulerRunGraph(graph);
    expect(checkGraphRun(graph, good)).toBeNull();
    expect(checkGraphRun(graph, { ...good, started: Uint32Array.from([2, 0]), finished: Uint32Array.from([3, 1]) })).toMatch(/task 1 started .* before its prerequisite, task 0/);
    expect(checkGraphRun(graph, { ...good, runs: Uint32Array.from([1, 2]) })).toMatch(/task 1 ran 2 times/);
    expect(checkGraphRun(graph, { ...good, ran: 1, outstanding: 1 })).toMatch(/lost 1/);
  });

  it('every task runs although the injection queue holds one at a time (back-pressure)', () => {
    const tasks = 2000;
    const run = a.schedulerRunGraph({ tasks, work: Array.from({ length: tasks }, () => 200) }, { workers: 3, injectionCapacity: 1 });
    expect(checkGraphRun({ tasks }, run)).toBeNull();
    // Which worker ran what depends on the OS's scheduling (on a loaded machine one may run all): reported, not asserted.
    const perWorker = [0, 1, 2].map((w) => run.worker.filter((x) => x === w).length);
    process.stdout.write(`back-pressure: ${tasks} tasks in ${run.ms.toFixed(1)} ms, per worker ${perWorker.join(' / ')}\n`);
  });

  it('malformed graphs and options are clear errors', () => {
    const fn = (graph: unknown, options?: unknown) => () => a.schedulerRunGraph(graph as TaskGraph, options as undefined);
    expect(fn([1])).toThrow(TypeError);
    expect(fn({ tasks: 0 })).toThrow(/schedulerRunGraph: graph.tasks must be from 1 to 1048576, got 0/);
    expect(fn({ tasks: 1.5 })).toThrow(/schedulerRunGraph: graph.tasks must be an integer, got 1.5/);
    expect(fn({ tasks: 2, colour: 1 })).toThrow(/graph has an unknown field 'colour'/);
    expect(fn({ tasks: 2, edges: [[0, 2]] })).toThrow(/graph.edges\[0\]\[1\] must be from 0 to 1, got 2/);
    expect(fn({ tasks: 2, edges: [[0]] })).toThrow(/graph.edges\[0\] must be a pair/);
    expect(fn({ tasks: 2, edges: [[1, 1]] })).toThrow(/graph.edges\[0\] makes task 1 wait for itself/);
    expect(fn({ tasks: 3, edges: [[0, 1], [1, 2], [2, 0]] })).toThrow(/graph.edges make a cycle/);
    expect(fn({ tasks: 6, edges: [[0, 1], [0, 2], [0, 3], [0, 4], [0, 5]] })).toThrow(/gives task 0 more than 4 successors/);
    expect(fn({ tasks: 2, work: [1] })).toThrow(/graph.work must have one entry per task \(2\), got 1/);
    expect(fn({ tasks: 1, work: [-1] })).toThrow(/graph.work\[0\] must be from 0 to 1000000/);
    expect(fn({ tasks: 1 }, { workers: 0 })).toThrow(/schedulerRunGraph: option workers must be an integer from 1 to 64/);
    expect(fn({ tasks: 1 }, { variant: 'fast' })).toThrow(/option variant must be one of correct, park-without-recheck/);
    expect(fn({ tasks: 1 }, { speed: 1 })).toThrow(/unknown option 'speed'/);
  });
});

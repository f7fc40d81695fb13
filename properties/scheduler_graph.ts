/**
 * Task graphs for the scheduler on real threads (schedulerRunGraph):
 * fast-check arbitraries for random DAGs and fork-join trees, and the check
 * of a run: every task ran exactly once, every edge [a, b] held (a finished
 * before b started, by the run's one shared clock), nothing dropped, nothing
 * lost, no timeout.
 *
 * @example
 * fc.assert(fc.property(dagArbitrary(), (g) => checkGraphRun(g, addon().schedulerRunGraph(g)) === null));
 */
import fc from 'fast-check';

import type { GraphRun, TaskGraph } from '../native/index.js';

/** The scheduler's limit on one task's successors. */
export const MAX_SUCCESSORS = 4;

/**
 * DAGs of 1 to `maxTasks` tasks: each task waits for up to 3 earlier ones
 * (fewer where an earlier one has its 4 successors already), random work
 * per task, and the tasks renumbered at random so that index order is not
 * an order the graph allows.
 */
export function dagArbitrary(maxTasks = 200): fc.Arbitrary<TaskGraph> {
  return fc.integer({ min: 1, max: maxTasks }).chain((tasks) =>
    fc
      .record({
        prerequisites: fc.array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: tasks, maxLength: tasks }),
        work: fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: tasks, maxLength: tasks }),
        keys: fc.array(fc.nat(), { minLength: tasks, maxLength: tasks }),
      })
      .map(({ prerequisites, work, keys }) => {
        const successors = new Array<number>(tasks).fill(0);
        const edges: [number, number][] = [];
        prerequisites.forEach((picks, j) => {
          for (const p of j === 0 ? [] : picks) {
            const i = p % j;
            if (successors[i]! >= MAX_SUCCESSORS || edges.some(([a, b]) => a === i && b === j)) continue;
            successors[i]!++;
            edges.push([i, j]);
          }
        });
        return renumber({ tasks, edges, work }, keys);
      }),
  );
}

/**
 * Fork-join trees: a task forks 0 to 3 children (each a tree), and a join
 * waits for every child's last task; up to `maxTasks` tasks.
 */
export function forkJoinArbitrary(maxTasks = 200): fc.Arbitrary<TaskGraph> {
  return fc.record({ fans: fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 120 }), keys: fc.array(fc.nat(), { maxLength: maxTasks }) }).map(({ fans, keys }) => {
    const edges: [number, number][] = [];
    let tasks = 0;
    let next = 0;
    // Builds a tree under a new task; returns its last task (the join, or the task itself).
    const tree = (depth: number): number => {
      const root = tasks++;
      const fan = depth < 4 && tasks + 8 < maxTasks ? (fans[next++ % fans.length] ?? 0) : 0;
      if (fan === 0) return root;
      const exits = Array.from({ length: fan }, () => {
        const child = tasks;
        edges.push([root, child]);
        return tree(depth + 1);
      });
      const join = tasks++;
      for (const e of exits) edges.push([e, join]);
      return join;
    };
    tree(0);
    const work = Array.from({ length: tasks }, (_, i) => (i * 37) % 500);
    return renumber({ tasks, edges, work }, keys);
  });
}

/** The same graph with task i renamed to its rank by keys[i] (ties by index). */
function renumber(graph: { tasks: number; edges: [number, number][]; work: number[] }, keys: readonly number[]): TaskGraph {
  const order = Array.from({ length: graph.tasks }, (_, i) => i).sort((x, y) => (keys[x] ?? 0) - (keys[y] ?? 0) || x - y);
  const name = new Array<number>(graph.tasks);
  order.forEach((task, rank) => (name[task] = rank));
  const work = new Array<number>(graph.tasks);
  graph.work.forEach((w, i) => (work[name[i]!] = w));
  return { tasks: graph.tasks, edges: graph.edges.map(([a, b]) => [name[a]!, name[b]!] as const), work };
}

/** What is wrong with a run of `graph`, or null. */
export function checkGraphRun(graph: TaskGraph, run: GraphRun): string | null {
  if (run.timedOut) return `timed out after ${Math.round(run.ms)} ms: ran ${run.ran} of ${graph.tasks}, dropped ${run.dropped}, lost ${run.outstanding}`;
  for (let i = 0; i < graph.tasks; i++) {
    if (run.runs[i] !== 1) return `task ${i} ran ${run.runs[i]} times`;
  }
  for (const [a, b] of graph.edges ?? []) {
    if (!(run.finished[a]! < run.started[b]!)) return `task ${b} started (clock ${run.started[b]}) before its prerequisite, task ${a}, finished (clock ${run.finished[a]})`;
  }
  if (run.ran !== graph.tasks || run.dropped !== 0 || run.outstanding !== 0) return `ran ${run.ran} of ${graph.tasks}, dropped ${run.dropped}, lost ${run.outstanding}`;
  return null;
}

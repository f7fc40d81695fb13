/**
 * `lockstep topology`: what the engine sees of this machine — NUMA nodes,
 * their CPUs and distances (from sysfs, or the `--root` of a synthetic
 * tree) and the CPUs this process may run on — as a table, or as JSON.
 *
 * @example
 * process.stdout.write(renderTopology(addon().topology(), addon().threadAffinity()));
 */
import type { Topology } from '../native/index.js';
import { table } from './render.js';

export function renderTopology(t: Topology, affinity: number[], list: (cpus: number[]) => string, binding: { bound: boolean; detail: string }): string {
  const rows = t.nodes.map((n) => [String(n.id), n.cpuList === '' ? '(none: memory only)' : n.cpuList, n.distances.join(' ')]);
  return [
    `NUMA topology from ${t.source}: ${t.nodes.length} node(s), ${t.cpus} CPU(s)`,
    '',
    table(['node', 'CPUs', 'distances'], rows),
    '',
    `this process may run on CPUs ${list(affinity)}`,
    binding.bound ? `memory binding: works (${binding.detail})` : `memory binding: not available (${binding.detail}); memory stays where the kernel puts it`,
    '',
  ].join('\n');
}

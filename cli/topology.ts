/** `lockstep topology`: the NUMA nodes, CPUs and distances the engine sees here. */
import { renderTopology } from '../fuzz/topology_report.js';
import { addon } from '../native/index.js';
import type { Command } from './command.js';
import { EXIT, exitCodes, parse, UsageError } from './flags.js';
import { jsonOutput } from './schemas.js';

export const topology: Command = {
  name: 'topology',
  summary: 'the NUMA nodes, CPUs and distances the engine sees here',
  help: () => `lockstep topology [flags]: the NUMA nodes, their CPUs and distances,
the CPUs this process may run on, and whether memory binds to a node here

  --root DIR   read this sysfs tree instead of the machine's  [/sys]
  --json       print { schema, topology, affinity, memoryBinding } as JSON
               (schemas/topology.schema.json)

${exitCodes({ ok: 'printed', usage: 'a bad flag; the tree is missing or malformed (the message names the file)' })}`,
  run: (args) => {
    const { values: v } = parse('topology', args, { root: { type: 'string' }, json: { type: 'boolean' } });
    if (v.help) return process.stdout.write(topology.help()), EXIT.ok;
    const a = addon();
    let t;
    try {
      t = a.topology(v.root === undefined ? {} : { root: v.root });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const affinity = a.threadAffinity();
    const memoryBinding = a.memoryBinding();
    if (v.json) return process.stdout.write(jsonOutput('topology', { topology: t, affinity, memoryBinding })), EXIT.ok;
    process.stdout.write(renderTopology(t, affinity, (cpus) => a.formatCpuList(cpus), memoryBinding));
    return EXIT.ok;
  },
};

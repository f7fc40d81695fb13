/** `lockstep list`: the targets the simulator runs, their ops, roles, setup and variants. */
import { addon } from '../native/index.js';
import type { Command } from './command.js';
import { SPECS } from '../properties/_internals/specs.js';
import { EXIT, exitCodes, loadPluginFlags, parse, PLUGIN_FLAG, PLUGIN_HELP } from './flags.js';
import { jsonOutput } from './schemas.js';

export const list: Command = {
  name: 'list',
  summary: 'the targets, their ops, roles and variants',
  help: () => `lockstep list [--json]: the targets the simulator runs, their ops, roles,
setup parameters and variants (seeded bugs).

  --json                print them as JSON (schemas/list.schema.json)
${PLUGIN_HELP}

${exitCodes({ ok: 'listed', usage: 'a bad flag, or no addon build' })}`,
  run: async (args) => {
    const { values: v } = parse('list', args, { json: { type: 'boolean' }, ...PLUGIN_FLAG });
    if (v.help) return process.stdout.write(list.help()), EXIT.ok;
    await loadPluginFlags('list', v.plugin);
    const targets = addon().listTargets();
    const out = (s: string) => process.stdout.write(s);
    if (v.json) return out(jsonOutput('list', { targets })), EXIT.ok;
    for (const t of targets) {
      out(`${t.name}: ${t.description}\n`);
      if (t.plugin !== undefined) out(`  plugin:   ${t.plugin}${t.name in SPECS ? '' : ' (no TypeScript half loaded: listed and replayed, not generated)'}\n`);
      out(`  roles:    ${t.roles.map((r) => `${r.name}${r.maxThreads ? ` (at most ${r.maxThreads})` : ''}`).join(', ')}\n`);
      out(`  ops:      ${t.ops.map((o) => `${o.name}${o.takesArg ? '(arg)' : ''} [${o.roles.join('/')}]`).join(', ')}\n`);
      if (t.setup.length) out(`  setup:    ${t.setup.map((p) => `${p.name}=${p.default} (${p.min}..${p.max})`).join(', ')}\n`);
      out(`  variants: ${t.variants.map((x) => x.name).join(', ')}\n`);
      for (const x of t.variants.slice(1)) out(`    ${x.name}: ${x.description}\n`);
      out('\n');
    }
    return EXIT.ok;
  },
};

/**
 * The child process `lockstep repro` replays a crash or hang in: runs one
 * scenario (argv[2], JSON; argv[3]: the --plugin files its target needs)
 * and exits 0 when the run ends. A scenario the
 * addon refuses exits 2 with `invalid scenario: <why>` on stderr; a crash
 * or hang is the parent's to see. Failpoints apply (fuzz/failpoints.ts), as
 * in the worker that recorded the case.
 */
import { addon, type Scenario } from '../native/index.js';
import { caseFailpoint } from './failpoints.js';
import { importPlugins } from './plugin_modules.js';

const scenario = JSON.parse(process.argv[2]!) as Scenario;
await importPlugins(JSON.parse(process.argv[3] ?? '[]') as string[]);
const a = addon();
caseFailpoint(scenario);
try {
  a.runScenario(scenario);
} catch (e) {
  if (e instanceof TypeError || e instanceof RangeError) {
    process.stderr.write(`invalid scenario: ${e.message}\n`);
    process.exit(2);
  }
  throw e;
}

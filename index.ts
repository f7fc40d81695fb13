/**
 * lockstep's public API: `import { ... } from 'lockstep'`. Everything here
 * is documented where it is declared (TSDoc, each with an example) and
 * listed in docs/api.md; everything else in the package is internal and may
 * change. The vitest helper is the other entry point, `lockstep/vitest`.
 *
 * @example
 * import { runScenario, historyOfRun, checkLinearizability, boundedQueueModel } from 'lockstep';
 *
 * const run = runScenario({ target: 'mpmc-queue', setup: { capacity: 2 }, threads: [[{ op: 'push', arg: 1 }], [{ op: 'pop' }]], schedule: { kind: 'random', seed: 7 } });
 * checkLinearizability(boundedQueueModel({ capacity: 2 }), historyOfRun(run)).kind; // 'ok'
 */

// Running a scenario in the simulator.
export { AddonLoadError, listTargets, runScenario } from './native/index.js';
export type {
  ExhaustiveResult,
  HistoryEntry,
  MemoryModel,
  Outcome as RunOutcome,
  RunResult,
  Scenario,
  ScenarioCall,
  Schedule,
  TargetInfo,
  TraceEntry,
} from './native/index.js';

// Generating scenarios and schedules; judging and reporting runs.
export { caseArbitrary, report, simulationProperty, verdictOf } from './properties/scenarios.js';
export type { Broken, Case, Check, ScenarioConstraints } from './properties/scenarios.js';
export { historyOfRun } from './properties/run_history.js';

// A target's TypeScript half.
export { defineTarget, specProblem } from './properties/target_spec.js';
export { loadedPlugins, loadPlugin, pluginOf, PluginError } from './properties/plugins.js';
export type { Plugin } from './properties/plugins.js';
export type { TargetSpec, VariantNeeds } from './properties/target_spec.js';

// Histories and the checkers.
export { parseHistory } from './models/history.js';
export type { History, Operation } from './models/history.js';
export { checkLinearizability } from './models/linearizability.js';
export type { CheckOptions, Verdict } from './models/linearizability.js';
export { checkConservation } from './models/conservation.js';
export type { ConservationSpec } from './models/conservation.js';
export { checkHistory, CheckerDisagreement, COLLECTION_MONITORS } from './models/collection_monitors.js';
export type { CheckHistoryConstraints, CollectionMonitor, HistoryCheck, MonitorName } from './models/collection_monitors.js';
export { columnsFromHistory } from './models/stress_history.js';
export type { ColumnHistory, MonitorVerdict } from './models/stress_history.js';

// Models: plain objects with a pure step (Porcupine-style), and the built-in ones.
export { describeCall, describeOutput } from './models/model.js';
export type { Input, Json, Model, Outcome, Relaxation } from './models/model.js';
export { arenaModel } from './models/arena.js';
export type { ArenaModelConstraints } from './models/arena.js';
export { blockPoolModel } from './models/block_pool.js';
export type { BlockPoolModelConstraints } from './models/block_pool.js';
export { boundedQueueModel } from './models/bounded_queue.js';
export type { BoundedQueueModelConstraints } from './models/bounded_queue.js';
export { boundedStackModel } from './models/bounded_stack.js';
export type { BoundedStackModelConstraints } from './models/bounded_stack.js';
export { dequeModel } from './models/deque.js';
export type { DequeModelConstraints } from './models/deque.js';
export { keyValueModel } from './models/key_value.js';
export { mpscQueueModel } from './models/mpsc_queue.js';
export type { MpscQueueModelConstraints } from './models/mpsc_queue.js';
export { registerModel } from './models/register.js';
export type { RegisterModelConstraints } from './models/register.js';
export { schedulerModel } from './models/scheduler.js';
export { arcModel } from './models/arc.js';
export { setModel } from './models/set.js';

// Failure files, their rendering, replaying them; campaigns.
export { FailureFileError, failureName, readFailure, writeFailure } from './fuzz/failure_file.js';
export type { FailureFile } from './fuzz/failure_file.js';
export { renderFailure } from './fuzz/render.js';
export { renderHtml } from './fuzz/html.js';
export { repro } from './fuzz/repro.js';
export type { ReproOptions, ReproResult } from './fuzz/repro.js';
export { runCampaign } from './fuzz/campaign.js';
export type { CampaignOptions, Summary } from './fuzz/campaign.js';
export type { Strategy } from './fuzz/cases.js';

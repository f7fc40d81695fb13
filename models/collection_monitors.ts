/**
 * The collection monitors by name, each with the model of the spec it
 * decides (for the generic checker) and what it checks: what `lockstep
 * check --model` and stress mode choose from.
 *
 * @example
 * COLLECTION_MONITORS.queue.check(columnsFromHistory(history)); // { kind: 'ok' }
 */
import { checkDequeHistory, dequeMonitorModel } from './deque_monitor.js';
import type { Model } from './model.js';
import { checkMultisetHistory, multisetMonitorModel } from './multiset_monitor.js';
import { checkQueueHistory, queueMonitorModel } from './queue_monitor.js';
import { checkStackHistory, stackMonitorModel } from './stack_monitor.js';
import type { ColumnHistory, MonitorVerdict } from './stress_history.js';

export interface CollectionMonitor {
  check(h: ColumnHistory): MonitorVerdict;
  model(): Model<readonly number[]>;
  /** What it checks, in a few words. */
  checks: string;
}

export const COLLECTION_MONITORS = {
  queue: { check: checkQueueHistory, model: queueMonitorModel, checks: 'FIFO queue' },
  stack: { check: checkStackHistory, model: stackMonitorModel, checks: 'LIFO stack' },
  deque: { check: checkDequeHistory, model: dequeMonitorModel, checks: 'work-stealing deque: owner LIFO, thieves FIFO' },
  multiset: { check: checkMultisetHistory, model: multisetMonitorModel, checks: 'nothing lost, duplicated or invented' },
} as const satisfies Record<string, CollectionMonitor>;

export type MonitorName = keyof typeof COLLECTION_MONITORS;

/**
 * The scheduler target's specification, as far as a history can say it:
 * `submit(v)` returns true (the graph was released) or false (the injection
 * queue or the task records were full, or the scheduler was cancelled: no
 * promise either way), `wait`, `work` and `cancel` return nothing. What
 * matters is checked elsewhere: every accepted graph runs exactly once
 * (conservation over the drain), no task starts before its prerequisites,
 * nothing runs twice, nothing is lost at a cancel, the injection queue
 * stays within its capacity and a submitted root waits for a bounded
 * number of local tasks (assertions and invariants in the target), and
 * nobody waits for ever (the simulator's deadlock outcome: a lost wake-up).
 *
 * @example
 * schedulerModel().step([], { op: 'submit', arg: 1 }); // true or false
 */
import { describeCall, type Input, type Model } from './model.js';

export type SchedulerState = readonly number[];

/**
 * The scheduler target's model, as far as a history can say it: submit(v) → true or false,
 * wait, work and cancel → nothing (the rest is checked by conservation and the target's
 * assertions).
 *
 * @example
 * schedulerModel().step([], { op: 'submit', arg: 1 }); // [{ output: true, state: [] }, { output: false, state: [] }]
 */
export function schedulerModel(): Model<SchedulerState> {
  return {
    name: 'task-scheduler',
    init: () => [],
    step(state, input: Input) {
      if (input.op === 'submit') {
        return [
          { output: true, state },
          { output: false, state },
        ];
      }
      if (input.op === 'wait' || input.op === 'work' || input.op === 'cancel') return [{ output: undefined, state }];
      return [];
    },
    key: () => '',
    describeOperation: describeCall,
    describeState: () => 'the graphs submitted so far',
  };
}

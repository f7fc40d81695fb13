/**
 * The scheduler target's specification, as far as a history can say it:
 * `submit(v)` returns true (the tree was released) or false (the injection
 * queue or the task records were full: no promise either way), `wait` and
 * `work` return nothing. What matters is checked elsewhere: every accepted
 * tree runs exactly once (conservation over the drain), joins run after
 * their children and nothing runs twice (assertions in the target), and
 * nobody waits for ever (the simulator's deadlock outcome: a lost wake-up).
 *
 * @example
 * schedulerModel().step([], { op: 'submit', arg: 1 }); // true or false
 */
import { describeCall, type Input, type Model } from './model.js';

export type SchedulerState = readonly number[];

export function schedulerModel(): Model<SchedulerState> {
  return {
    name: 'scheduler',
    init: () => [],
    step(state, input: Input) {
      if (input.op === 'submit') {
        return [
          { output: true, state },
          { output: false, state },
        ];
      }
      if (input.op === 'wait' || input.op === 'work') return [{ output: undefined, state }];
      return [];
    },
    key: () => '',
    describeOperation: describeCall,
    describeState: () => 'the trees submitted so far',
  };
}

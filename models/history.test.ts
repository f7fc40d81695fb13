/**
 * The history format's reader: what runScenario returns reads as it is,
 * and each mistake is an error naming its field.
 */
import { describe, expect, it } from 'vitest';

import { addon } from '../native/index.js';
import { parseHistory } from './history.js';

describe('parseHistory', () => {
  it("reads runScenario's own history, as it comes (with each op's index)", () => {
    const run = addon().runScenario({ target: 'mpmc-queue', setup: { capacity: 2 }, threads: [[{ op: 'push', arg: 1 }], [{ op: 'pop' }]] });
    expect(parseHistory({ format: 1, operations: run.history }).operations).toHaveLength(2);
  });

  it.each<[string, object, RegExp]>([
    ['a negative thread', { thread: -1, op: 'push', arg: 1, call: 0, return: 1, result: true }, /history.operations\[0\].thread must be 0 or more, got -1/],
    ['an empty op', { thread: 0, op: '', call: 0, return: 1 }, /history.operations\[0\].op must be a non-empty string/],
    ['a negative index', { thread: 0, index: -2, op: 'pop', call: 0, return: 1 }, /history.operations\[0\].index must be a non-negative integer/],
    ['an unknown field', { thread: 0, op: 'pop', call: 0, return: 1, colour: 'red' }, /has an unknown field 'colour'/],
  ])('refuses %s, naming the field', (_, op, message) => {
    expect(() => parseHistory({ format: 1, operations: [op] })).toThrow(message);
  });
});

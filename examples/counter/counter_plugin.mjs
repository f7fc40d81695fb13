import { defineTarget, describeCall, loadPlugin } from 'lockstep';

// The sequential specification: next() returns 0, then 1, then 2, ...
const model = { name: 'counter', init: () => 0, step: (n) => [{ output: n, state: n + 1 }], key: String, describeOperation: describeCall, describeState: String };

export default loadPlugin(new URL('./build/counter_target.so', import.meta.url), defineTarget({ name: 'counter', model: () => model }));

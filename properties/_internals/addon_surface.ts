/**
 * The addon's surface as data: every export, its parameters, the options it
 * takes and what it returns, and an oracle, written independently of the
 * C++ checks, that says how a call must end: ok, or a TypeError, RangeError
 * or Error. The argument property holds the addon to this oracle.
 */
import type { LockstepAddon } from '../../native/index.js';

export type HandleKind = 'deque' | 'deque worker' | 'deque stealer' | 'mpmc queue' | 'mpsc queue' | 'mpsc consumer' | 'tagged stack' | 'arena' | 'block pool';
export type FunctionName = { [K in keyof LockstepAddon]: LockstepAddon[K] extends (...args: never[]) => unknown ? K : never }[keyof LockstepAddon];

export type OptionSpec =
  | { key: string; type: 'size'; fallback: number; min: number | ((prior: Record<string, number>) => number); max: number }
  | { key: string; type: 'variant'; target: string }
  /** A path; any string is accepted here, whether it names a sysfs tree decides ok or Error. */
  | { key: string; type: 'path' }
  /** One of these strings; `machine`: with this one the machine decides ok or Error (huge pages). */
  | { key: string; type: 'choice'; values: string[]; machine?: string }
  /** A power of two from 1 to `max`. */
  | { key: string; type: 'power of two'; fallback: number; max: number };

export type Param =
  | { name: string; type: 'handle'; kind: HandleKind }
  | { name: string; type: 'any handle' }
  | { name: string; type: 'value' }
  | { name: string; type: 'options'; options: OptionSpec[] }
  /** A scenario: checked exactly by properties/scenario_arguments; here only "no crash, clean error". */
  | { name: string; type: 'scenario' }
  /** A task graph: checked exactly by properties/scheduler_graph.test; here only "no crash, clean error". */
  | { name: string; type: 'graph' }
  /** stressRun's options (target, variant, threads, ops, seed, depth, progressTimeoutMs): checked exactly by native/addon/stress_binding.test; here only "no crash, clean error". */
  | { name: string; type: 'stress options' }
  /** An array of CPU numbers, each an integer from `min` to 16383 (-1: unpinned); `nonEmpty` when it must hold one. */
  | { name: string; type: 'cpus'; min: number; nonEmpty?: boolean }
  /** A CPU list's text ("0-3,8"). */
  | { name: string; type: 'cpu list' }
  /** A safe integer indexing the array argument before it. */
  | { name: string; type: 'index' }
  /** A safe integer from `min` to `max`. */
  | { name: string; type: 'size'; min: number; max: number }
  /** A power of two from 1 to `max`, or undefined. */
  | { name: string; type: 'power of two'; max: number }
  /** A pool block's offset: a safe integer, not negative; whether it is a live block decides ok or Error. */
  | { name: string; type: 'block offset' }
  /** A string of at most `maxBytes` bytes of UTF-8. */
  | { name: string; type: 'text'; maxBytes: number };

export type Returns = 'undefined' | 'boolean' | 'item' | 'take' | 'items' | 'invariants' | 'object' | 'array' | 'string' | { handle: HandleKind };

export interface ExportSpec {
  fn: FunctionName;
  params: Param[];
  /** Parameters from this index on may be left out. */
  required: number;
  returns: Returns;
}

const MAX_CAPACITY = 2 ** 20;
const bitCeil = (n: number) => 2 ** Math.ceil(Math.log2(n));
const capacity = (fallback: number): OptionSpec => ({ key: 'capacity', type: 'size', fallback, min: 1, max: MAX_CAPACITY });
const boundedOptions = (target: string): Param => ({ name: 'options', type: 'options', options: [capacity(1024), { key: 'variant', type: 'variant', target }] });
const handle = (name: string, kind: HandleKind): Param => ({ name, type: 'handle', kind });
const value: Param = { name: 'value', type: 'value' };
const topologyOptions: Param = { name: 'options', type: 'options', options: [{ key: 'root', type: 'path' }] };

/** In the order the C++ reads them: the oracle must check in the same order. */
export const DEQUE_OPTIONS: OptionSpec[] = [
  capacity(64),
  { key: 'maxStealers', type: 'size', fallback: 16, min: 1, max: 4096 },
  { key: 'maxCapacity', type: 'size', fallback: MAX_CAPACITY, min: (prior) => bitCeil(prior['capacity']!), max: MAX_CAPACITY },
  { key: 'variant', type: 'variant', target: 'chase-lev-deque' },
];

const ARENA_OPTIONS: OptionSpec[] = [
  { key: 'bytes', type: 'size', fallback: 2 ** 20, min: 1, max: 2 ** 28 },
  { key: 'hugePages', type: 'choice', values: ['auto', 'never', 'require'], machine: 'require' },
  { key: 'variant', type: 'variant', target: 'arena' },
];
const POOL_OPTIONS: OptionSpec[] = [
  { key: 'blockSize', type: 'size', fallback: 64, min: 1, max: 4096 },
  { key: 'blocks', type: 'size', fallback: 1024, min: 1, max: 65536 },
  { key: 'alignment', type: 'power of two', fallback: 8, max: 4096 },
  { key: 'variant', type: 'variant', target: 'block-pool' },
];

const GRAPH_RUN_OPTIONS: OptionSpec[] = [
  { key: 'workers', type: 'size', fallback: 2, min: 1, max: 64 },
  { key: 'injectionCapacity', type: 'size', fallback: 1024, min: 1, max: MAX_CAPACITY },
  { key: 'timeoutMs', type: 'size', fallback: 10_000, min: 1, max: 600_000 },
  { key: 'variant', type: 'variant', target: 'scheduler' },
];

export const EXPORTS: ExportSpec[] = [
  { fn: 'close', params: [{ name: 'handle', type: 'any handle' }], required: 1, returns: 'undefined' },
  { fn: 'dequeCreate', params: [{ name: 'options', type: 'options', options: DEQUE_OPTIONS }], required: 0, returns: { handle: 'deque' } },
  { fn: 'dequeWorker', params: [handle('deque', 'deque')], required: 1, returns: { handle: 'deque worker' } },
  { fn: 'dequeStealer', params: [handle('deque', 'deque')], required: 1, returns: { handle: 'deque stealer' } },
  { fn: 'dequePush', params: [handle('worker', 'deque worker'), value], required: 2, returns: 'boolean' },
  { fn: 'dequePop', params: [handle('worker', 'deque worker')], required: 1, returns: 'item' },
  { fn: 'dequeSteal', params: [handle('stealer', 'deque stealer')], required: 1, returns: 'take' },
  { fn: 'dequeItems', params: [handle('deque', 'deque')], required: 1, returns: 'items' },
  { fn: 'dequeCheckInvariants', params: [handle('deque', 'deque')], required: 1, returns: 'invariants' },
  { fn: 'mpmcCreate', params: [boundedOptions('mpmc-queue')], required: 0, returns: { handle: 'mpmc queue' } },
  { fn: 'mpmcTryPush', params: [handle('queue', 'mpmc queue'), value], required: 2, returns: 'boolean' },
  { fn: 'mpmcTryPop', params: [handle('queue', 'mpmc queue')], required: 1, returns: 'item' },
  { fn: 'mpmcItems', params: [handle('queue', 'mpmc queue')], required: 1, returns: 'items' },
  { fn: 'mpmcCheckInvariants', params: [handle('queue', 'mpmc queue')], required: 1, returns: 'invariants' },
  { fn: 'mpscCreate', params: [boundedOptions('mpsc-queue')], required: 0, returns: { handle: 'mpsc queue' } },
  { fn: 'mpscConsumer', params: [handle('queue', 'mpsc queue')], required: 1, returns: { handle: 'mpsc consumer' } },
  { fn: 'mpscTryPush', params: [handle('queue', 'mpsc queue'), value], required: 2, returns: 'boolean' },
  { fn: 'mpscPop', params: [handle('consumer', 'mpsc consumer')], required: 1, returns: 'take' },
  { fn: 'mpscItems', params: [handle('queue', 'mpsc queue')], required: 1, returns: 'items' },
  { fn: 'mpscCheckInvariants', params: [handle('queue', 'mpsc queue')], required: 1, returns: 'invariants' },
  { fn: 'stackCreate', params: [boundedOptions('tagged-stack')], required: 0, returns: { handle: 'tagged stack' } },
  { fn: 'stackTryPush', params: [handle('stack', 'tagged stack'), value], required: 2, returns: 'boolean' },
  { fn: 'stackTryPop', params: [handle('stack', 'tagged stack')], required: 1, returns: 'item' },
  { fn: 'stackItems', params: [handle('stack', 'tagged stack')], required: 1, returns: 'items' },
  { fn: 'stackCheckInvariants', params: [handle('stack', 'tagged stack')], required: 1, returns: 'invariants' },
  { fn: 'arenaCreate', params: [{ name: 'options', type: 'options', options: ARENA_OPTIONS }], required: 0, returns: { handle: 'arena' } },
  {
    fn: 'arenaAllocate',
    params: [handle('arena', 'arena'), { name: 'bytes', type: 'size', min: 0, max: 2 ** 40 }, { name: 'alignment', type: 'power of two', max: 4096 }],
    required: 2,
    returns: 'item',
  },
  { fn: 'arenaReset', params: [handle('arena', 'arena')], required: 1, returns: 'undefined' },
  { fn: 'arenaStats', params: [handle('arena', 'arena')], required: 1, returns: 'object' },
  { fn: 'poolCreate', params: [{ name: 'options', type: 'options', options: POOL_OPTIONS }], required: 0, returns: { handle: 'block pool' } },
  { fn: 'poolAllocate', params: [handle('pool', 'block pool')], required: 1, returns: 'item' },
  { fn: 'poolFree', params: [handle('pool', 'block pool'), { name: 'offset', type: 'block offset' }], required: 2, returns: 'undefined' },
  { fn: 'poolStats', params: [handle('pool', 'block pool')], required: 1, returns: 'object' },
  { fn: 'poolCheckInvariants', params: [handle('pool', 'block pool')], required: 1, returns: 'invariants' },
  { fn: 'schedulerRunGraph', params: [{ name: 'graph', type: 'graph' }, { name: 'options', type: 'options', options: GRAPH_RUN_OPTIONS }], required: 1, returns: 'object' },
  { fn: 'stressRun', params: [{ name: 'options', type: 'stress options' }], required: 1, returns: 'object' },
  { fn: 'runScenario', params: [{ name: 'scenario', type: 'scenario' }], required: 1, returns: 'object' },
  { fn: 'benchScenario', params: [{ name: 'scenario', type: 'scenario' }, value], required: 2, returns: 'object' },
  { fn: 'listTargets', params: [], required: 0, returns: 'array' },
  { fn: 'topology', params: [topologyOptions], required: 0, returns: 'object' },
  { fn: 'parseCpuList', params: [{ name: 'text', type: 'cpu list' }], required: 1, returns: 'items' },
  { fn: 'formatCpuList', params: [{ name: 'cpus', type: 'cpus', min: 0 }], required: 1, returns: 'string' },
  { fn: 'victimOrder', params: [{ name: 'workerCpus', type: 'cpus', min: -1 }, { name: 'self', type: 'index' }, topologyOptions], required: 2, returns: 'items' },
  { fn: 'threadAffinity', params: [], required: 0, returns: 'items' },
  { fn: 'pinThread', params: [{ name: 'cpus', type: 'cpus', min: 0, nonEmpty: true }], required: 1, returns: 'items' },
  { fn: 'memoryBinding', params: [], required: 0, returns: 'object' },
  { fn: 'setCrashNote', params: [{ name: 'text', type: 'text', maxBytes: 2 ** 20 }], required: 1, returns: 'undefined' },
];

/** CPU ids are below this (lockstep/topology.hpp kMaxCpus). */
export const MAX_CPUS = 16384;

/** Whether `text` is a CPU list ("", "0-3,8-11", a trailing newline allowed), written apart from the C++ parser. */
export function isCpuList(text: string): boolean {
  const trimmed = text.replace(/[\n ]+$/, '');
  if (trimmed === '') return true;
  return trimmed.split(',').every((item) => {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(item);
    if (m === null) return false;
    const first = Number(m[1]);
    const last = m[2] === undefined ? first : Number(m[2]);
    return first < MAX_CPUS && last < MAX_CPUS && first <= last;
  });
}

/** What the oracle knows of a handle it was given. */
export interface HandleState {
  kind: HandleKind;
  closed: boolean;
  /** For a structure: its open roles and its stealer limit. */
  workerOpen?: boolean;
  stealersOpen?: number;
  maxStealers?: number;
  consumerOpen?: boolean;
}

export type Expected =
  | { ok: true }
  | { ok: false; error: 'TypeError' | 'RangeError' | 'Error' }
  /** Either success, or a TypeError or RangeError (a scenario's own validity is not modelled here). */
  | { ok: 'either' }
  /** Success or an Error: the machine decides (a sysfs path, a pin the kernel may refuse). */
  | { ok: 'or-error' };
const OK: Expected = { ok: true };
const fail = (error: 'TypeError' | 'RangeError' | 'Error'): Expected => ({ ok: false, error });

/**
 * How `spec.fn(...args)` must end. `stateOf` maps a lockstep handle to what
 * is known of it (undefined for anything that is not one); `variants` lists
 * each target's variant names.
 */
export function expectedOutcome(
  spec: ExportSpec,
  args: readonly unknown[],
  stateOf: (v: unknown) => HandleState | undefined,
  variants: Record<string, readonly string[]>,
): Expected {
  if (args.length < spec.required || args.length > spec.params.length) return fail('TypeError');
  for (const [i, param] of spec.params.entries()) {
    const arg = args[i];
    switch (param.type) {
      case 'any handle':
        if (stateOf(arg) === undefined) return fail('TypeError');
        break;
      case 'handle': {
        const state = stateOf(arg);
        if (state === undefined || state.kind !== param.kind || state.closed) return fail('TypeError');
        break;
      }
      case 'value':
        if (typeof arg !== 'number') return fail('TypeError');
        if (!Number.isSafeInteger(arg)) return fail('RangeError');
        break;
      case 'scenario':
        // A handle is never a scenario; beyond that, the scenario property decides.
        if (stateOf(arg) !== undefined) return fail('TypeError');
        return { ok: 'either' };
      case 'graph':
      case 'stress options':
        // Nor a graph or stress options; beyond that, the graph and stress tests decide.
        if (stateOf(arg) !== undefined) return fail('TypeError');
        return { ok: 'either' };
      case 'options': {
        // A handle is a native External, not an object: never options.
        if (stateOf(arg) !== undefined) return fail('TypeError');
        const verdict = expectedOptions(param.options, arg, variants);
        if (!verdict.ok) return verdict;
        break;
      }
      case 'cpus': {
        if (!Array.isArray(arg)) return fail('TypeError');
        if (arg.length > MAX_CPUS) return fail('RangeError');
        for (const cpu of arg as unknown[]) {
          if (typeof cpu !== 'number') return fail('TypeError');
          if (!Number.isInteger(cpu) || cpu < param.min || cpu >= MAX_CPUS) return fail('RangeError');
        }
        if (param.nonEmpty === true && arg.length === 0) return fail('RangeError');
        break;
      }
      case 'cpu list':
        if (typeof arg !== 'string') return fail('TypeError');
        if (!isCpuList(arg)) return fail('RangeError');
        break;
      case 'size':
        if (typeof arg !== 'number') return fail('TypeError');
        if (!Number.isSafeInteger(arg) || arg < param.min || arg > param.max) return fail('RangeError');
        break;
      case 'power of two':
        if (arg === undefined) break;
        if (typeof arg !== 'number') return fail('TypeError');
        if (!isPowerOfTwo(arg, param.max)) return fail('RangeError');
        break;
      case 'block offset':
        if (typeof arg !== 'number') return fail('TypeError');
        if (!Number.isSafeInteger(arg) || arg < 0) return fail('RangeError');
        break;
      case 'text':
        if (typeof arg !== 'string') return fail('TypeError');
        if (Buffer.byteLength(arg, 'utf8') > param.maxBytes) return fail('RangeError');
        break;
      case 'index':
        if (typeof arg !== 'number') return fail('TypeError');
        if (!Number.isSafeInteger(arg)) return fail('RangeError');
        if (arg < 0 || arg >= (args[i - 1] as unknown[]).length) return fail('RangeError');
        break;
    }
  }
  // The machine decides: a sysfs root other than this machine's, a pin.
  const root = (args.at(-1) as { root?: unknown } | undefined)?.root;
  if (spec.fn === 'pinThread' || (spec.params.some((p) => p.type === 'options' && p.options.some((o) => o.type === 'path')) && root !== undefined && root !== '/sys')) {
    return { ok: 'or-error' };
  }
  // The pool's state decides (is the block live?); so do explicit huge pages.
  if (spec.fn === 'poolFree') return { ok: 'or-error' };
  const options = spec.params.find((p) => p.type === 'options');
  if (options?.type === 'options') {
    const given = args[spec.params.indexOf(options)] as Record<string, unknown> | undefined;
    if (options.options.some((o) => o.type === 'choice' && o.machine !== undefined && given?.[o.key] === o.machine)) return { ok: 'or-error' };
  }
  return expectedRole(spec, stateOf(args[0]));
}

function isPowerOfTwo(v: number, max: number): boolean {
  return Number.isSafeInteger(v) && v >= 1 && v <= max && (v & (v - 1)) === 0;
}

function expectedOptions(options: OptionSpec[], arg: unknown, variants: Record<string, readonly string[]>): Expected {
  if (arg === undefined) return OK;
  if (typeof arg !== 'object' || arg === null || Array.isArray(arg)) return fail('TypeError');
  const object = arg as Record<string, unknown>;
  for (const key in object) if (!options.some((o) => o.key === key)) return fail('TypeError');
  const resolved: Record<string, number> = {};
  for (const option of options) {
    const v = object[option.key];
    if (option.type === 'variant') {
      if (v === undefined) continue;
      if (typeof v !== 'string') return fail('TypeError');
      if (!variants[option.target]!.includes(v)) return fail('RangeError');
      continue;
    }
    if (option.type === 'path') {
      if (v !== undefined && typeof v !== 'string') return fail('TypeError');
      continue;
    }
    if (option.type === 'choice') {
      if (v === undefined) continue;
      if (typeof v !== 'string') return fail('TypeError');
      if (!option.values.includes(v)) return fail('RangeError');
      continue;
    }
    if (option.type === 'power of two') {
      if (v === undefined) continue;
      if (typeof v !== 'number') return fail('TypeError');
      if (!isPowerOfTwo(v, option.max)) return fail('RangeError');
      continue;
    }
    if (v === undefined) {
      resolved[option.key] = option.fallback;
      continue;
    }
    if (typeof v !== 'number') return fail('TypeError');
    const min = typeof option.min === 'function' ? option.min(resolved) : option.min;
    if (!Number.isInteger(v) || v < min || v > option.max) return fail('RangeError');
    resolved[option.key] = v;
  }
  return OK;
}

/** The role rules: one worker and maxStealers stealers per deque, one consumer per MPSC queue. */
function expectedRole(spec: ExportSpec, structure: HandleState | undefined): Expected {
  if (spec.fn === 'dequeWorker' && structure?.workerOpen) return fail('Error');
  if (spec.fn === 'dequeStealer' && (structure?.stealersOpen ?? 0) >= (structure?.maxStealers ?? Infinity)) return fail('Error');
  if (spec.fn === 'mpscConsumer' && structure?.consumerOpen) return fail('Error');
  return OK;
}

/** Whether `result` has the shape `returns` promises. */
export function hasReturnShape(returns: Returns, result: unknown, isHandle: (v: unknown) => boolean): boolean {
  const isItem = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
  if (typeof returns === 'object') return isHandle(result);
  switch (returns) {
    case 'undefined':
      return result === undefined;
    case 'boolean':
      return typeof result === 'boolean';
    case 'item':
      return result === undefined || isItem(result);
    case 'items':
      return Array.isArray(result) && result.every(isItem);
    case 'invariants':
      return result === null;
    case 'object':
      return typeof result === 'object' && result !== null && !Array.isArray(result);
    case 'array':
      return Array.isArray(result);
    case 'string':
      return typeof result === 'string';
    case 'take': {
      const t = result as { kind?: unknown; value?: unknown };
      return t !== null && typeof t === 'object' && (t.kind === 'empty' || t.kind === 'retry' || (t.kind === 'success' && isItem(t.value)));
    }
  }
}

/**
 * The one typed loader of the lockstep addon (build/addon/RelWithDebInfo/lockstep.node).
 *
 * Every export of the addon is declared here. Handles are opaque: a handle
 * of one kind passed where another is expected, a closed handle, a value
 * that is not a safe integer, an unknown option — each is a TypeError or
 * RangeError whose message names the function and the argument.
 *
 * @example
 * const lockstep = addon();
 * const deque = lockstep.dequeCreate({ capacity: 64 });
 * const worker = lockstep.dequeWorker(deque);
 * lockstep.dequePush(worker, 7);
 * lockstep.dequeSteal(lockstep.dequeStealer(deque)); // { kind: 'success', value: 7 }
 * lockstep.close(deque);
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

declare const handleKind: unique symbol;
/** An opaque native handle; `K` names what it points at. */
export type Handle<K extends string> = { readonly [handleKind]: K };

export type DequeHandle = Handle<'deque'>;
export type DequeWorkerHandle = Handle<'deque worker'>;
export type DequeStealerHandle = Handle<'deque stealer'>;
export type MpmcQueueHandle = Handle<'mpmc queue'>;
export type MpscQueueHandle = Handle<'mpsc queue'>;
export type MpscConsumerHandle = Handle<'mpsc consumer'>;
export type TaggedStackHandle = Handle<'tagged stack'>;
export type ArenaHandle = Handle<'arena'>;
export type BlockPoolHandle = Handle<'block pool'>;
export type AnyHandle =
  | DequeHandle
  | DequeWorkerHandle
  | DequeStealerHandle
  | MpmcQueueHandle
  | MpscQueueHandle
  | MpscConsumerHandle
  | TaggedStackHandle
  | ArenaHandle
  | BlockPoolHandle;

export interface ArenaOptions {
  /** The region's size, rounded up to whole pages: 1 to 256 MiB. @defaultValue 1 MiB */
  bytes?: number;
  /** auto: explicit huge pages, else transparent, else normal; require: explicit or an Error. @defaultValue 'auto' */
  hugePages?: 'auto' | 'never' | 'require';
  /** @defaultValue 'correct' */
  variant?: string;
}

/** An arena's or a pool's counters: bytes, and successful allocations ever. */
export interface ArenaStats {
  reserved: number;
  /** Bytes handed out since the last reset, padding included. */
  used: number;
  highWater: number;
  allocations: number;
  /** What backs the region: 'explicit' (hugetlb), 'transparent' or 'normal' pages. */
  pages: 'explicit' | 'transparent' | 'normal';
}

export interface PoolOptions {
  /** 1 to 4096. @defaultValue 64 */
  blockSize?: number;
  /** 1 to 65536. @defaultValue 1024 */
  blocks?: number;
  /** A power of two from 1 to 4096; blocks start every blockSize rounded up to it. @defaultValue 8 */
  alignment?: number;
  /** @defaultValue 'correct' */
  variant?: string;
}

export interface PoolStats {
  blockSize: number;
  /** Bytes from one block to the next. */
  stride: number;
  blocks: number;
  reserved: number;
  /** Bytes of the blocks handed out and not freed. */
  used: number;
  /** Bytes of the blocks ever handed out. */
  highWater: number;
  allocations: number;
}

/** The result of a steal or an MPSC pop: Retry means "lost a race, not necessarily empty". */
export type Take = { kind: 'empty' } | { kind: 'retry' } | { kind: 'success'; value: number };

/** A variant of a target: `correct` or a seeded bug (mutant). */
export interface VariantInfo {
  readonly name: string;
  readonly description: string;
}

export interface DequeOptions {
  /** Initial ring capacity, rounded up to a power of two (1 to 2^20). @defaultValue 64 */
  capacity?: number;
  /**
   * The ring never grows past this (power-of-two capacity to 2^20): the deque holds at most the
   * largest power of two not above it, and push then returns false. @defaultValue 2^20
   */
  maxCapacity?: number;
  /** How many stealer handles may be open at once (1 to 4096). @defaultValue 16 */
  maxStealers?: number;
  /** `correct` or a seeded bug, see `variants['chase-lev-deque']`. @defaultValue 'correct' */
  variant?: string;
}

export interface BoundedOptions {
  /** How many items fit (1 to 2^20). @defaultValue 1024 */
  capacity?: number;
  /** `correct` or a seeded bug, see `variants`. @defaultValue 'correct' */
  variant?: string;
}

/**
 * One operation of a scenario's thread. `arg` is a safe integer, present exactly when the op takes one.
 *
 * @example
 * const thread: ScenarioCall[] = [{ op: 'push', arg: 1 }, { op: 'pop' }];
 */
export interface ScenarioCall {
  op: string;
  arg?: number;
}

/**
 * Who runs at each scheduling point (docs/simulator.md). `choices`: at a point with k
 * runnable threads the next entry c runs runnable thread c mod k; when the
 * list runs out the current thread goes on (`[]` is the sequential run).
 *
 * @example
 * const schedules: Schedule[] = [{ kind: 'choices', choices: [1, 1, 0] }, { kind: 'random', seed: 7 }, { kind: 'pct', seed: 7, depth: 2 }, { kind: 'exhaustive', preemptionBound: 2 }];
 */
export type Schedule =
  | { kind: 'choices'; choices?: number[] }
  | { kind: 'random'; /** @defaultValue 0 */ seed?: number }
  | {
      kind: 'pct';
      /** @defaultValue 0 */ seed?: number;
      /** Bug depth d: d - 1 priority change points. @defaultValue 3 */ depth?: number;
      /** Steps over which change points are drawn. @defaultValue the sequential run's length */ estimatedSteps?: number;
    }
  | {
      kind: 'exhaustive';
      /** @defaultValue 2 */ preemptionBound?: number;
      /** @defaultValue 10000 */ maxSchedules?: number;
    };

/**
 * The simulator's memory models: sequential consistency, x86-TSO, C++20 (docs/memory-models.md).
 *
 * @example
 * const run = runScenario({ ...scenario, memoryModel: 'tso' satisfies MemoryModel });
 */
export type MemoryModel = 'sc' | 'tso' | 'c11';

/**
 * A scenario: a target, its threads' operations and a schedule (docs/formats.md, format 1).
 *
 * @example
 * const scenario: Scenario = {
 *   target: 'chase-lev-deque',
 *   setup: { capacity: 2 },
 *   threads: [[{ op: 'push', arg: 1 }, { op: 'pop' }], [{ op: 'steal' }]],
 *   schedule: { kind: 'random', seed: 7 },
 * };
 */
export interface Scenario {
  /** @defaultValue 1 */
  format?: 1;
  target: string;
  /** @defaultValue 'correct' */
  variant?: string;
  /** The target's parameters (listTargets()[i].setup); absent ones take their defaults. */
  setup?: Record<string, number>;
  threads: ScenarioCall[][];
  /** @defaultValue the sequential run, `{ kind: 'choices', choices: [] }` */
  schedule?: Schedule;
  /** What a load may read: 'sc' (the last store), 'tso' (x86 store buffers; flushes are schedule choices) or 'c11' (any store C++20 allows; which one is a choice). @defaultValue 'sc' */
  memoryModel?: MemoryModel;
  /** @defaultValue 10000 */
  maxSteps?: number;
  /** Record every step. @defaultValue false */
  trace?: boolean;
}

/** An op's result: an item, true/false for a push, null for empty, 'retry'; absent for ops that return nothing. */
export type OpResultValue = number | boolean | null | 'retry';

/**
 * A completed operation: `call` steps had run when it began, `return` when it returned. Under
 * TSO an operation is complete only when every store its thread made before it returned has
 * reached memory: `return` is that step where it came later, and the thread's next call may
 * then begin before it.
 *
 * @example
 * const [first] = runScenario(scenario).history;
 * first; // { thread: 0, index: 0, op: 'push', arg: 1, call: 0, return: 7, solo: false, result: true }
 */
export interface HistoryEntry {
  thread: number;
  index: number;
  op: string;
  arg?: number;
  call: number;
  return: number;
  result?: OpResultValue;
  /** No other thread took a step between call and the step the call itself returned at. */
  solo: boolean;
  /**
   * C11 only: per thread t, how many of t's operations returned before this call in
   * happens-before. Under C11 that, not the steps, orders operations (docs/memory-models.md).
   */
  after?: number[];
}

/** An operation that had begun but not returned when the run stopped. */
export interface PendingEntry {
  thread: number;
  index: number;
  op: string;
  arg?: number;
  call: number;
  /** As HistoryEntry.after. */
  after?: number[];
}

export type OutcomeKind = 'ok' | 'deadlock' | 'step-limit' | 'assertion' | 'memory-error';

/**
 * How a run ended: `ok`, or the first thing that went wrong (a memory error, a deadlock, the
 * step limit, a broken assertion or invariant), with the step, the thread and a message.
 * Exported from lockstep as `RunOutcome`.
 *
 * @example
 * const { outcome } = runScenario(scenario);
 * if (outcome.kind !== 'ok') console.log(`${outcome.kind} at step ${outcome.step}: ${outcome.message}`);
 */
export interface Outcome {
  kind: OutcomeKind;
  /** Not for ok: the step at which the run failed, the thread running then, and what happened. */
  step?: number;
  thread?: number;
  message?: string;
}

/**
 * One step: an access to a location. Pointers read as "null", "block3+16" or "external";
 * node indices as a number or "nil"; tagged head words as "index#tag".
 *
 * Two kinds of row are not steps: `allocate` and `free`, a block taken or given back by the
 * thread during the run (`block` 3 is the one pointers show as "block3+..."), with its size in
 * `bytes` and the index of the thread's operation that did it in `call`; their `step` is the
 * number of steps done before them, and they have no location or order.
 *
 * @example
 * runScenario({ ...scenario, trace: true }).trace![0]; // { step: 1, thread: 0, location: 'bottom', access: 'load', order: 'relaxed', read: 0 }
 */
export interface TraceEntry {
  step: number;
  thread: number;
  location?: string;
  access: 'load' | 'store' | 'rmw' | 'cas-fail' | 'fence' | 'cell-read' | 'cell-write' | 'spin' | 'wait' | 'notify' | 'flush' | 'allocate' | 'free';
  /** Every access has one; allocate and free rows do not. */
  order?: 'relaxed' | 'consume' | 'acquire' | 'release' | 'acq_rel' | 'seq_cst';
  read?: number | string;
  written?: number | string;
  /** C11: a load read a store older than the newest, or a store went before a newer one in modification order. */
  stale?: true;
  /**
   * With `stale`: the newest store to the location in modification order, which the access missed
   * (or went before): the thread and step that made it and its value; `newer`: how many stores are
   * newer than the one read (than the store itself, for a store), this one the newest of them.
   */
  missed?: { thread: number; step: number; value: number | string; newer: number };
  /** allocate and free: the block's number, its size, and the index of the thread's operation (absent outside one). */
  block?: number;
  bytes?: number;
  call?: number;
}

/**
 * One simulator run: how it ended, the history of operations (completed and pending), the
 * concrete choices that replay it, and with `trace: true` every step.
 *
 * @example
 * const run = runScenario(scenario);
 * const replay = runScenario({ ...scenario, schedule: { kind: 'choices', choices: run.choices } }); // the same run
 */
export interface RunResult {
  outcome: Outcome;
  /** Completed operations, in the order they returned (under TSO a `return` may then move later: see HistoryEntry). */
  history: HistoryEntry[];
  pending: PendingEntry[];
  /** The concrete schedule: `{ kind: 'choices', choices }` replays this run exactly. */
  choices: number[];
  /**
   * With `trace: true`: per entry of `choices`, the choice the run makes where a list has run
   * out (the running thread goes on; under TSO its stores stay buffered; under C11 a load reads
   * the newest store). Setting an entry to it removes a preemption or a stale read.
   */
  fallbacks?: number[];
  steps: number;
  /** After a run that finished: the items that draining the structure through its own pop gave
   * (the litmus target: x, y, z), and the invariants before the drain (null when they hold). */
  final?: { items: number[]; invariants: string | null };
  trace?: TraceEntry[];
}

/**
 * Every schedule of a scenario within a preemption bound (schedule kind `exhaustive`): one
 * run per distinct result, with how many schedules gave it.
 *
 * @example
 * const all = runScenario({ ...scenario, schedule: { kind: 'exhaustive', preemptionBound: 2 } });
 * const broken = all.results.filter((r) => verdictOf({ ...scenario, schedule: { kind: 'choices', choices: r.choices } }, r) !== null);
 */
export interface ExhaustiveResult {
  /** Schedules run. */
  schedules: number;
  /** Every schedule within the preemption bound was run. */
  complete: boolean;
  /** One run per distinct (outcome, history, final items), with how many schedules gave it. */
  results: (RunResult & { count: number })[];
}

/**
 * What the simulator knows of a target (listTargets()): its ops and the roles that may call
 * them, its roles, its setup parameters with their ranges and defaults, and its variants
 * (`correct` first, then the seeded bugs).
 *
 * @example
 * const queue = listTargets().find((t) => t.name === 'mpmc-queue')!;
 * queue.variants.map((v) => v.name); // ['correct', 'lap-dropped', 'relaxed-turn-store', 'turn-2-bits']
 */
export interface TargetInfo {
  name: string;
  description: string;
  ops: { name: string; takesArg: boolean; roles: string[]; result: string }[];
  roles: { name: string; maxThreads?: number; description: string }[];
  setup: { name: string; default: number; min: number; max: number; description: string }[];
  variants: VariantInfo[];
  /** The plugin library (an absolute path) that registered it; absent for a built-in target. */
  plugin?: string;
}

/** Everything the addon exports. Values are safe integers. */
export interface LockstepAddon {
  /** Closes any handle; closing a structure closes its worker, stealers and consumer. Idempotent. */
  close(handle: AnyHandle): void;

  dequeCreate(options?: DequeOptions): DequeHandle;
  /** The owner's end; one open worker per deque (an Error otherwise). */
  dequeWorker(deque: DequeHandle): DequeWorkerHandle;
  /** A thief's end; up to maxStealers open at once (an Error otherwise). */
  dequeStealer(deque: DequeHandle): DequeStealerHandle;
  /** False only when the ring is full at maxCapacity. */
  dequePush(worker: DequeWorkerHandle, value: number): boolean;
  dequePop(worker: DequeWorkerHandle): number | undefined;
  dequeSteal(stealer: DequeStealerHandle): Take;
  /** The items from top (oldest, next to be stolen) to bottom (newest). */
  dequeItems(deque: DequeHandle): number[];
  /** null when every invariant holds, else what broke. */
  dequeCheckInvariants(deque: DequeHandle): string | null;

  mpmcCreate(options?: BoundedOptions): MpmcQueueHandle;
  mpmcTryPush(queue: MpmcQueueHandle, value: number): boolean;
  mpmcTryPop(queue: MpmcQueueHandle): number | undefined;
  /** The items from oldest to newest. */
  mpmcItems(queue: MpmcQueueHandle): number[];
  mpmcCheckInvariants(queue: MpmcQueueHandle): string | null;

  mpscCreate(options?: BoundedOptions): MpscQueueHandle;
  /** The one consumer's end (an Error while another is open). */
  mpscConsumer(queue: MpscQueueHandle): MpscConsumerHandle;
  mpscTryPush(queue: MpscQueueHandle, value: number): boolean;
  mpscPop(consumer: MpscConsumerHandle): Take;
  /** The items from oldest to newest. */
  mpscItems(queue: MpscQueueHandle): number[];
  mpscCheckInvariants(queue: MpscQueueHandle): string | null;

  stackCreate(options?: BoundedOptions): TaggedStackHandle;
  stackTryPush(stack: TaggedStackHandle, value: number): boolean;
  stackTryPop(stack: TaggedStackHandle): number | undefined;
  /** The items from top to bottom. */
  stackItems(stack: TaggedStackHandle): number[];
  stackCheckInvariants(stack: TaggedStackHandle): string | null;

  /** An arena over a region mapped (and touched) now. RangeError for bad options; Error when the region cannot be had. */
  arenaCreate(options?: ArenaOptions): ArenaHandle;
  /** The block's byte offset from the region's start (page-aligned), or undefined when it does not fit. alignment: a power of two to 4096, default 8. */
  arenaAllocate(arena: ArenaHandle, bytes: number, alignment?: number): number | undefined;
  /** Every block back at once. */
  arenaReset(arena: ArenaHandle): void;
  arenaStats(arena: ArenaHandle): ArenaStats;
  /** A fixed-block pool over a region mapped now. */
  poolCreate(options?: PoolOptions): BlockPoolHandle;
  /** A free block's byte offset, or undefined when every block is in use. */
  poolAllocate(pool: BlockPoolHandle): number | undefined;
  /** Gives back the block at `offset`: an Error unless it is a block handed out and not freed since. */
  poolFree(pool: BlockPoolHandle, offset: number): void;
  poolStats(pool: BlockPoolHandle): PoolStats;
  poolCheckInvariants(pool: BlockPoolHandle): string | null;

  /**
   * Runs a task graph on the work-stealing scheduler, on real threads (a ThreadPool of the production
   * build), and returns what each task saw. Blocks the calling thread until every task ran or
   * `timeoutMs` passed (then the pool is cancelled). TypeError / RangeError for a malformed graph:
   * an edge out of range, a task waiting for itself, a cycle, more than 4 successors for one task.
   */
  schedulerRunGraph(graph: TaskGraph, options?: GraphRunOptions): GraphRun;

  /**
   * Stress mode: runs a structure of the production build on pinned OS threads (each a sequence
   * from `seed`), then drains it, and returns the timestamped history as columns (see
   * models/stress_history.ts) for the collection monitors. Blocks the calling thread — at most
   * `progressTimeoutMs` (and a grace period of up to a second) past the last operation any thread
   * completed: a thread that completes none for that long stops the run, and `stuck` says which
   * and in what (a thread stuck inside the structure is left running, and the structure with it,
   * until the process exits). RangeError for an unknown target or variant, too few threads, a
   * variant that may read freed memory.
   */
  stressRun(options: StressRunOptions): StressRun;

  /** Runs a scenario in the simulator: one run, or for the exhaustive kind every schedule within the bound. */
  runScenario(scenario: Scenario & { schedule: { kind: 'exhaustive' } }): ExhaustiveResult;
  runScenario(scenario: Scenario): RunResult;
  /** Runs a scenario `runs` times natively (random and pct take seeds seed, seed + 1, ...), timed inside the addon. */
  benchScenario(scenario: Scenario, runs: number): { runs: number; steps: number; failures: number; seconds: number };
  /** What the simulator can run: each target's ops, roles, setup parameters and variants. */
  listTargets(): TargetInfo[];
  /** Opens a plugin library and adds its targets (their names returned); an Error of one line if it cannot. */
  loadPlugin(path: string): string[];
  /** The stamp a plugin must carry: this lockstep's version and a digest of its headers. */
  pluginStamp: string;

  /**
   * The machine's NUMA nodes, their CPUs and distances, read from sysfs under `root` (a kernel
   * without NUMA: one node of the online CPUs). A missing or malformed file is an Error naming it.
   */
  topology(options?: TopologyOptions): Topology;
  /** "0-3,8" -> [0, 1, 2, 3, 8]; RangeError for anything that is not a CPU list (ids below 16384). */
  parseCpuList(text: string): number[];
  /** [0, 1, 2, 3, 8] -> "0-3,8": the shortest CPU list (any order, duplicates allowed). */
  formatCpuList(cpus: number[]): string;
  /**
   * The order in which worker `self` tries the others when it steals: same NUMA node first, then
   * by node distance, ties by index; workerCpus[i] is worker i's CPU, -1 when unpinned (last).
   */
  victimOrder(workerCpus: number[], self: number, options?: TopologyOptions): number[];
  /** The CPUs the calling (JavaScript) thread may run on. */
  threadAffinity(): number[];
  /** Pins the calling thread to `cpus`; returns the CPUs it could run on before. Error if the kernel refuses. */
  pinThread(cpus: number[]): number[];
  /**
   * Whether memory can be bound to a NUMA node here: binds a fresh page (mbind) to the node of
   * this thread's first CPU, touches it and asks the kernel (get_mempolicy) where it is.
   */
  memoryBinding(): { bound: boolean; node: number; pageNode: number; detail: string };
  /**
   * What this process is doing, printed to stderr if it dies of a signal (SIGSEGV, SIGBUS,
   * SIGABRT, SIGFPE, SIGILL): `lockstep: died of signal N while running: <text>`. The
   * properties set each scenario's JSON before running it, so a crash the simulator cannot
   * catch still names its case. '' clears it. TypeError if not a string; RangeError above 1 MiB.
   */
  setCrashNote(text: string): void;

  /** The variants of each built-in target, by target name (the registry's; listTargets() has a plugin's too). */
  readonly variants: Readonly<Record<string, readonly VariantInfo[]>>;
  /** The engine's cache-line size in bytes (padding unit). */
  readonly cacheLineSize: number;
}

/**
 * A target stress mode runs: one whose spec names a collection monitor (mpmc-queue,
 * chase-lev-deque, tagged-stack, and the SDK's targets that declare one; lockstep stress --help
 * lists them).
 */
export type StressTarget = string;

export interface StressRunOptions {
  target: StressTarget;
  /** `correct` or a seeded bug of the target. @defaultValue 'correct' */
  variant?: string;
  /** OS threads, 1 to 64 (the deque: at least 2, thread 0 the owner). @defaultValue 2 */
  threads?: number;
  /** Operations over all threads, 1 to 20,000,000 (the drain adds a few). @defaultValue 100000 */
  ops?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** How many pushes a thread may be ahead of its pops, 1 to 1024. @defaultValue 4 */
  depth?: number;
  /**
   * The watchdog: a thread that completes no operation for this long, 1 to 600,000 ms, is stuck,
   * and the run stops there (a push refused for that long counts as stuck). @defaultValue 10000
   */
  progressTimeoutMs?: number;
}

/** A thread the watchdog found making no progress, and what it was doing. */
export interface StressStuck {
  thread: number;
  /** The operation it was in: 'push', 'pop' or 'steal' (with inOp false: the last one it completed). */
  op: string;
  /** The pushed value, for a push. */
  value?: number;
  /** Operations it had completed (its rows in the history; the drain's too for thread 0). */
  ops: number;
  /** When it called that operation (ns, the history's clock); absent with inOp false. */
  call?: number;
  /** Inside an operation (always, for the structures and workloads stress mode runs). */
  inOp: boolean;
  /** It was draining the structure, after every thread had finished. */
  drain: boolean;
  /**
   * It did not stop when the run was stopped: stuck inside the structure, detached and still
   * running, with the structure and logs it uses deliberately leaked until the process exits.
   * False for a push that was only being refused: it stopped, recorded as push-refused.
   */
  detached: boolean;
}

/** A stress history: row i is one operation; times in nanoseconds from the first call. */
export interface StressRun {
  thread: Uint8Array;
  /** Index into opNames: push, pop, steal, push-refused (a push still refused when the run was stopped). */
  op: Uint8Array;
  /** A push's argument, a remove's result; 0xFFFFFFFF empty, 0xFFFFFFFE retry. */
  value: Uint32Array;
  call: Float64Array;
  ret: Float64Array;
  opNames: string[];
  threads: number;
  ops: number;
  /** Whether every thread was pinned to a CPU. */
  pinned: boolean;
  /** Wall time of the threaded part (until it was stopped, if it was). */
  ms: number;
  /**
   * The threads that made no progress for progressTimeoutMs: empty when every thread finished and
   * the drain ran. Otherwise the run was stopped there and not drained; the columns hold every
   * operation completed until then (never a half-written one).
   */
  stuck: StressStuck[];
  progressTimeoutMs: number;
}

/** A task graph for schedulerRunGraph: tasks 0 .. tasks - 1. */
export interface TaskGraph {
  /** How many tasks, 1 to 2^20. */
  tasks: number;
  /** [before, after]: `after` starts only once `before` has finished. Acyclic; a task has at most 4 successors. */
  edges?: readonly (readonly [number, number])[];
  /** Spin iterations per task (0 to 1,000,000), one per task. @defaultValue all 0 */
  work?: readonly number[];
}

export interface GraphRunOptions {
  /** Worker threads, 1 to 64. @defaultValue 2 */
  workers?: number;
  /** The injection queue's capacity, 1 to 2^20. @defaultValue 1024 */
  injectionCapacity?: number;
  /** When to give up and cancel, 1 to 600,000 ms. @defaultValue 10000 */
  timeoutMs?: number;
  /** `correct` or a seeded bug, see `variants.scheduler`. @defaultValue 'correct' */
  variant?: string;
}

/** What one graph run saw, per task and in all. */
export interface GraphRun {
  /** How often each task ran (1 each, in a correct run). */
  runs: Uint32Array;
  /** Each task's start and finish, stamped from one shared counter: edge [a, b] held iff finished[a] < started[b]. */
  started: Uint32Array;
  finished: Uint32Array;
  /** The worker that ran each task. */
  worker: Uint32Array;
  /** Tasks run, dropped (cancelled after a timeout) and outstanding (neither: lost). */
  ran: number;
  dropped: number;
  outstanding: number;
  /** Whether the run was cancelled at timeoutMs. */
  timedOut: boolean;
  ms: number;
}

export interface TopologyOptions {
  /** The sysfs root to read (tests pass synthetic machines). @defaultValue '/sys' */
  root?: string;
}

export interface NumaNode {
  id: number;
  /** Ascending; empty for a memory-only node. */
  cpus: number[];
  /** The same, as a CPU list: "0-3,8-11". */
  cpuList: string;
  /** To each node, in `nodes` order (10: local). */
  distances: number[];
}

export interface Topology {
  /** Where it was read: the node folder, or the online CPU list when the kernel has no NUMA. */
  source: string;
  /** Ascending id; never empty. */
  nodes: NumaNode[];
  /** How many CPUs the nodes hold. */
  cpus: number;
}

/** Every function the addon must export; checked at load, so a stale build is caught. */
export const ADDON_FUNCTIONS = [
  'close',
  'dequeCreate',
  'dequeWorker',
  'dequeStealer',
  'dequePush',
  'dequePop',
  'dequeSteal',
  'dequeItems',
  'dequeCheckInvariants',
  'mpmcCreate',
  'mpmcTryPush',
  'mpmcTryPop',
  'mpmcItems',
  'mpmcCheckInvariants',
  'mpscCreate',
  'mpscConsumer',
  'mpscTryPush',
  'mpscPop',
  'mpscItems',
  'mpscCheckInvariants',
  'stackCreate',
  'stackTryPush',
  'stackTryPop',
  'stackItems',
  'stackCheckInvariants',
  'arenaCreate',
  'arenaAllocate',
  'arenaReset',
  'arenaStats',
  'poolCreate',
  'poolAllocate',
  'poolFree',
  'poolStats',
  'poolCheckInvariants',
  'schedulerRunGraph',
  'stressRun',
  'runScenario',
  'benchScenario',
  'listTargets',
  'topology',
  'parseCpuList',
  'formatCpuList',
  'victimOrder',
  'threadAffinity',
  'pinThread',
  'memoryBinding',
  'setCrashNote',
] as const satisfies readonly (keyof LockstepAddon)[];

/** The command that builds the addon, named in every load error. */
export const BUILD_COMMAND = 'npm run build:native';

/**
 * The addon cannot be loaded (not built, stale, another platform): the message names the file
 * and the command that builds it.
 *
 * @example
 * try { runScenario(scenario); } catch (e) { if (e instanceof AddonLoadError) console.error(e.message); } // "... Build it with `npm run build:native` ..."
 */
export class AddonLoadError extends Error {}

/** The package root: the nearest folder above this file holding package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('lockstep: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

/**
 * Where the build puts the addon, unless the CI override `LOCKSTEP_ADDON`
 * names another build (the sanitized one, for instance).
 */
export function defaultAddonPath(): string {
  const override = process.env['LOCKSTEP_ADDON'];
  if (override !== undefined && override !== '') return override;
  return join(packageRoot(), 'build', 'addon', 'RelWithDebInfo', 'lockstep.node');
}

/**
 * Loads the addon at `path` and checks that it exports everything declared
 * here. Throws an Error naming the path and {@link BUILD_COMMAND} when the
 * file is missing, does not load, or is stale.
 */
export function loadAddon(path: string = defaultAddonPath()): LockstepAddon {
  if (!existsSync(path)) {
    throw new AddonLoadError(`lockstep: the native addon is not built: ${path} does not exist. Build it with \`${BUILD_COMMAND}\` (npm install runs it).`);
  }
  let loaded: Record<string, unknown>;
  try {
    loaded = createRequire(import.meta.url)(path) as Record<string, unknown>;
  } catch (cause) {
    const why = String((cause as Error).message ?? cause).split('\n')[0];
    throw new AddonLoadError(`lockstep: the native addon at ${path} failed to load (${why}); rebuild it with \`${BUILD_COMMAND}\`.`, { cause });
  }
  const missing = ADDON_FUNCTIONS.filter((name) => typeof loaded[name] !== 'function');
  if (missing.length > 0) {
    throw new AddonLoadError(`lockstep: the native addon at ${path} is stale (missing ${missing.join(', ')}); rebuild it with \`${BUILD_COMMAND}\`.`);
  }
  return loaded as unknown as LockstepAddon;
}

let cached: LockstepAddon | undefined;
let buildId: string | undefined;

/**
 * The engine build a failure was found with: the first 16 hex digits of the
 * SHA-256 of the loaded addon file.
 */
export function addonBuildId(): string {
  buildId ??= createHash('sha256').update(readFileSync(defaultAddonPath())).digest('hex').slice(0, 16);
  return buildId;
}

/** The addon, loaded once from {@link defaultAddonPath}. */
export function addon(): LockstepAddon {
  cached ??= loadAddon();
  return cached;
}

/**
 * Runs a scenario in the simulator (the addon's runScenario, typed): one
 * run, or for the exhaustive schedule kind every schedule within the
 * preemption bound. Deterministic: a scenario with a choices list (or a
 * seed) replays bit for bit. A malformed scenario is a TypeError or
 * RangeError naming `runScenario` and the field; an unbuilt addon an
 * {@link AddonLoadError} naming the command that builds it.
 *
 * @example
 * const run = runScenario({ target: 'chase-lev-deque', threads: [[{ op: 'push', arg: 1 }, { op: 'pop' }], [{ op: 'steal' }]], schedule: { kind: 'random', seed: 7 } });
 * run.outcome.kind; // 'ok'
 * run.history[0]; // { thread: 0, index: 0, op: 'push', arg: 1, call: 0, return: 7, solo: false, result: true }
 */
export function runScenario(scenario: Scenario & { schedule: { kind: 'exhaustive' } }): ExhaustiveResult;
export function runScenario(scenario: Scenario): RunResult;
export function runScenario(scenario: Scenario): RunResult | ExhaustiveResult {
  return addon().runScenario(scenario);
}

/**
 * What the simulator can run: each target's ops (and which roles may call
 * them), roles, setup parameters with their ranges, and variants (`correct`
 * first, then the seeded bugs).
 *
 * @example
 * listTargets().map((t) => t.name); // ['arc', 'arena', 'block-pool', 'chase-lev-deque', 'litmus', ...]
 */
export function listTargets(): TargetInfo[] {
  return addon().listTargets();
}

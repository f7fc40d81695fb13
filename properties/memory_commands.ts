/**
 * Model-based properties of the arena and the block pool (fast-check
 * commands): random sequences of allocate, free, reset and stats run on the
 * real structure through the addon and on a model beside it. After every
 * command: no two live allocations overlap, each is aligned as asked and
 * inside the region, exhaustion happens exactly when the model says, and
 * stats() agree with the model.
 *
 * The arena is a bump allocator, so the model says exactly where each block
 * goes (models/arena.ts's bumpFit). The pool may hand out any free block:
 * the model checks the block is free, aligned and a block at all, and that
 * undefined comes only when every block is out.
 *
 * @example
 * fc.assert(arenaProperty('correct'));
 */
import fc from 'fast-check';

import { bumpFit } from '../models/arena.js';
import { addon, type ArenaHandle, type BlockPoolHandle } from '../native/index.js';

// ---- Arena ------------------------------------------------------------------------------

interface ArenaModel {
  reserved: number;
  used: number;
  highWater: number;
  allocations: number;
  live: { offset: number; bytes: number }[];
}
interface ArenaReal {
  arena: ArenaHandle;
}
type ArenaCommand = fc.Command<ArenaModel, ArenaReal>;

function fail(message: string): never {
  throw new Error(message);
}

/** The arena's counters must be the model's. */
function checkArenaStats(m: ArenaModel, r: ArenaReal): void {
  const s = addon().arenaStats(r.arena);
  const want = { reserved: m.reserved, used: m.used, highWater: Math.max(m.highWater, m.used), allocations: m.allocations };
  const got = { reserved: s.reserved, used: s.used, highWater: s.highWater, allocations: s.allocations };
  if (JSON.stringify(got) !== JSON.stringify(want)) fail(`arena stats ${JSON.stringify(got)}, the model says ${JSON.stringify(want)}`);
}

class ArenaAllocate implements ArenaCommand {
  constructor(
    readonly bytes: number,
    readonly alignment: number,
  ) {}
  check = () => true;
  run(m: ArenaModel, r: ArenaReal): void {
    const got = addon().arenaAllocate(r.arena, this.bytes, this.alignment);
    const want = bumpFit(m.used, this.bytes, this.alignment, m.reserved);
    if (got === undefined) {
      if (want !== null) fail(`${this} ran out with ${m.used} of ${m.reserved} bytes used; the block fits at ${want}`);
      return;
    }
    // Checked on their own, not through the model: alignment, bounds, overlap.
    if (got % this.alignment !== 0) fail(`${this} returned offset ${got}, not aligned to ${this.alignment}`);
    if (got < 0 || got + this.bytes > m.reserved) fail(`${this} returned offset ${got}, outside the ${m.reserved}-byte region`);
    const clash = m.live.find((b) => this.bytes > 0 && b.bytes > 0 && got < b.offset + b.bytes && b.offset < got + this.bytes);
    if (clash) fail(`${this} returned [${got}, ${got + this.bytes}), which overlaps the live block [${clash.offset}, ${clash.offset + clash.bytes})`);
    if (want === null) fail(`${this} returned ${got}, but with ${m.used} of ${m.reserved} bytes used it does not fit`);
    if (got !== want) fail(`${this} returned ${got}; a bump allocator at ${m.used} puts it at ${want}`);
    m.used = got + this.bytes;
    m.allocations += 1;
    m.live.push({ offset: got, bytes: this.bytes });
  }
  toString = () => `allocate(${this.bytes}, ${this.alignment})`;
}

class ArenaReset implements ArenaCommand {
  check = () => true;
  run(m: ArenaModel, r: ArenaReal): void {
    addon().arenaReset(r.arena);
    m.highWater = Math.max(m.highWater, m.used);
    m.used = 0;
    m.live = [];
  }
  toString = () => 'reset()';
}

class ArenaStatsCommand implements ArenaCommand {
  check = () => true;
  run(m: ArenaModel, r: ArenaReal): void {
    checkArenaStats(m, r);
  }
  toString = () => 'stats()';
}

const arenaCommands = [
  fc
    .tuple(fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 1500 })), fc.integer({ min: 0, max: 12 }))
    .map(([bytes, log2]) => new ArenaAllocate(bytes, 2 ** log2)),
  fc.constant(new ArenaReset()),
  fc.constant(new ArenaStatsCommand()),
];

/** The arena of `variant` (one page, so it runs out) against its model. */
export function arenaProperty(variant: string): fc.IPropertyWithHooks<[Iterable<ArenaCommand>]> {
  return fc.property(fc.commands(arenaCommands, { maxCommands: 60 }), (commands) => {
    const a = addon();
    const arena = a.arenaCreate({ bytes: 4096, variant });
    try {
      const model: ArenaModel = { reserved: a.arenaStats(arena).reserved, used: 0, highWater: 0, allocations: 0, live: [] };
      const real: ArenaReal = { arena };
      fc.modelRun(() => ({ model, real }), commands);
      checkArenaStats(model, real);
    } finally {
      a.close(arena);
    }
  });
}

// ---- Block pool -------------------------------------------------------------------------

interface PoolModel {
  blockSize: number;
  blocks: number;
  stride: number;
  alignment: number;
  live: number[]; // offsets, in allocation order
  ever: Set<number>; // every offset ever handed out
  allocations: number;
}
interface PoolReal {
  pool: BlockPoolHandle;
}
type PoolCommand = fc.Command<PoolModel, PoolReal>;

function checkPoolStats(m: PoolModel, r: PoolReal): void {
  const a = addon();
  const s = a.poolStats(r.pool);
  const want = { blockSize: m.blockSize, stride: m.stride, blocks: m.blocks, reserved: m.blocks * m.stride, used: m.live.length * m.stride, highWater: m.ever.size * m.stride, allocations: m.allocations };
  if (JSON.stringify(s) !== JSON.stringify(want)) fail(`pool stats ${JSON.stringify(s)}, the model says ${JSON.stringify(want)}`);
  const broken = a.poolCheckInvariants(r.pool);
  if (broken !== null) fail(broken);
}

class PoolAllocate implements PoolCommand {
  check = () => true;
  run(m: PoolModel, r: PoolReal): void {
    const got = addon().poolAllocate(r.pool);
    if (got === undefined) {
      if (m.live.length < m.blocks) fail(`allocate() ran out with ${m.live.length} of ${m.blocks} blocks out`);
      return;
    }
    if (m.live.length === m.blocks) fail(`allocate() returned ${got} with all ${m.blocks} blocks out`);
    if (got % m.stride !== 0 || got / m.stride >= m.blocks || got < 0) fail(`allocate() returned ${got}: not one of the ${m.blocks} blocks ${m.stride} bytes apart`);
    if (got % m.alignment !== 0) fail(`allocate() returned ${got}, not aligned to ${m.alignment}`);
    if (m.live.includes(got)) fail(`allocate() returned ${got}, which is still allocated (live: ${m.live.join(', ')})`);
    m.live.push(got);
    m.ever.add(got);
    m.allocations += 1;
  }
  toString = () => 'allocate()';
}

class PoolFree implements PoolCommand {
  constructor(readonly pick: number) {}
  check = (m: Readonly<PoolModel>) => m.live.length > 0;
  run(m: PoolModel, r: PoolReal): void {
    const offset = m.live[this.pick % m.live.length]!;
    addon().poolFree(r.pool, offset);
    m.live = m.live.filter((o) => o !== offset);
  }
  toString = () => `free(live #${this.pick})`;
}

/** A free of a block that is not out (a double free, or one never handed out): an Error, nothing changed. */
class PoolBadFree implements PoolCommand {
  constructor(readonly block: number) {}
  check = () => true;
  run(m: PoolModel, r: PoolReal): void {
    const offset = (this.block % m.blocks) * m.stride;
    if (m.live.includes(offset)) return;
    let threw = false;
    try {
      addon().poolFree(r.pool, offset);
    } catch (e) {
      threw = e instanceof Error && /not allocated/.test(e.message);
    }
    if (!threw) fail(`free(${offset}) of a block that is not allocated did not throw the not-allocated Error`);
  }
  toString = () => `badFree(block ${this.block})`;
}

class PoolStatsCommand implements PoolCommand {
  check = () => true;
  run(m: PoolModel, r: PoolReal): void {
    checkPoolStats(m, r);
  }
  toString = () => 'stats()';
}

/** A pool of `variant` with a generated shape (few blocks, so it runs out) against its model. */
export function poolProperty(variant: string): fc.IPropertyWithHooks<[{ blockSize: number; blocks: number; alignment: number }, Iterable<PoolCommand>]> {
  const shape = fc.record({ blockSize: fc.integer({ min: 1, max: 200 }), blocks: fc.integer({ min: 1, max: 6 }), alignment: fc.constantFrom(1, 2, 8, 16, 64, 256) });
  const commands = [fc.constant(new PoolAllocate()), fc.nat().map((n) => new PoolFree(n)), fc.nat().map((n) => new PoolBadFree(n)), fc.constant(new PoolStatsCommand())];
  return fc.property(shape, fc.commands(commands, { maxCommands: 60 }), (s, cmds) => {
    const a = addon();
    const pool = a.poolCreate({ ...s, variant });
    try {
      const stride = Math.ceil(s.blockSize / s.alignment) * s.alignment;
      const model: PoolModel = { blockSize: s.blockSize, blocks: s.blocks, stride, alignment: s.alignment, live: [], ever: new Set(), allocations: 0 };
      const real: PoolReal = { pool };
      fc.modelRun(() => ({ model, real }), cmds);
      checkPoolStats(model, real);
    } finally {
      a.close(pool);
    }
  });
}

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { ADDON_FUNCTIONS, BUILD_COMMAND, addon, defaultAddonPath, loadAddon } from './index.js';

describe('the addon loader', () => {
  it('names the missing path and the build command', () => {
    const path = join(tmpdir(), 'no-such-dir', 'lockstep.node');
    expect(() => loadAddon(path)).toThrow(`${path} does not exist. Build it with \`${BUILD_COMMAND}\``);
  });

  it('says a file that is not an addon failed to load, keeping the cause', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'lockstep-')), 'lockstep.node');
    writeFileSync(path, 'not a shared object');
    let error: unknown;
    try {
      loadAddon(path);
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(new RegExp(`${path} failed to load \\(.*(invalid ELF header|file too short).*\\); rebuild it with`));
    expect(String(error)).toContain(`rebuild it with \`${BUILD_COMMAND}\``);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it('looks in build/addon unless LOCKSTEP_ADDON names another build', () => {
    const saved = process.env['LOCKSTEP_ADDON'];
    try {
      delete process.env['LOCKSTEP_ADDON'];
      expect(defaultAddonPath()).toMatch(/build\/addon\/RelWithDebInfo\/lockstep\.node$/);
      process.env['LOCKSTEP_ADDON'] = '/elsewhere/lockstep.node';
      expect(defaultAddonPath()).toBe('/elsewhere/lockstep.node');
    } finally {
      if (saved === undefined) delete process.env['LOCKSTEP_ADDON'];
      else process.env['LOCKSTEP_ADDON'] = saved;
    }
  });

  it('loads the built addon with every declared function, once', () => {
    const loaded = addon();
    for (const name of ADDON_FUNCTIONS) expect(typeof loaded[name]).toBe('function');
    expect(addon()).toBe(loaded);
    expect([64, 128]).toContain(loaded.cacheLineSize);
    // `variants` is the registry's: every built-in target, as listTargets() has it.
    const builtIn = loaded.listTargets().filter((t) => t.plugin === undefined);
    expect(Object.keys(loaded.variants)).toEqual(builtIn.map((t) => t.name));
    expect(Object.keys(loaded.variants)).toContain('chase-lev-deque');
    for (const t of builtIn) expect(loaded.variants[t.name]).toEqual(t.variants);
    for (const variants of Object.values(loaded.variants)) expect(variants[0]?.name).toBe('correct');
  });
});

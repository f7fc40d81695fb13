/**
 * `--plugin FILE` for the CLI, its campaign workers and its replay child:
 * FILE is either a plugin library (`.so`: its targets without TypeScript
 * halves, so listed and replayed but not generated) or a JavaScript module
 * that calls loadPlugin(library, ...specs) when imported (docs/sdk.md).
 * What was loaded from where is recorded in failure files (PluginRecord),
 * so that `lockstep repro` loads the same plugin, and refuses another build
 * of it.
 *
 * @example
 * const records = await importPlugins(['./ring_plugin.js']);
 * records[0]; // { module: '/…/ring_plugin.js', library: '/…/build/ring_target.so', sha256: '…', targets: ['my-ring'] }
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import { loadedPlugins, loadPlugin, PluginError } from '../properties/plugins.js';

/** A plugin as a failure file records it: what to load again, and the library's hash. */
export interface PluginRecord {
  /** The module given to --plugin, if it was one (absolute). */
  module?: string;
  /** The library (absolute). */
  library: string;
  sha256: string;
}

export interface ImportedPlugin extends PluginRecord {
  targets: readonly string[];
}

const imported: ImportedPlugin[] = [];

/** A --plugin that cannot be used: one line, naming the file (exit 2). */
export class PluginUseError extends Error {}

/**
 * Loads each plugin, in order: a library directly, a module by importing it (the plugins it
 * loads are attributed to it). Throws a PluginUseError for a missing file, a plugin that does
 * not load, or a module that loads none; a module's own error is reported in one line.
 */
export async function importPlugins(files: readonly string[]): Promise<ImportedPlugin[]> {
  const out: ImportedPlugin[] = [];
  for (const file of files) {
    const path = resolve(file);
    if (!existsSync(path) || !statSync(path).isFile()) throw new PluginUseError(`--plugin ${file}: no such file`);
    const known = imported.find((p) => p.module === path || (p.module === undefined && p.library === path));
    if (known !== undefined) {
      out.push(known);
      continue;
    }
    if (/\.so(\.\d+)*$/.test(path)) {
      try {
        const p = loadPlugin(path);
        out.push(remember({ library: p.library, sha256: p.sha256, targets: p.targets }));
      } catch (e) {
        throw new PluginUseError(`--plugin ${file}: ${(e as Error).message}`);
      }
      continue;
    }
    const before = new Set(loadedPlugins());
    try {
      await import(pathToFileURL(path).href);
    } catch (e) {
      const why = e instanceof PluginError ? e.message : `${(e as Error).name ?? 'Error'}: ${(e as Error).message ?? String(e)}`;
      throw new PluginUseError(`--plugin ${file}: ${why.split('\n')[0]}`);
    }
    const fresh = loadedPlugins().filter((p) => !before.has(p));
    if (fresh.length === 0) throw new PluginUseError(`--plugin ${file}: it loads no plugin (a plugin module calls loadPlugin(library, ...specs) from 'lockstep'; or give the .so itself)`);
    for (const p of fresh) out.push(remember({ module: path, library: p.library, sha256: p.sha256, targets: p.targets }));
  }
  return out;
}

function remember(p: ImportedPlugin): ImportedPlugin {
  imported.push(p);
  return p;
}

/** The record of the plugin that registered `target` (for its failure files); undefined for a built-in. */
export function pluginRecordOf(target: string): PluginRecord | undefined {
  const p = imported.find((i) => i.targets.includes(target));
  return p === undefined ? undefined : { ...(p.module !== undefined ? { module: p.module } : {}), library: p.library, sha256: p.sha256 };
}

/** A plugin target's failure records its plugin: `{ plugin }`, or nothing for a built-in. */
export function pluginField(target: string): { plugin?: PluginRecord } {
  const plugin = pluginRecordOf(target);
  return plugin === undefined ? {} : { plugin };
}

/** The file to give --plugin again for a record: its module, else its library. */
export const pluginFileOf = (r: PluginRecord): string => r.module ?? r.library;

/**
 * The JSON outputs and their schemas: every `--json` output (and the
 * campaign's summary-<campaign>.json) is one object whose `schema` field
 * is the `$id` of its JSON Schema (draft 2020-12), the file
 * schemas/<name>.schema.json. The number at the end of an `$id` is the
 * output's version: it changes only when a field is removed or renamed,
 * changes type or meaning, or a new field becomes required; a new optional
 * field keeps it (docs/formats.md#json-outputs). cli/json_schemas.test.ts
 * checks each command's real output against its schema.
 */
import { SUMMARY_SCHEMA } from '../fuzz/campaign.js';
import { MERGED_SCHEMA } from '../fuzz/merge.js';

const id = <N extends string, V extends number>(name: N, version: V) => `https://lockstep.invalid/schemas/${name}/${version}` as const;

/** The `$id` of each output's schema, by the name of its file (schemas/<name>.schema.json). */
export const SCHEMAS = {
  /** `lockstep fuzz --json` and summary-<campaign>.json. */
  'fuzz-summary': SUMMARY_SCHEMA,
  mutants: id('mutants', 1),
  stress: id('stress', 1),
  check: id('check', 1),
  bench: id('bench', 1),
  list: id('list', 1),
  topology: id('topology', 1),
  repro: id('repro', 1),
  /** `lockstep merge`'s summary-merged.json. */
  'merged-summary': MERGED_SCHEMA,
} as const;

export type SchemaName = keyof typeof SCHEMAS;

/** An output as printed by `--json`: the object with its `schema` first, then a newline. */
export function jsonOutput(name: SchemaName, fields: object): string {
  return JSON.stringify({ schema: SCHEMAS[name], ...fields }, null, 2) + '\n';
}

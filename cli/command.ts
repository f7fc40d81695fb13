/**
 * A CLI command: its name, the line `lockstep --help` shows for it, its
 * help text (flags, defaults, exit codes: docs/cli.md is made from these),
 * and what it does, returning the exit code (flags.ts EXIT).
 */
export interface Command {
  name: string;
  summary: string;
  help(): string;
  run(args: string[]): number | Promise<number>;
}

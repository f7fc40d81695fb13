#!/usr/bin/env node
/** The `lockstep` executable: runs cli/main.ts and exits with its code. */
import { failureOf, main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const { code, text } = failureOf(e);
    process.stderr.write(text);
    process.exit(code);
  },
);

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { cliReference } from './reference.js';

describe('docs/cli.md', () => {
  it('is the help of every command as the CLI prints it (npm run docs:cli writes it)', () => {
    expect(readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8')).toBe(cliReference());
  });
});

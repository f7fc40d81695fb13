/**
 * The README is the front door: it opens with the two commands, and it
 * names every addon export, every target, every variant and every litmus
 * test, so that it can neither go missing nor fall behind unnoticed.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { LITMUS } from './models/litmus.js';
import { ADDON_FUNCTIONS, addon } from './native/index.js';

const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');

describe('README.md', () => {
  it('opens with what lockstep is, then the two commands', () => {
    expect(readme.startsWith('# lockstep\n')).toBe(true);
    const firstBlock = readme.slice(readme.indexOf('```sh'), readme.indexOf('```', readme.indexOf('```sh') + 5));
    expect(firstBlock).toContain('npm install');
    expect(firstBlock).toContain('npm test');
    expect(readme.indexOf('## The two commands')).toBeLessThan(readme.indexOf('## What lockstep checks'));
  });

  it('names every addon export', () => {
    for (const name of ADDON_FUNCTIONS) expect(readme, name).toContain(name);
  });

  it('names every target and every variant', () => {
    for (const target of addon().listTargets()) {
      expect(readme, target.name).toContain(target.name);
      for (const v of target.variants.slice(1)) expect(readme, `${target.name}/${v.name}`).toContain(v.name);
    }
  });

  it('has a row for every litmus test', () => {
    for (const t of LITMUS) expect(readme, t.name).toContain(`| ${t.name} |`);
  });

  it('has its sections', () => {
    for (const heading of ['## The engine', '## The simulator', '## Models and the linearizability checker', '## Formats', '## Reproducing a failure', '## Layout', '## Measured performance', '## Dependencies']) {
      expect(readme).toContain(heading);
    }
  });
});

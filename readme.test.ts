/**
 * The README is the front door: it opens with what lockstep is and the two
 * commands, stays under 300 lines, leads to every page of docs/, and keeps
 * a line for every dependency. What the docs as a whole must hold (links,
 * names, generated output) is docs.test.ts's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

describe('README.md', () => {
  it('opens with what lockstep is, then the two commands', () => {
    expect(readme.startsWith('# lockstep\n')).toBe(true);
    expect(readme.match(/^## .*$/m)?.[0]).toBe('## The two commands');
    const start = readme.indexOf('```sh');
    const firstBlock = readme.slice(start, readme.indexOf('```', start + 5));
    expect(firstBlock).toContain('npm install');
    expect(firstBlock).toContain('npm test');
    expect(start).toBeGreaterThan(readme.indexOf('## The two commands'));
  });

  it('is under 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThan(300);
  });

  it('has its sections, in this order', () => {
    const order = ['## The two commands', '## Examples', '## What lockstep checks', '## Documentation', '## Layout', '## Dependencies'].map((h) => readme.indexOf(`\n${h}\n`));
    expect(order.every((at) => at > 0), 'every section is there').toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('shows an example of each use', () => {
    const examples = readme.slice(readme.indexOf('## Examples'), readme.indexOf('## What lockstep checks'));
    for (const use of ['npm test', 'lockstep/vitest', 'npx lockstep fuzz', 'npx lockstep repro', 'npx lockstep stress', 'npx lockstep check']) expect(examples, use).toContain(use);
  });

  it('links every page of docs/', () => {
    for (const page of readdirSync(new URL('./docs/', import.meta.url)).filter((f) => f.endsWith('.md'))) {
      expect(readme, page).toContain(`](docs/${page})`);
    }
  });

  it('keeps a line for every dependency', () => {
    const table = readme.slice(readme.indexOf('## Dependencies'));
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
      expect(table, name).toMatch(new RegExp(`^\\| ${name.replace(/[/@.-]/g, '\\$&')}[ |]`, 'm'));
    }
  });
});

/**
 * The package's own files agree: package-lock.json records the root
 * package as package.json declares it (a stale lock is rewritten by the
 * first `npm install` of a fresh clone).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (name: string) => JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('package.json and package-lock.json', () => {
  it('the lock records the root package as package.json declares it', () => {
    const pkg = read('package.json');
    const root = (read('package-lock.json')['packages'] as Record<string, Record<string, unknown>>)['']!;
    for (const key of ['name', 'version', 'license', 'bin', 'dependencies', 'devDependencies', 'engines']) {
      expect(root[key], key).toEqual(pkg[key]);
    }
  });
});

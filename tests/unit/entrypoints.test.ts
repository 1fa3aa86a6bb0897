import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtInAdapters } from '@/lib/adapters/builtin';

const ENTRYPOINTS = path.resolve(__dirname, '../../entrypoints');

describe('content scripts of the built-in sites', () => {
  it('gives every built-in adapter its own content script, with its adapter alone', () => {
    for (const adapter of builtInAdapters) {
      const file = path.join(ENTRYPOINTS, `${adapter.id}.content.ts`);
      expect(existsSync(file), `${file} is missing`).toBe(true);
      const source = readFileSync(file, 'utf8');
      expect(source).toContain(`siteContentScript(${adapter.id})`);
      const others = builtInAdapters.filter((other) => other.id !== adapter.id).map((other) => `@/lib/adapters/${other.id}'`);
      for (const other of others) expect(source).not.toContain(other);
    }
  });

  it('has no content script for a site that is not built in (forums are registered at run time)', () => {
    const sites = readdirSync(ENTRYPOINTS)
      .filter((name) => name.endsWith('.content.ts'))
      .map((name) => name.replace(/\.content\.ts$/, ''));
    expect(sites.sort()).toEqual(builtInAdapters.map((adapter) => adapter.id).sort());
  });
});

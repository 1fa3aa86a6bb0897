/**
 * The import boundaries of STYLE.md "Layout", as eslint.config.js enforces them. Each snippet
 * below crosses a boundary and must be reported, so a config change that silently drops a rule
 * (a glob that no longer matches, an override that shadows another) fails here. The allowed
 * snippets keep the rules from over-reaching.
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const BOUNDARY_RULES = new Set(['no-restricted-imports', 'no-restricted-syntax', 'no-restricted-globals']);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: ROOT });
});

/** Boundary errors ESLint reports for `code` as if it were the file at `file`. */
async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  expect(result, `ESLint linted ${file}`).toBeDefined();
  const fatal = result!.messages.filter((message) => message.fatal);
  expect(fatal, `${file} parses`).toEqual([]);
  return result!.messages.filter((message) => message.severity === 2 && message.ruleId && BOUNDARY_RULES.has(message.ruleId)).map((message) => message.message);
}

/** Import forms: static, type-only, re-export, dynamic. */
const importOf = (specifier: string) => `import x from '${specifier}';\nexport const y = x;\n`;
const forms = (specifier: string): [string, string][] => [
  ['import', importOf(specifier)],
  ['import type', `import type { X } from '${specifier}';\nexport type Y = X;\n`],
  ['export from', `export * from '${specifier}';\n`],
  ['dynamic import', `export const load = () => import('${specifier}');\n`],
];

interface Boundary {
  folder: string;
  files: string[];
  forbidden: string[];
  allowed: string[];
  /** `browser` / `chrome` globals (WXT auto-imports `browser`) are forbidden too. */
  noExtensionGlobals: boolean;
}

const BOUNDARIES: Boundary[] = [
  {
    folder: 'lib/adapters',
    files: ['lib/adapters/some-site.ts', 'lib/adapters/nested/helper.ts'],
    forbidden: [
      '@/lib/db/db',
      '@/lib/db',
      '~/lib/db/ingest',
      '../db/db',
      'dexie',
      '@/lib/messages/client',
      '@/lib/messages/schema',
      '../messages/client',
      '@/lib/content/runtime',
      '../content/badge',
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-runtime',
      'wxt/browser',
      'webextension-polyfill',
    ],
    allowed: ['@/lib/model/observed', './dom', 'zod', 'date-fns', '@/lib/adapters/time'],
    noExtensionGlobals: true,
  },
  {
    folder: 'lib/content',
    files: ['lib/content/some-runtime.ts'],
    forbidden: ['@/lib/db/db', '@/lib/db/types', '../db/ingest', '~/lib/db', 'dexie', 'dexie-react-hooks', '@/lib/messages/client', '../messages/client'],
    allowed: ['@/lib/messages/page-client', '@/lib/messages/schema', 'wxt/browser', '@/lib/adapters', './dom', '@/lib/model/member'],
    noExtensionGlobals: false,
  },
  {
    folder: 'entrypoints/*.content',
    files: ['entrypoints/forum.content/index.ts', 'entrypoints/reddit.content/ui.tsx', 'entrypoints/hn.content.ts'],
    forbidden: ['@/lib/db/db', '../../lib/db/db', 'dexie', '@/lib/messages/client', '../../lib/messages/client'],
    allowed: ['@/lib/content/runtime', '@/lib/adapters', 'wxt/browser', '@/lib/messages/page-client'],
    noExtensionGlobals: false,
  },
  {
    folder: 'components',
    files: ['components/MemberCard.tsx', 'components/charts/Trend.tsx'],
    forbidden: ['wxt/browser', '@/lib/db/db', '../lib/db/types', 'dexie', 'dexie-react-hooks', '@/lib/messages/client', '../lib/messages/schema'],
    allowed: ['react', '@/lib/model/member', './CommunityTable'],
    noExtensionGlobals: true,
  },
  {
    folder: 'lib/health',
    files: ['lib/health/score.ts'],
    forbidden: ['wxt/browser', 'dexie', '@/lib/db/types', '../db/db'],
    allowed: ['@/lib/model/observed', './metrics', 'date-fns'],
    noExtensionGlobals: true,
  },
  {
    folder: 'lib/replies',
    files: ['lib/replies/rank.ts'],
    forbidden: ['wxt/browser', 'dexie', '@/lib/db/types'],
    allowed: ['@/lib/model/member', './templates'],
    noExtensionGlobals: true,
  },
  {
    folder: 'lib/model',
    files: ['lib/model/some-model.ts'],
    forbidden: ['@/lib/db/types', '@/lib/adapters/time', '../adapters/time', '@/lib/messages/schema', '~/lib/settings', '../settings'],
    allowed: ['./ids', '@/lib/model/member', 'zod'],
    noExtensionGlobals: false,
  },
];

describe.each(BOUNDARIES)('$folder', ({ files, forbidden, allowed, noExtensionGlobals }) => {
  it.each(files.flatMap((file) => forbidden.flatMap((specifier) => forms(specifier).map(([form, code]) => [file, form, specifier, code]))))(
    '%s: %s %s is reported',
    async (file, _form, _specifier, code) => {
      expect(await boundaryErrors(file, code)).not.toEqual([]);
    },
  );

  it.each(files.flatMap((file) => allowed.flatMap((specifier) => forms(specifier).map(([form, code]) => [file, form, specifier, code]))))(
    '%s: %s %s is fine',
    async (file, _form, _specifier, code) => {
      expect(await boundaryErrors(file, code)).toEqual([]);
    },
  );

  it.each(files)(`%s: the browser and chrome globals are ${noExtensionGlobals ? 'reported' : 'allowed'}`, async (file) => {
    const errors = await boundaryErrors(file, 'export const id = () => browser.runtime.id ?? chrome.runtime.id;\n');
    expect(errors).toHaveLength(noExtensionGlobals ? 2 : 0);
  });
});

describe('outside the boundaries', () => {
  it.each([
    ['lib/background/sites.ts', '@/lib/db/db'],
    ['entrypoints/background/handlers.ts', 'dexie'],
    ['entrypoints/popup/App.tsx', 'dexie-react-hooks'],
    ['entrypoints/popup/App.tsx', 'wxt/browser'],
    ['lib/messages/schema.ts', '@/lib/model/observed'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await boundaryErrors(file, importOf(specifier))).toEqual([]);
  });

  it('the reported message says why', async () => {
    const [message] = await boundaryErrors('lib/adapters/some-site.ts', importOf('@/lib/db/db'));
    expect(message).toMatch(/database/);
  });
});

describe('the rest of the config', () => {
  it('applies typescript-eslint and the React hooks rules', async () => {
    const [ts] = await eslint.lintText('export function f(a: any) { return a; }\n', { filePath: path.join(ROOT, 'lib/background/x.ts') });
    expect(ts!.messages.map((message) => message.ruleId)).toContain('@typescript-eslint/no-explicit-any');

    const [tsx] = await eslint.lintText(
      "import { useState } from 'react';\nexport function C({ on }: { on: boolean }) { if (on) { useState(0); } return null; }\n",
      { filePath: path.join(ROOT, 'components/C.tsx') },
    );
    expect(tsx!.messages.map((message) => message.ruleId)).toContain('react-hooks/rules-of-hooks');
  });

  it('ignores build output', async () => {
    expect(await eslint.isPathIgnored(path.join(ROOT, '.output/chrome-mv3/background.js'))).toBe(true);
    expect(await eslint.isPathIgnored(path.join(ROOT, '.wxt/types/imports.d.ts'))).toBe(true);
    expect(await eslint.isPathIgnored(path.join(ROOT, 'node_modules/dexie/dist/dexie.mjs'))).toBe(true);
  });
});

// @ts-check
/**
 * ESLint flat config. Besides the usual recommended sets it enforces the import boundaries of
 * STYLE.md "Layout" (RES does the same with import/no-restricted-paths), with the built-in
 * no-restricted-imports rule, one override per folder. Each boundary is written once, as
 * regular expressions that catch the `@/` and `~/` aliases and relative paths alike, and is
 * also applied to dynamic `import()` (which no-restricted-imports does not see).
 * tests/unit/lint-boundaries.test.ts proves every boundary still reports a violation.
 */
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `@/lib/<dir>`, `~/lib/<dir>` (WXT's aliases) or a relative path ending in `lib/<dir>` or `../<dir>`. */
const libDir = (dir) => [`^(?:@|~|@@|~~)/lib/${dir}(?:/|$)`, `^(?:\\.\\.?/)+(?:lib/)?${dir}(?:/|$)`];
/** A package and its subpaths. */
const pkg = (name) => [`^${name.replace(/\./g, '\\.')}(?:/|$)`];

const RULE = {
  db: { regex: [...libDir('db'), ...pkg('dexie'), ...pkg('dexie-react-hooks')], message: 'Only the background and extension pages use the database (lib/db, Dexie).' },
  messages: { regex: libDir('messages'), message: 'Adapters and components do not message: the content runtime or the page does.' },
  zodClient: {
    regex: [`^(?:@|~|@@|~~)/lib/messages/client$`, `^(?:\\.\\.?/)+(?:lib/)?messages/client$`],
    message: 'Content scripts send through lib/messages/page-client: zod and every message schema would load into each page Kehila reads.',
  },
  content: { regex: libDir('content'), message: 'Site adapters are pure DOM readers; the content runtime uses them, not the reverse.' },
  react: { regex: [...pkg('react'), ...pkg('react-dom')], message: 'Site adapters render nothing: no React.' },
  browser: {
    regex: [...pkg('wxt/browser'), ...pkg('webextension-polyfill'), ...pkg('@wxt-dev/browser')],
    message: 'No extension APIs here: pass data in, keep this code pure and testable.',
  },
  notModel: {
    regex: ['^(?:@|~|@@|~~)/lib/(?!model(?:/|$))', '^\\.\\./(?!model(?:/|$))'],
    message: 'lib/model is the shared vocabulary: it imports nothing from lib/ but lib/model.',
  },
};

/**
 * no-restricted-imports for static imports and exports, no-restricted-syntax for `import()`.
 * @param {Array<keyof typeof RULE>} names
 */
function boundaries(names, { noExtensionGlobals = false } = {}) {
  const rules = names.map((name) => RULE[name]);
  return {
    'no-restricted-imports': ['error', { patterns: rules.flatMap(({ regex, message }) => regex.map((pattern) => ({ regex: pattern, message }))) }],
    'no-restricted-syntax': [
      'error',
      ...rules.flatMap(({ regex, message }) =>
        // esquery's /regex/ ends at the first slash, escaped or not: spell slashes as \x2F.
        regex.map((pattern) => ({ selector: `ImportExpression > Literal.source[value=/${pattern.replace(/\//g, '\\x2F')}/]`, message })),
      ),
    ],
    // WXT auto-imports `browser`, so "no extension APIs" also means not using the global.
    ...(noExtensionGlobals && {
      'no-restricted-globals': ['error', ...['browser', 'chrome'].map((name) => ({ name, message: RULE.browser.message }))],
    }),
  };
}

export default tseslint.config(
  { ignores: ['.output/**', '.wxt/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node },
    },
    rules: {
      // Unused arguments are fine when prefixed with _ (handler signatures, listeners).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['**/*.tsx'],
    ...reactHooks.configs.flat.recommended,
  },

  // Import boundaries (STYLE.md "Layout").
  {
    files: ['lib/adapters/**'],
    rules: boundaries(['db', 'messages', 'content', 'react', 'browser'], { noExtensionGlobals: true }),
  },
  {
    files: ['lib/content/**', 'entrypoints/*.content/**', 'entrypoints/*.content.ts', 'entrypoints/*.content.tsx'],
    rules: boundaries(['db', 'zodClient']),
  },
  {
    files: ['components/**'],
    rules: boundaries(['browser', 'db', 'messages'], { noExtensionGlobals: true }),
  },
  {
    files: ['lib/health/**', 'lib/replies/**'],
    rules: boundaries(['browser', 'db'], { noExtensionGlobals: true }),
  },
  {
    files: ['lib/model/**'],
    rules: boundaries(['notModel']),
  },
);

// Lint: typescript-eslint's recommended rules, plus the layering of DESIGN.md
// (renderer → domain; electron → services → db → domain; server → domain).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const layer = (from, forbidden, allowTypeImports = false) => ({
  files: [`${from}/**/*.{ts,tsx,cts}`],
  rules: {
    'no-restricted-imports': ['error', { patterns: forbidden.map((f) => ({ group: [`**/${f}/*`, `**/${f}`], message: `${from}/ may not import ${f}/ (see DESIGN.md "Layout")`, allowTypeImports })) }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-renderer/**', 'release/**', 'test-results/**', 'test/e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  { files: ['renderer/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['electron/preload.cts'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['test/**/*.{ts,tsx}'], rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off' } },
  layer('domain', ['db', 'services', 'electron', 'renderer', 'server']),
  layer('db', ['services', 'electron', 'renderer', 'server']),
  layer('services', ['electron', 'renderer', 'server']),
  layer('renderer', ['db', 'services', 'electron', 'server'], true), // type-only: the preload bridge's type
  layer('server', ['db', 'services', 'electron', 'renderer']),
);

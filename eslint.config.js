// ESLint flat config. The import rules keep the layers of ARCHITECTURE.md honest:
// core/ is plain Node (no electron, no DOM), renderer/ sees only *types* from core/api,
// and only main/safe-open-external.ts may call shell.openExternal.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement'];

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'test-output/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['core/**/*.ts', 'test/**/*.ts', 'test/**/*.mjs', 'eslint.config.js', 'core/cli/bin.js'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'core/ runs in plain Node: no electron (see ARCHITECTURE.md).' },
            { name: 'react', message: 'core/ has no UI code.' },
            { name: 'react-dom', message: 'core/ has no UI code.' },
            { name: 'echarts', message: 'core/ has no UI code.' },
          ],
          patterns: [
            { group: ['**/renderer/**', '**/main/**'], message: 'core/ never imports from renderer/ or main/.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', ...domGlobals.map((name) => ({ name, message: 'core/ has no DOM.' }))],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/core/api/**', '**/core/api'],
              allowTypeImports: true,
              message: 'renderer/ may import only types from core/api; it talks to the backend over the API.',
            },
            {
              group: ['**/core/*', '!**/core/api', '!**/core/api/**'],
              message: 'renderer/ must not import core runtime code (only types from core/api).',
            },
            { group: ['electron', '**/main/**'], message: 'renderer/ runs sandboxed: no electron or main/ imports.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'shell', property: 'openExternal', message: 'Use safeOpenExternal() from main/safe-open-external.ts.' },
      ],
    },
  },
  {
    files: ['main/safe-open-external.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);

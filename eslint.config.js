// Lint rules (typescript-eslint's recommended set) plus the two architecture rules of the
// folder tree: a provider never reaches up into bring-up, the claims or the traffic tools
// (helpers/providers/api/ is the seam), and no module imports itself back through a cycle.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', '.schemas/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    plugins: { 'import-x': importX },
    // Resolves our `./x.js` specifiers to the `./x.ts` sources, as TypeScript's NodeNext does.
    settings: {
      'import-x/extensions': ['.ts', '.mjs', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver-next': [createTypeScriptImportResolver()],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // Unused names are dead code; a leading underscore marks one kept on purpose (a destructured rest).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['helpers/providers/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+(lab|checks|traffic)/',
              message:
                'providers start and remove labs; bring-up, claims and traffic live above them (helpers/lab, helpers/checks, helpers/traffic) and use the seam in helpers/providers/api/',
            },
          ],
        },
      ],
    },
  },
  prettier,
);

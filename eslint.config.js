// Lint rules (typescript-eslint's recommended set) plus the two architecture rules of the
// folder tree: each room of helpers/ imports only the rooms below it, and no module imports
// itself back through a cycle. Two size limits keep code readable: no function in helpers/ over
// 80 lines, no test file over 300.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { ROOMS as ROOM_LIST } from './helpers/rooms.mjs';

/** helpers/ rooms, lowest first (helpers/rooms.mjs, drawn in docs/architecture.md). */
const ROOMS = ROOM_LIST.map(([room]) => room);

export default tseslint.config(
  { ignores: ['node_modules/', 'reports/', '.schemas/', 'coverage/', '.cache/'] },
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
  // The rooms of helpers/, lowest first: a room imports only rooms before it (and itself),
  // so every arrow points down and no lower room reaches into a higher one. docs/architecture.md
  // draws the same order. The providers' seam is helpers/providers/api/.
  ...ROOMS.map((room, i) => ({
    files: [`helpers/${room}/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${ROOMS.slice(i + 1).join('|')})/`,
              message: `helpers/${room}/ sits below ${ROOMS.slice(i + 1).join(', ')}: it may import only ${ROOMS.slice(0, i + 1).join(', ')} (docs/architecture.md)`,
            },
          ],
        },
      ],
    },
  })),
  // A helper over 80 lines holds several jobs; split it into named ones.
  { files: ['helpers/**'], rules: { 'max-lines-per-function': ['error', { max: 80 }] } },
  // A test file over 300 lines holds several subjects; split it into focused files.
  {
    files: ['test/**/*.test.ts', 'suites/**/*.test.ts'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  prettier,
);

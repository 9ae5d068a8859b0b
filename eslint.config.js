// Lint rules of the house. The layer rules say which folder of source/ may load which
// (docs/architecture.md): a value import across a forbidden edge fails `npm test`.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Forbid value imports from these folders of source/ (type-only imports stay allowed). */
function layer(files, forbidden, message) {
  return {
    files,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(^|/)(${forbidden.join('|')})/`,
              message,
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'bench/results/', 'tmp/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  // The product's code speaks through the CLI's output module, never console.*.
  { files: ['source/**'], ignores: ['source/cli/output.ts'], rules: { 'no-console': 'error' } },
  // The layers, lowest first: imap < engine < store < notify < cli (the composition root).
  layer(
    ['source/imap/**'],
    ['engine', 'store', 'notify', 'cli', 'ui', 'demo'],
    'imap is the lowest layer: it loads no other part of source/.',
  ),
  layer(
    ['source/engine/**'],
    ['store', 'notify', 'cli', 'ui', 'demo'],
    'the engine plans and runs syncs: it gets storage and output through its ports, never loads store, cli or ui.',
  ),
  layer(
    ['source/store/**'],
    ['engine', 'notify', 'cli', 'ui', 'demo'],
    'the store keeps the data dir: it loads no engine, cli or ui code (types only).',
  ),
  layer(['source/notify/**'], ['cli', 'ui', 'demo'], 'notify composes and sends mail: it loads no cli or ui code.'),
  layer(['source/demo/**'], ['engine', 'store', 'notify', 'cli', 'ui'], 'the demo starts servers: it loads only imap.'),
  layer(
    ['source/shared/**'],
    ['engine', 'store', 'notify', 'cli', 'ui', 'imap', 'demo'],
    'shared holds neutral helpers every layer may load: it loads none of them.',
  ),
  layer(
    ['source/ui/**'],
    ['engine', 'store', 'notify', 'cli', 'imap', 'demo'],
    'the dashboard reads and acts through its backend (source/ui/backend.ts); shared helpers live in source/shared (types only from the other layers).',
  ),
);

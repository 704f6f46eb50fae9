import nx from '@nx/eslint-plugin';

/**
 * Module boundaries of the house (see README "Layout"):
 * - core depends on nothing but core;
 * - formats and adapters build on core; the job runtime wires adapters;
 * - a pipeline composes packages and never imports another pipeline;
 * - tools (local AWS stack, bench, generators) are never imported by runtime code,
 *   only by tests and other tools.
 */
const runtimeConstraints = [
  { sourceTag: 'type:core', onlyDependOnLibsWithTags: ['type:core'] },
  { sourceTag: 'type:format', onlyDependOnLibsWithTags: ['type:core', 'type:format'] },
  { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:core', 'type:format', 'type:adapter'] },
  { sourceTag: 'type:runtime', onlyDependOnLibsWithTags: ['type:core', 'type:format', 'type:adapter'] },
  // Destinations any pipeline calls (the warehouse upsert): adapters and conversion composed.
  { sourceTag: 'type:destination', onlyDependOnLibsWithTags: ['type:core', 'type:format', 'type:adapter', 'type:runtime'] },
  {
    sourceTag: 'type:pipeline',
    onlyDependOnLibsWithTags: ['type:core', 'type:format', 'type:adapter', 'type:runtime', 'type:destination'],
  },
  // Commands for people (`etl`): like a pipeline, they compose packages.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:core', 'type:format', 'type:adapter', 'type:runtime', 'type:destination'] },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:core', 'type:format', 'type:adapter', 'type:runtime', 'type:destination', 'type:tool'],
  },
  { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['*'] },
];

// Tests may start tools (the local AWS stack) but still never reach into another pipeline.
const testConstraints = runtimeConstraints.map((c) =>
  c.sourceTag === 'type:e2e' || c.sourceTag === 'type:tool'
    ? c
    : { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:tool'] },
);

const boundaries = (depConstraints) => [
  'error',
  {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints,
  },
];

const testFiles = ['**/*.spec.ts', '**/*.test.ts', '**/*.contract.ts'];
// Per-project tool configs extend the root ones by relative path.
const configFiles = ['**/eslint.config.mjs', '**/vitest.config.mjs'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/.local', '**/*.d.ts'] },
  {
    files: ['**/*.ts', '**/*.mts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(runtimeConstraints),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: testFiles,
    rules: { '@nx/enforce-module-boundaries': boundaries(testConstraints) },
  },
  {
    files: configFiles,
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    files: ['**/*.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        { ignoredFiles: ['{projectRoot}/eslint.config.{js,cjs,mjs}', '{projectRoot}/vitest.config.mjs', '{projectRoot}/**/*.spec.ts'] },
      ],
    },
    languageOptions: { parser: await import('jsonc-eslint-parser') },
  },
];

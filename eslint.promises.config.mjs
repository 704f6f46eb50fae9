import tseslint from 'typescript-eslint';

/**
 * The type-aware promise rules, for the whole repository in one ESLint process (`nx run
 * nx-plugin:lint-promises`, which every project's `lint` depends on): a forgotten `await` on a stream
 * or an upload is a data-loss bug, and in a spec an assertion that never runs.
 *
 * Why one process: type-aware rules need each file's TypeScript program, and a program drags in the
 * TypeScript and Node declarations, vitest's, and through the adapters the AWS SDK's (~6 MB for
 * `@etl/convert`). Built per project, as each project's own lint did, that cost 384 CPU-s of a
 * ~1,700 CPU-s suite; built once, sharing parsed declarations between projects, 91 CPU-s for
 * everything (2026-12-07, 2-core VM). The other rules stay per project (`eslint.config.mjs`).
 * The project service finds each file's program through its project's tsconfig.json, whose
 * references (tsconfig.lib.json, tsconfig.spec.json) hold the sources and the specs.
 */
export default [
  // TypeScript only: the JavaScript files (tools' scripts, configs) have no program to check against.
  { ignores: ['**/dist', '**/out-tsc', '**/node_modules', '**/.local', '**/cdk.out', '**/*.d.ts', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
];

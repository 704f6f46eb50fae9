import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const workspaceRoot = fileURLToPath(new URL('.', import.meta.url));

/**
 * Resolve workspace packages to their TypeScript sources (the `@etl/source` export condition).
 * No `import`/`module` conditions: dependencies are loaded by Node itself, and with them Node would
 * hand CommonJS packages (pg) ESM builds, and the AWS SDK its bundler-only `dist-es`.
 */
const conditions = ['@etl/source', 'node'];

/**
 * One vitest config for every project: specs beside the code, talking to real components.
 * @param {string} projectDir the project's folder (`import.meta.dirname` of its vitest.config.mjs)
 * @param {{ testTimeout?: number, include?: string[], maxWorkers?: number, isolate?: boolean }} [options] `maxWorkers`: spec files run
 *   at once (vitest's default on 2 cores is 1); for specs that mostly wait on child processes. `isolate`
 *   (default false): a fresh module graph per spec file. Off, the files of a worker share their imports:
 *   a project's tests took 35-58% less CPU (the AWS SDK, zod, … evaluated once, not per file), and the
 *   suite is CPU-bound. Specs keep no state in modules; the environment is restored after each file
 *   (vitest.restore-env.mjs).
 */
export function projectTestConfig(projectDir, options = {}) {
  const project = JSON.parse(readFileSync(join(projectDir, 'package.json'), 'utf8')).name.replace(/^@etl\//, '');
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@etl/source'] } },
    test: {
      include: options.include ?? ['src/**/*.spec.ts'],
      environment: 'node',
      isolate: options.isolate ?? false,
      setupFiles: [`${workspaceRoot}vitest.restore-env.mjs`],
      testTimeout: options.testTimeout ?? 30_000,
      ...(options.maxWorkers ? { maxWorkers: options.maxWorkers } : {}),
      hookTimeout: 60_000,
      // JSON results per project let .ci/run print one "N passed, N failed" line for the whole suite.
      reporters: ['default', ['json', { outputFile: `${workspaceRoot}.local/test-results/${project}.json` }]],
      // The AWS SDK is pinned for Node 20 on purpose (see README); its upgrade notice is noise here.
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  });
}

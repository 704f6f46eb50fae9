import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const workspaceRoot = fileURLToPath(new URL('.', import.meta.url));

/** Resolve workspace packages to their TypeScript sources (the `@etl/source` export condition). */
const conditions = ['@etl/source', 'node', 'import', 'default'];

/**
 * One vitest config for every project: specs beside the code, talking to real components.
 * @param {{ testTimeout?: number, include?: string[] }} [options]
 */
export function projectTestConfig(options = {}) {
  const project = JSON.parse(readFileSync('package.json', 'utf8')).name.replace(/^@etl\//, '');
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@etl/source'] } },
    test: {
      include: options.include ?? ['src/**/*.spec.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      // JSON results per project let .ci/run print one "N passed, N failed" line for the whole suite.
      reporters: ['default', ['json', { outputFile: `${workspaceRoot}.local/test-results/${project}.json` }]],
      // The AWS SDK is pinned for Node 20 on purpose (see README); its upgrade notice is noise here.
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  });
}

import { defineConfig } from 'vitest/config';

/** Resolve workspace packages to their TypeScript sources (the `@etl/source` export condition). */
const conditions = ['@etl/source', 'node', 'import', 'default'];

/**
 * One vitest config for every project: specs beside the code, talking to real components.
 * @param {{ testTimeout?: number, include?: string[] }} [options]
 */
export function projectTestConfig(options = {}) {
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@etl/source'] } },
    test: {
      include: options.include ?? ['src/**/*.spec.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      // The AWS SDK is pinned for Node 20 on purpose (see README); its upgrade notice is noise here.
      env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    },
  });
}

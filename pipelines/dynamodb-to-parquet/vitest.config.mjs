import { projectTestConfig } from '../../vitest.shared.mjs';

// The local-stack specs load and export the retail sample and a 10,000-item table through a 5% fault proxy.
export default projectTestConfig(import.meta.dirname, { testTimeout: 240_000 });

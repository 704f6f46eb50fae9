import { projectTestConfig } from '../../vitest.shared.mjs';

// Synthesising every stack with cdk-nag takes a few seconds on the shared 2-core machine.
export default projectTestConfig(import.meta.dirname, { testTimeout: 60_000 });

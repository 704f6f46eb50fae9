import { projectTestConfig } from '../vitest.shared.mjs';

export default projectTestConfig({ testTimeout: 180_000 });

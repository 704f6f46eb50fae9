import { projectTestConfig } from '../vitest.shared.mjs';

// The e2e files mostly wait on the bundled pipelines and stand-ins they start: three at a time
// (the generator's alone takes ~3 minutes; one at a time the suite's last task ran 6).
export default projectTestConfig(import.meta.dirname, { testTimeout: 180_000, maxWorkers: 3 });

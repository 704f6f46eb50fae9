import { projectTestConfig } from '../../vitest.shared.mjs';

// The spill specs push tens of MB through real temp files (16 MiB is the smallest budget): a few
// seconds each on a quiet machine, several times that on a shared one.
export default projectTestConfig(import.meta.dirname, { testTimeout: 90_000 });

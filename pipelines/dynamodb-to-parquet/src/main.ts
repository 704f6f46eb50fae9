import { runMain } from '@etl/runtime';
import { exportJob } from './job.js';
import { populateJob } from './populate.js';

// `main.mjs populate …` loads a CSV into a table (the `populate` target); anything else is the export.
// One entry point, so the image runs both.
if (process.argv[2] === 'populate') {
  process.argv.splice(2, 1);
  runMain(populateJob);
} else runMain(exportJob);

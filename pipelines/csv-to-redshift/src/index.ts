export { csvToRedshiftJob } from './job.js';
export { csvToRedshiftArgs, bundledSample } from './config.js';

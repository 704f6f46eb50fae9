export { csvToRedshiftJob } from './job.js';
export { csvToRedshiftArgs, bundledSample, type CsvToRedshiftConfig } from './config.js';
export { loadFile, type FileOutcome } from './load-file.js';

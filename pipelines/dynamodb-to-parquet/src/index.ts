export { exportJob } from './job.js';
export { partitionSpecs } from './partition-specs.js';
export { nativeExportProblems } from './native-export.js';
export { populateJob, populate, keyColumns } from './populate.js';
export { exportArgs, populateArgs, bundledSample, SAMPLE_TABLE, SAMPLE_KEY } from './config.js';

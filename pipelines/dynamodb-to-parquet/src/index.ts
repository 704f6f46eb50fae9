export { exportJob, partitionSpecs } from './job.js';
export { populateJob, populate, keyColumns } from './populate.js';
export { exportArgs, populateArgs, bundledSample, SAMPLE_TABLE, SAMPLE_KEY } from './config.js';

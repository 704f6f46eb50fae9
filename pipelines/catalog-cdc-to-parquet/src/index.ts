export { catalogCdcJob } from './job.js';
export { catalogCdcArgs, SAMPLE_DATABASE, sampleDir } from './config.js';

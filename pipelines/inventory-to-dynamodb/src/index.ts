export { inventoryJob } from './job.js';
export { inventoryArgs, bundledSample, bundledSchema, SAMPLE_TABLE } from './config.js';

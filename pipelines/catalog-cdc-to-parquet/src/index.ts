export { catalogCdcToParquetJob } from './job.js';
export { catalogCdcToParquetArgs, bundledSample } from './config.js';

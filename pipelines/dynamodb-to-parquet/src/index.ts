export { dynamodbToParquetJob } from './job.js';
export { dynamodbToParquetArgs, bundledSample } from './config.js';

export { sampleOrdersJob, buildPipeline } from './job.js';
export { sampleOrdersArgs, bundledSample } from './config.js';

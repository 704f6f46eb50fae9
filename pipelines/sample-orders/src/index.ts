export { sampleOrdersJob } from './job.js';
export { buildPipeline, type SampleOrdersConfig } from './build-pipeline.js';
export { orderSchema, type Order } from './order.js';
export { sampleOrdersArgs, bundledSample } from './config.js';

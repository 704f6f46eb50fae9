export { sampleOrdersJob, buildPipeline } from './job.js';
export { orderSchema, type Order } from './order.js';
export { sampleOrdersArgs, bundledSample } from './config.js';

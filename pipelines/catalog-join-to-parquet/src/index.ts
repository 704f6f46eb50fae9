export { catalogJoinJob } from './job.js';
export { catalogJoinArgs, SAMPLE_DATABASE, sampleDir } from './config.js';
export type { Watermarks } from './watermark-file.js';
export { formatWatermarks, parseWatermarks, readWatermarks, watermarkOf, writeWatermarks, WATERMARK_HEADER } from './watermark-file.js';

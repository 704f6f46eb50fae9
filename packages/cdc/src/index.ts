export type { PrimaryKeys } from './primary-keys.js';
export { parsePrimaryKeys, latestPrimaryKeyFile, readPrimaryKeys } from './primary-keys.js';
export type { Watermark } from './watermark.js';
export { readWatermark, writeWatermark, watermarkUri, watermarkMicros, WATERMARK_MAX_BYTES } from './watermark.js';
export type { LoadPlan, LoadType, PlanInput } from './load-plan.js';
export { planLoad } from './load-plan.js';
export type { TableLoadOptions, TableLoadReport } from './table-load.js';
export { loadTable } from './table-load.js';
export { registerOutputs } from './table-outputs.js';

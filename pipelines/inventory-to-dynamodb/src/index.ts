export { inventoryJob } from './job.js';
export { inventoryArgs, bundledSample, bundledSchema, SAMPLE_TABLE, type InventoryConfig } from './config.js';
export { syncInventory, type InventoryReport } from './sync-inventory.js';

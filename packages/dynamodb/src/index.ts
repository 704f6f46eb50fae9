export { createDynamoDbClient } from './client.js';
export type { TableKey, TableChoice } from './tables.js';
export { findTableByPrefix, tableKey, createStringKeyedTable } from './tables.js';
export type { Item } from './write-sink.js';
export { DynamoDbPutSink, BATCH_WRITE_LIMIT } from './write-sink.js';
export { batchGetItems } from './batch-get.js';
export { scanSource } from './scan-source.js';
export type { ItemChange } from './item-diff.js';
export { diffItem, sameAttribute } from './item-diff.js';

export type { DynamoDbExportFront, DynamoDbExportFrontOptions } from './front.js';
export { startDynamoDbExportFront } from './front.js';

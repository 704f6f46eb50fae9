export type { EmbeddedDynamoDb } from './embedded-dynamodb.js';
export { startEmbeddedDynamoDb } from './embedded-dynamodb.js';

import { createRequire } from 'node:module';
import type * as DynamoDb from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);

/**
 * `@aws-sdk/client-dynamodb`, loaded when DynamoDB is first used rather than imported: a run that
 * never talks to DynamoDB, or that refuses its arguments, does not spend the ~0.1 CPU-s loading it
 * takes. The SDK ships CommonJS: `require` loads the very module a static import would.
 */
export function dynamoDbSdk(): typeof DynamoDb {
  return require('@aws-sdk/client-dynamodb') as typeof DynamoDb;
}

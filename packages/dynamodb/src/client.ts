import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { awsClientConfig } from '@etl/aws-env';
import { dynamoDbSdk } from './sdk.js';

/**
 * A DynamoDB client configured from `env` the standard AWS way; `endpoint` (the embedded DynamoDB's,
 * from the runtime's connections) wins when given.
 */
export function createDynamoDbClient(env: NodeJS.ProcessEnv = process.env, endpoint?: string): DynamoDBClient {
  const config = awsClientConfig(env, 'DYNAMODB');
  const { DynamoDBClient } = dynamoDbSdk();
  return new DynamoDBClient({
    ...config,
    ...(endpoint
      ? {
          endpoint,
          region: config.region ?? 'us-east-1',
          credentials: config.credentials ?? { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
        }
      : {}),
  });
}

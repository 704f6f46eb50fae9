import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe } from 'vitest';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { startDynamoDbLocal, startFaultProxy, type DynamoDbStandIn, type FaultProxy } from '@etl/local-aws';
import { createDynamoDbClient } from './client.js';
import { dynamoDbContract } from './dynamodb.contract.js';

const env = { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local-secret' };

for (const [name, start] of [
  ['dynalite (embedded)', () => startEmbeddedDynamoDb()],
  ['DynamoDB Local', () => startDynamoDbLocal()],
] as Array<[string, () => Promise<EmbeddedDynamoDb | DynamoDbStandIn>]>) {
  describe(name, () => {
    let standIn: EmbeddedDynamoDb | DynamoDbStandIn;
    let proxy: FaultProxy;
    let client: DynamoDBClient;
    let flakyClient: DynamoDBClient;

    beforeAll(async () => {
      standIn = await start();
      proxy = await startFaultProxy('dynamodb', standIn.endpoint, { failRate: 0.3, seed: 11 });
      // Reached by endpoint, as in production: AWS_ENDPOINT_URL_DYNAMODB.
      client = createDynamoDbClient({ ...env, AWS_ENDPOINT_URL_DYNAMODB: standIn.endpoint });
      flakyClient = createDynamoDbClient({ ...env, AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint });
    }, 60_000);

    afterAll(async () => {
      client?.destroy();
      flakyClient?.destroy();
      await proxy?.stop();
      await standIn?.stop();
    });

    dynamoDbContract(name, () => ({
      client,
      flakyClient,
      injectedFaults: () => proxy.stats.errors + proxy.stats.unprocessed + proxy.stats.resets,
    }));
  });
}

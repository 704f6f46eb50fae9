import { join } from 'node:path';
import { awsConfiguredFor } from '@etl/aws-env';
import { FileCatalog, GlueCatalog, type Catalog } from '@etl/catalog';
import { makeFolders, type Logger } from '@etl/core';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '@etl/dynamodb';
import { startEmbeddedDynamoDb, type EmbeddedDynamoDb } from '@etl/dynamodb-embedded';
import { createObjectStore, type ObjectStore } from '@etl/object-store';
import { PgliteWarehouse, RedshiftDataWarehouse, type RedshiftDataOptions, type Warehouse } from '@etl/warehouse';

/** Where a pipeline's warehouse is: Redshift (workgroup or cluster named) or, when neither is, embedded. */
export type WarehouseTarget = Partial<
  Pick<RedshiftDataOptions, 'workgroupName' | 'clusterIdentifier' | 'database' | 'secretArn' | 'dbUser' | 'iamRole'>
>;

/**
 * The systems a job talks to, each chosen once at start-up by configuration: AWS (or a stand-in by
 * `AWS_ENDPOINT_URL_*`) when the environment is configured for it, else the embedded default that
 * keeps its state under `localDir` (`.local/`) so the next run sees this run's results.
 * Opened lazily: a job that never uses the warehouse never starts one.
 */
export interface Connections {
  readonly objects: ObjectStore;
  /** Redshift through the Data API when `workgroupName` or `clusterIdentifier` is given; else PGlite in `<localDir>/warehouse`. */
  warehouse(target?: WarehouseTarget): Promise<Warehouse>;
  /** The Glue Data Catalog when AWS is configured for Glue; else JSON files in `<localDir>/catalog`. */
  catalog(): Catalog;
  /**
   * A DynamoDB client the runtime closes after the run: AWS (or `AWS_ENDPOINT_URL_DYNAMODB`) when the
   * environment is configured for DynamoDB, else the embedded DynamoDB (started on first use).
   */
  dynamodb(): Promise<DynamoDBClient>;
  /** `undefined`: use the SDK's own endpoint resolution (AWS, or `AWS_ENDPOINT_URL_DYNAMODB`). Else the embedded DynamoDB's endpoint. */
  dynamoDbEndpoint(): Promise<string | undefined>;
  /** Closes what was opened (the embedded warehouse and DynamoDB). */
  close(): Promise<void>;
}

export function createConnections(options: {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  objects?: ObjectStore;
  localDir?: string;
}): Connections {
  const env = options.env;
  const localDir = options.localDir ?? '.local';
  const objects = options.objects ?? createObjectStore({ env });
  const opened: Array<{ close(): Promise<void> }> = [];
  let warehouse: Promise<Warehouse> | undefined;
  let catalog: Catalog | undefined;
  let dynamo: Promise<EmbeddedDynamoDb> | undefined;
  let dynamoClient: Promise<DynamoDBClient> | undefined;

  async function dynamoDbEndpoint(): Promise<string | undefined> {
    if (awsConfiguredFor(env, 'DYNAMODB')) return undefined;
    dynamo ??= (async () => {
      const dataDir = join(localDir, 'dynamodb');
      await makeFolders(dataDir); // before startEmbeddedDynamoDb's recursive mkdir, which spins where no folder can be made
      const started = await startEmbeddedDynamoDb({ dataDir });
      opened.push(started);
      options.logger.info({ dataDir, endpoint: started.endpoint }, 'DynamoDB: embedded (no AWS configuration)');
      return started;
    })();
    return (await dynamo).endpoint;
  }

  return {
    objects,
    warehouse(target = {}) {
      warehouse ??= (async () => {
        if (target.workgroupName || target.clusterIdentifier) {
          options.logger.info(
            { workgroup: target.workgroupName, cluster: target.clusterIdentifier, database: target.database },
            'warehouse: Redshift through the Data API',
          );
          const redshift = new RedshiftDataWarehouse({ ...target, database: target.database ?? 'dev', env });
          opened.push(redshift);
          return redshift;
        }
        const dataDir = join(localDir, 'warehouse');
        options.logger.info({ dataDir }, 'warehouse: embedded PGlite (no Redshift workgroup or cluster given)');
        const embedded = await PgliteWarehouse.open({ dataDir, objects });
        opened.push(embedded);
        return embedded;
      })();
      return warehouse;
    },
    catalog() {
      if (!catalog) {
        catalog = openCatalog({ env, objects, localDir });
        if (catalog instanceof GlueCatalog) options.logger.info('catalog: Glue Data Catalog');
        else options.logger.info({ root: join(localDir, 'catalog') }, 'catalog: JSON files (no AWS configuration)');
      }
      return catalog;
    },
    dynamoDbEndpoint,
    dynamodb() {
      dynamoClient ??= (async () => {
        const client = createDynamoDbClient(env, await dynamoDbEndpoint());
        opened.push({ close: async () => client.destroy() });
        return client;
      })();
      return dynamoClient;
    },
    async close() {
      for (const connection of opened.reverse()) await connection.close();
    },
  };
}

/**
 * The catalog a run reads and registers in: the Glue Data Catalog when AWS is configured for Glue,
 * else JSON files under `<localDir>/catalog` — always those when `embedded` (a pipeline's bundled
 * sample database). Usable in a job's `check`, which has no connections.
 */
export function openCatalog(options: { env: NodeJS.ProcessEnv; objects: ObjectStore; localDir?: string; embedded?: boolean }): Catalog {
  if (options.embedded || !awsConfiguredFor(options.env, 'GLUE'))
    return new FileCatalog(options.objects, join(options.localDir ?? '.local', 'catalog'));
  return new GlueCatalog({ env: options.env });
}

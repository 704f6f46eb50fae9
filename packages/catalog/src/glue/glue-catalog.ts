import type { GlueClient, TableInput } from '@aws-sdk/client-glue';
import { awsClientConfig } from '@etl/aws-env';
import { TerminalError, TransientError, isTransient } from '@etl/core';
import type { Catalog, Partition, TableDefinition } from '../catalog.js';
import { glueSdk } from './glue-sdk.js';
import { fromGlueTable, storageDescriptor } from './glue-storage.js';

const PARTITION_BATCH = 100; // BatchCreatePartition's limit
const DELETE_BATCH = 25; // BatchDeletePartition's limit

/** The Glue Data Catalog through `@aws-sdk/client-glue` (reaches the local stack by `AWS_ENDPOINT_URL_GLUE`). */
export class GlueCatalog implements Catalog {
  readonly name = 'glue';
  private readonly client: GlueClient;
  /** The SDK's commands: loaded with the first Glue catalog (see `glueSdk`). */
  private readonly sdk = glueSdk();

  /** `env` (default `process.env`) configures the client the standard AWS way, unless one is given. */
  constructor(options: { client?: GlueClient; env?: NodeJS.ProcessEnv } = {}) {
    this.client = options.client ?? new this.sdk.GlueClient(awsClientConfig(options.env ?? process.env, 'GLUE'));
  }

  async listTables(database: string): Promise<TableDefinition[]> {
    const tables: TableDefinition[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new this.sdk.GetTablesCommand({ DatabaseName: database, ...(token ? { NextToken: token } : {}) }),
        );
        for (const table of page.TableList ?? []) tables.push(fromGlueTable(database, table));
        token = page.NextToken;
      } while (token);
    } catch (error) {
      throw glueError(error, `database ${database}`);
    }
    return tables.sort((a, b) => a.name.localeCompare(b.name));
  }

  async getTable(database: string, table: string): Promise<TableDefinition | undefined> {
    try {
      const response = await this.client.send(new this.sdk.GetTableCommand({ DatabaseName: database, Name: table }));
      return response.Table ? fromGlueTable(database, response.Table) : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw glueError(error, `${database}.${table}`);
    }
  }

  async upsertTable(table: TableDefinition): Promise<void> {
    const input: TableInput = {
      Name: table.name,
      TableType: 'EXTERNAL_TABLE',
      StorageDescriptor: storageDescriptor(table.format, table.columns, table.location, table.serde),
      PartitionKeys: table.partitionKeys.map((c) => ({ Name: c.name, Type: c.type })),
      Parameters: { classification: table.format, ...table.parameters },
    };
    try {
      await this.client.send(new this.sdk.UpdateTableCommand({ DatabaseName: table.database, TableInput: input }));
      return;
    } catch (error) {
      if (!isNotFound(error)) throw glueError(error, `${table.database}.${table.name}`);
    }
    try {
      await this.client.send(new this.sdk.CreateDatabaseCommand({ DatabaseInput: { Name: table.database } }));
    } catch (error) {
      if (!isAlreadyExists(error)) throw glueError(error, `database ${table.database}`);
    }
    try {
      await this.client.send(new this.sdk.CreateTableCommand({ DatabaseName: table.database, TableInput: input }));
    } catch (error) {
      throw glueError(error, `${table.database}.${table.name}`);
    }
  }

  async addPartitions(database: string, table: string, partitions: readonly Partition[]): Promise<void> {
    const definition = await this.getTable(database, table);
    if (!definition) throw new TerminalError('NOT_FOUND', `table ${database}.${table} does not exist in the Glue catalog`);
    for (let i = 0; i < partitions.length; i += PARTITION_BATCH) {
      const chunk = partitions.slice(i, i + PARTITION_BATCH);
      const input = (p: Partition) => ({
        Values: p.values,
        StorageDescriptor: storageDescriptor(definition.format, definition.columns, p.location, definition.serde),
      });
      try {
        const response = await this.client.send(
          new this.sdk.BatchCreatePartitionCommand({ DatabaseName: database, TableName: table, PartitionInputList: chunk.map(input) }),
        );
        for (const failure of response.Errors ?? []) {
          const existing = chunk.find((p) => JSON.stringify(p.values) === JSON.stringify(failure.PartitionValues));
          if (failure.ErrorDetail?.ErrorCode === 'AlreadyExistsException' && existing) {
            await this.client.send(
              new this.sdk.UpdatePartitionCommand({
                DatabaseName: database,
                TableName: table,
                PartitionValueList: existing.values,
                PartitionInput: input(existing),
              }),
            );
          } else
            throw new TerminalError(
              'IO',
              `partition ${JSON.stringify(failure.PartitionValues)} of ${database}.${table}: ${failure.ErrorDetail?.ErrorMessage ?? failure.ErrorDetail?.ErrorCode}`,
            );
        }
      } catch (error) {
        throw glueError(error, `partitions of ${database}.${table}`);
      }
    }
  }

  async dropPartitions(database: string, table: string, values: ReadonlyArray<readonly string[]>): Promise<void> {
    for (let i = 0; i < values.length; i += DELETE_BATCH) {
      const chunk = values.slice(i, i + DELETE_BATCH);
      try {
        const response = await this.client.send(
          new this.sdk.BatchDeletePartitionCommand({
            DatabaseName: database,
            TableName: table,
            PartitionsToDelete: chunk.map((v) => ({ Values: [...v] })),
          }),
        );
        const failed = (response.Errors ?? []).filter((e) => e.ErrorDetail?.ErrorCode !== 'EntityNotFoundException');
        if (failed.length > 0)
          throw new TerminalError(
            'IO',
            `dropping ${failed.length} partitions of ${database}.${table}: ${failed[0]?.ErrorDetail?.ErrorMessage ?? failed[0]?.ErrorDetail?.ErrorCode}`,
          );
      } catch (error) {
        throw glueError(error, `partitions of ${database}.${table}`);
      }
    }
  }

  async listPartitions(database: string, table: string): Promise<Partition[]> {
    const partitions: Partition[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new this.sdk.GetPartitionsCommand({ DatabaseName: database, TableName: table, ...(token ? { NextToken: token } : {}) }),
        );
        for (const p of page.Partitions ?? []) partitions.push({ values: p.Values ?? [], location: p.StorageDescriptor?.Location ?? '' });
        token = page.NextToken;
      } while (token);
    } catch (error) {
      throw glueError(error, `partitions of ${database}.${table}`);
    }
    return partitions.sort((a, b) => a.values.join('\u0000').localeCompare(b.values.join('\u0000')));
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { name?: string }).name === 'EntityNotFoundException';
}

function isAlreadyExists(error: unknown): boolean {
  return (error as { name?: string }).name === 'AlreadyExistsException';
}

function glueError(error: unknown, what: string): Error {
  if (error instanceof TerminalError || error instanceof TransientError) return error;
  const message = `Glue: ${what}: ${(error as Error).message}`;
  if (isNotFound(error)) return new TerminalError('NOT_FOUND', `Glue: ${what} does not exist`, { cause: error });
  if ((error as { name?: string }).name === 'AccessDeniedException') return new TerminalError('ACCESS_DENIED', message, { cause: error });
  return isTransient(error)
    ? new TransientError('UNAVAILABLE', message, { cause: error })
    : new TerminalError('IO', message, { cause: error });
}

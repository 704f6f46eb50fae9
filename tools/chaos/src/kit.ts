import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  ListTablesCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import { GlueCatalog } from '@etl/catalog';
import { catLines } from '@etl/convert';
import { TerminalError } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { readManifest } from '@etl/dataset';
import { attributeJson, createDynamoDbClient } from '@etl/dynamodb';
import { ParquetWriter } from '@etl/parquet';
import { castValue, formatType, parseType, type Field, type Value } from '@etl/schema';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { RedshiftDataWarehouse } from '@etl/warehouse';
import type { LocalService } from '@etl/local-aws';
import type { CampaignKit } from './campaign.js';

/** The clients one campaign shares between its runs (one local stack). */
export interface StackClients {
  readonly env: Readonly<Record<string, string>>;
  readonly objects: ObjectStore;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly catalog: GlueCatalog;
  readonly warehouse: RedshiftDataWarehouse;
  close(): Promise<void>;
}

export function stackClients(env: Readonly<Record<string, string>>): StackClients {
  const s3 = createS3Client(env);
  const dynamodb = createDynamoDbClient(env);
  const warehouse = new RedshiftDataWarehouse({ workgroupName: 'local', database: 'dev', env });
  return {
    env,
    objects: createObjectStore({ env }),
    s3,
    dynamodb,
    catalog: new GlueCatalog({ env }),
    warehouse,
    async close() {
      s3.destroy();
      dynamodb.destroy();
      await warehouse.close();
    },
  };
}

/** A run's kit: its own bucket (created here) and name suffix on the shared stack. */
export async function openKit(
  clients: StackClients,
  options: { pipeline: string; run: number; workDir: string },
): Promise<CampaignKit & { suffix: string }> {
  const suffix = `_k${options.run}`;
  const bucket = `chaos-${options.run}`;
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const { objects } = clients;
  const { ctx } = testContext();
  const rows = async (uri: string) => {
    const lines: string[] = [];
    for await (const text of catLines(objects, uri, {}, ctx)) lines.push(...text.split('\n').filter(Boolean));
    return lines;
  };
  const datasetRows = async (folderUri: string) => {
    const manifest = await readManifest(objects, folderUri);
    const all: string[] = [];
    for (const file of manifest?.files ?? []) all.push(...(await rows(file.uri)));
    return all;
  };
  return {
    pipeline: options.pipeline,
    bucket,
    suffix,
    name: (base) => `${base}${suffix}`,
    workDir: options.workDir,
    env: clients.env,
    put: async (uri, body) => void (await objects.put(uri, typeof body === 'string' ? Buffer.from(body) : body)),
    async keys(prefixUri) {
      const keys: string[] = [];
      for await (const info of objects.list(prefixUri)) keys.push(info.uri.slice(prefixUri.length));
      return keys.sort();
    },
    async text(uri) {
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of await objects.get(uri)) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks).toString('utf8');
      } catch (error) {
        if (error instanceof TerminalError && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    },
    rows,
    async putParquet(uri, columns, values) {
      const fields = columns.map((c) => ({ name: c.name, type: parseType(c.type === 'string' ? 'varchar' : c.type), nullable: true }));
      const writer = new ParquetWriter({ fields });
      const chunks: Uint8Array[] = [];
      for (const row of values) chunks.push(...writer.appendRow(row.map((text, i) => castText(text, fields[i] as Field))));
      chunks.push(...writer.finish());
      await objects.put(uri, Buffer.concat(chunks));
    },
    async manifestRows(folderUri) {
      const all: string[] = [];
      for await (const info of objects.list(folderUri))
        if (info.uri.endsWith('/_manifest.json')) all.push(...(await datasetRows(info.uri.slice(0, -'_manifest.json'.length))));
      return all;
    },
    datasetRows,
    async sql(query, parameters = {}) {
      return (await clients.warehouse.query(query, parameters)).rows as unknown[][];
    },
    async createItems(table, key, items) {
      await clients.dynamodb.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: key.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: key.map((name, i) => ({ AttributeName: name, KeyType: i === 0 ? 'HASH' : 'RANGE' })),
        }),
      );
      for (let i = 0; i < items.length; i += 25) {
        let requests = items.slice(i, i + 25).map((item) => ({ PutRequest: { Item: item as Record<string, AttributeValue> } }));
        while (requests.length > 0) {
          const answer = await clients.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
          requests = (answer.UnprocessedItems?.[table] ?? []).flatMap((w) =>
            w.PutRequest?.Item ? [{ PutRequest: { Item: w.PutRequest.Item } }] : [],
          );
        }
      }
    },
    async items(table) {
      const found: string[] = [];
      let start: Record<string, AttributeValue> | undefined;
      try {
        do {
          const page = await clients.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
          for (const item of page.Items ?? []) found.push(attributeJson({ M: sortedItem(item) }));
          start = page.LastEvaluatedKey;
        } while (start);
      } catch (error) {
        if ((error as { name?: string }).name === 'ResourceNotFoundException') return [];
        throw error;
      }
      return found;
    },
    upsertTable: (table) => clients.catalog.upsertTable(table),
    async tables(database) {
      try {
        return await clients.catalog.listTables(database);
      } catch (error) {
        if (error instanceof TerminalError && error.code === 'NOT_FOUND') return [];
        throw error;
      }
    },
    partitions: (database, table) => clients.catalog.listPartitions(database, table),
  };
}

function castText(text: string, field: Field): Value {
  const cast = castValue(text, field);
  if (!cast.ok) throw new Error(`${field.name}: ${text} is not ${formatType(field.type)}: ${cast.reason}`);
  return cast.value;
}

function sortedItem(item: Record<string, AttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Takes a finished run off the shared stack: its bucket (objects and pending uploads), and the
 * DynamoDB tables and warehouse schemas named with its suffix. A long campaign's stack then holds
 * one run's data at a time (kept, 300 runs grew the in-process stand-ins past 3 GB). Glue databases
 * (metadata only, in moto's process) stay.
 */
export async function closeKit(
  clients: StackClients,
  kit: { bucket: string; suffix: string },
  services: readonly LocalService[],
): Promise<void> {
  const ours = (name: string) => new RegExp(`${kit.suffix}(?![0-9])`).test(name);
  for (const upload of await pendingUploadIds(clients.s3, kit.bucket))
    await clients.s3.send(new AbortMultipartUploadCommand({ Bucket: kit.bucket, ...upload }));
  let token: string | undefined;
  do {
    const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: kit.bucket, ContinuationToken: token }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
    if (keys.length > 0) await clients.s3.send(new DeleteObjectsCommand({ Bucket: kit.bucket, Delete: { Objects: keys, Quiet: true } }));
    token = page.NextContinuationToken;
  } while (token);
  await clients.s3.send(new DeleteBucketCommand({ Bucket: kit.bucket }));
  if (services.includes('dynamodb')) await deleteTables(clients.dynamodb, ours);
  if (!services.includes('redshift-data')) return;
  const schemas = await clients.warehouse.query('SELECT schema_name FROM information_schema.schemata');
  for (const [schema] of schemas.rows as string[][])
    if (ours(schema as string)) await clients.warehouse.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

async function deleteTables(dynamodb: DynamoDBClient, ours: (name: string) => boolean): Promise<void> {
  let start: string | undefined;
  const tables: string[] = [];
  do {
    const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    tables.push(...(page.TableNames ?? []).filter(ours));
    start = page.LastEvaluatedTableName;
  } while (start);
  for (const table of tables) await dynamodb.send(new DeleteTableCommand({ TableName: table }));
}

/** Multipart uploads started and never completed nor aborted in a bucket (a killed run's), as `key`. */
export async function pendingUploads(s3: S3Client, bucket: string): Promise<string[]> {
  return (await pendingUploadIds(s3, bucket)).map((upload) => upload.Key);
}

async function pendingUploadIds(s3: S3Client, bucket: string): Promise<Array<{ Key: string; UploadId: string }>> {
  const found: Array<{ Key: string; UploadId: string }> = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) found.push({ Key: upload.Key ?? '', UploadId: upload.UploadId ?? '' });
    if (!page.IsTruncated) return found;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeContinuousBackupsCommand,
  DescribeExportCommand,
  DynamoDBClient,
  ExportTableToPointInTimeCommand,
  ListExportsCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  type ExportDescription,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { setTimeout as delay } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '@etl/core/testing';
import { s3ClientFor } from '../aws-clients.js';
import { LOCAL_CREDENTIALS, startLocalAws, type LocalAws } from '../local-aws.js';

const clock = manualClock(new Date(Date.now() - 2 * 86_400_000));
const minutes = (n: number) => clock.sleep(n * 60_000);
let stack: LocalAws;
let dynamodb: DynamoDBClient;
let s3: S3Client;
let tableArn: string;

async function text(key: string): Promise<string> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: 'exports', Key: key }));
  const bytes = Buffer.from(await (answer.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  return key.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

async function keys(prefix: string): Promise<string[]> {
  const answer = await s3.send(new ListObjectsV2Command({ Bucket: 'exports', Prefix: prefix }));
  return (answer.Contents ?? []).map((o) => o.Key as string);
}

async function completed(arn: string): Promise<ExportDescription> {
  for (;;) {
    const { ExportDescription: d } = await dynamodb.send(new DescribeExportCommand({ ExportArn: arn }));
    if (d?.ExportStatus !== 'IN_PROGRESS') return d as ExportDescription;
    await delay(50);
  }
}

const exportOf = (input: Partial<ConstructorParameters<typeof ExportTableToPointInTimeCommand>[0]> = {}) =>
  dynamodb.send(new ExportTableToPointInTimeCommand({ TableArn: tableArn, S3Bucket: 'exports', ...input }));

beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'dynamodb'], dynamodbExport: { clock, minExportMs: 400, itemsPerFile: 2 } });
  dynamodb = new DynamoDBClient({
    endpoint: stack.endpoints['DYNAMODB'],
    region: LOCAL_CREDENTIALS.region,
    credentials: LOCAL_CREDENTIALS,
  });
  s3 = s3ClientFor(stack.endpoints['S3'] as string);
  await s3.send(new CreateBucketCommand({ Bucket: 'exports' }));
  const created = await dynamodb.send(
    new CreateTableCommand({
      TableName: 'orders',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  tableArn = created.TableDescription?.TableArn as string;
});
afterAll(async () => {
  dynamodb?.destroy();
  s3?.destroy();
  await stack?.stop();
});

describe('DynamoDB native export stand-in (in front of dynalite)', () => {
  it('refuses exports until point-in-time recovery is enabled, which DescribeContinuousBackups reports', async () => {
    await expect(exportOf()).rejects.toMatchObject({ name: 'PointInTimeRecoveryUnavailableException' });
    const off = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: 'orders' }));
    expect(off.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('DISABLED');
    await dynamodb.send(
      new UpdateContinuousBackupsCommand({ TableName: 'orders', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    );
    const on = await dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: 'orders' }));
    expect(on.ContinuousBackupsDescription?.PointInTimeRecoveryDescription).toMatchObject({
      PointInTimeRecoveryStatus: 'ENABLED',
      EarliestRestorableDateTime: clock.now(),
    });
    await expect(dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: 'nope' }))).rejects.toMatchObject({
      name: 'TableNotFoundException',
    });
  });

  it('writes a full export in the documented layout, IN_PROGRESS first, then COMPLETED', async () => {
    await minutes(1);
    for (const id of ['a', 'b', 'c'])
      await dynamodb.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: id }, qty: { N: '1.50' } } }));
    const started = await exportOf({ S3Prefix: 'nightly', ClientToken: 'full-1' });
    expect(started.ExportDescription).toMatchObject({ ExportStatus: 'IN_PROGRESS', ExportType: 'FULL_EXPORT', ClientToken: 'full-1' });
    const arn = started.ExportDescription?.ExportArn as string;
    expect((await dynamodb.send(new DescribeExportCommand({ ExportArn: arn }))).ExportDescription?.ExportStatus).toBe('IN_PROGRESS');
    const done = await completed(arn);
    expect(done).toMatchObject({ ExportStatus: 'COMPLETED', ItemCount: 3, S3Bucket: 'exports', S3Prefix: 'nightly' });
    const id = arn.slice(arn.lastIndexOf('/') + 1);
    expect(id).toMatch(/^\d{14}-[0-9a-f]{8}$/);
    const folder = `nightly/AWSDynamoDB/${id}/`;
    const stored = (await keys(folder)).map((k) => k.slice(folder.length)).sort();
    expect(stored.filter((k) => !k.startsWith('data/'))).toEqual([
      '_started',
      'manifest-files.checksum',
      'manifest-files.json',
      'manifest-summary.checksum',
      'manifest-summary.json',
    ]);
    expect(stored.filter((k) => k.startsWith('data/'))).toHaveLength(2); // 2 items a file
    const summary = JSON.parse(await text(`${folder}manifest-summary.json`)) as Record<string, unknown>;
    expect(summary).toMatchObject({
      version: '2020-06-30',
      exportArn: arn,
      tableArn,
      s3Bucket: 'exports',
      s3Prefix: 'nightly',
      manifestFilesS3Key: `${folder}manifest-files.json`,
      itemCount: 3,
      outputFormat: 'DYNAMODB_JSON',
    });
    expect(summary).not.toHaveProperty('exportType');
    const files = (await text(`${folder}manifest-files.json`))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(files.map((f) => f['itemCount'])).toEqual([2, 1]);
    const lines = (await Promise.all(files.map((f) => text(f['dataFileS3Key'] as string)))).join('').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown).sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1))).toEqual(
      ['a', 'b', 'c'].map((k) => ({ Item: { id: { S: k }, qty: { N: '1.5' } } })),
    );
  });

  it('same ClientToken and parameters: the same export; other parameters: ImportConflictException', async () => {
    const first = await exportOf({ ClientToken: 'token-2' });
    const again = await exportOf({ ClientToken: 'token-2' });
    expect(again.ExportDescription?.ExportArn).toBe(first.ExportDescription?.ExportArn);
    await expect(exportOf({ ClientToken: 'token-2', S3Prefix: 'other' })).rejects.toMatchObject({ name: 'ImportConflictException' });
    const listed = await dynamodb.send(new ListExportsCommand({ TableArn: tableArn }));
    expect(listed.ExportSummaries?.filter((s) => s.ExportArn === first.ExportDescription?.ExportArn)).toHaveLength(1);
    await completed(first.ExportDescription?.ExportArn as string);
  });

  it('enforces the documented bounds: times in the PITR window, an incremental period of 15 minutes to 24 hours', async () => {
    const enabledAt = clock.now().getTime() - 60_000; // PITR was enabled a minute before the first export's writes
    await minutes(25 * 60);
    const now = clock.now().getTime();
    const inc = (fromMs: number, toMs: number) => ({
      ExportType: 'INCREMENTAL_EXPORT' as const,
      IncrementalExportSpecification: { ExportFromTime: new Date(fromMs), ExportToTime: new Date(toMs) },
    });
    await expect(exportOf(inc(now - 10 * 60_000, now))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('at least 15 minutes'),
    });
    await expect(exportOf(inc(now - 25 * 3_600_000 + 60_000, now))).rejects.toMatchObject({
      name: 'ValidationException',
      message: expect.stringContaining('at most 24 hours'),
    });
    await expect(exportOf(inc(enabledAt - 60_000, enabledAt + 20 * 60_000))).rejects.toMatchObject({ name: 'InvalidExportTimeException' });
    await expect(exportOf({ ExportTime: new Date(enabledAt - 60_000) })).rejects.toMatchObject({ name: 'InvalidExportTimeException' });
    await expect(exportOf({ ExportTime: new Date(now + 60_000) })).rejects.toMatchObject({ name: 'InvalidExportTimeException' });
    await expect(exportOf({ ExportType: 'INCREMENTAL_EXPORT' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(exportOf({ ExportFormat: 'ION' })).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      dynamodb.send(new DescribeExportCommand({ ExportArn: `${tableArn}/export/00000000000000-00000000` })),
    ).rejects.toMatchObject({
      name: 'ExportNotFoundException',
    });
  });

  it('an incremental export lists each changed item once, in the shared data folder, shaped by its view', async () => {
    await minutes(1);
    const from = clock.now();
    await minutes(1);
    await dynamodb.send(new PutItemCommand({ TableName: 'orders', Item: { id: { S: 'd' }, qty: { N: '4' } } }));
    await dynamodb.send(
      new UpdateItemCommand({
        TableName: 'orders',
        Key: { id: { S: 'a' } },
        UpdateExpression: 'SET qty = :q',
        ExpressionAttributeValues: { ':q': { N: '7' } },
      }),
    );
    await dynamodb.send(new DeleteItemCommand({ TableName: 'orders', Key: { id: { S: 'b' } } }));
    await minutes(20);
    const lines = async (view: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES') => {
      const started = await exportOf({
        S3Prefix: `inc-${view}`,
        ExportType: 'INCREMENTAL_EXPORT',
        IncrementalExportSpecification: { ExportFromTime: from, ExportToTime: clock.now(), ExportViewType: view },
      });
      const done = await completed(started.ExportDescription?.ExportArn as string);
      expect(done).toMatchObject({ ExportStatus: 'COMPLETED', ItemCount: 3, ExportType: 'INCREMENTAL_EXPORT' });
      const id = (done.ExportArn as string).split('/').pop() as string;
      const summary = JSON.parse(await text(`inc-${view}/AWSDynamoDB/${id}/manifest-summary.json`)) as Record<string, unknown>;
      expect(summary).toMatchObject({
        version: '2023-08-01',
        exportType: 'INCREMENTAL_EXPORT',
        outputView: view,
        exportFromTime: from.toISOString(),
      });
      const files = (await text(summary['manifestFilesS3Key'] as string))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { dataFileS3Key: string });
      expect(files.every((f) => f.dataFileS3Key.startsWith(`inc-${view}/AWSDynamoDB/data/`))).toBe(true);
      const all = (await Promise.all(files.map((f) => text(f.dataFileS3Key)))).join('').trim().split('\n');
      return Object.fromEntries(
        all
          .map((l) => JSON.parse(l) as { Keys: { id: { S: string } }; Metadata: { WriteTimestampMicros: { N: string } } })
          .map((r) => {
            expect(r.Metadata.WriteTimestampMicros.N).toMatch(/^\d{16}$/);
            const { Metadata: _m, ...rest } = r;
            return [r.Keys.id.S, rest];
          }),
      );
    };
    expect(await lines('NEW_AND_OLD_IMAGES')).toEqual({
      d: { Keys: { id: { S: 'd' } }, NewImage: { id: { S: 'd' }, qty: { N: '4' } } },
      a: { Keys: { id: { S: 'a' } }, NewImage: { id: { S: 'a' }, qty: { N: '7' } }, OldImage: { id: { S: 'a' }, qty: { N: '1.5' } } },
      b: { Keys: { id: { S: 'b' } }, OldImage: { id: { S: 'b' }, qty: { N: '1.5' } } },
    });
    expect(await lines('NEW_IMAGE')).toEqual({
      d: { Keys: { id: { S: 'd' } }, NewImage: { id: { S: 'd' }, qty: { N: '4' } } },
      a: { Keys: { id: { S: 'a' } }, NewImage: { id: { S: 'a' }, qty: { N: '7' } } },
      b: { Keys: { id: { S: 'b' } } },
    });
  });

  it('an export to a bucket that does not exist ends FAILED, saying why', async () => {
    const started = await exportOf({ S3Bucket: 'no-such-bucket' });
    const done = await completed(started.ExportDescription?.ExportArn as string);
    expect(done).toMatchObject({ ExportStatus: 'FAILED', FailureCode: 'NoSuchBucket' });
  });
});

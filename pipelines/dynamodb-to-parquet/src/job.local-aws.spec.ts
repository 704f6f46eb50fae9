import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DeleteItemCommand, PutItemCommand, UpdateContinuousBackupsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { GlueCatalog } from '@etl/catalog';
import { from, runPipeline, sinkWritable } from '@etl/core';
import { manualClock, testContext } from '@etl/core/testing';
import { BATCH_WRITE_LIMIT, createDynamoDbClient, createStringKeyedTable, DynamoDbPutSink, type Item } from '@etl/dynamodb';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundledSample } from './config.js';
import { exportJob } from './job.js';
import { populateJob } from './populate.js';
import { csvAsTable, duck, retailFigures, run } from './testing/run.js';

const dir = mkdtempSync(join(tmpdir(), 'dynamodb-to-parquet-aws-'));
// The native-export stand-in's clock: writes and exports are stamped with it, so a 15-minute window takes no time.
const exportClock = manualClock(new Date(Date.now() - 3 * 3_600_000));
let stack: LocalAws;
let objects: ObjectStore;
beforeAll(async () => {
  // 5% of DynamoDB and S3 requests fail the way the services do (throttling, 5xx, resets, UnprocessedItems).
  // Seed 6 fails the 2nd, 5th and 10th S3 requests: the export's few S3 requests (a dataset of 3 files) meet faults too.
  stack = await startLocalAws({
    services: ['s3', 'dynamodb', 'glue'],
    dynamodbExport: { clock: exportClock, minExportMs: 300 },
    faults: { services: ['dynamodb', 's3'], failRate: 0.05, seed: 6 },
  });
  const s3 = createS3Client({ ...stack.env });
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  s3.destroy();
  objects = createObjectStore({ env: stack.env });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const common = () => ['--local_dir', join(dir, 'local'), '--run_output', join(dir, 'runs')];

/** The published files of a dataset on S3, copied to a local folder (keeping the partition folders) for DuckDB. */
async function download(manifestUri: string, to: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(await fetchTo(manifestUri, join(to, '_manifest.json')), 'utf8')) as {
    generation: string;
    files: Array<{ uri: string }>;
  };
  for (const file of manifest.files) await fetchTo(file.uri, join(to, file.uri.slice(manifest.generation.length + 1)));
  return to;
}

async function fetchTo(uri: string, path: string): Promise<string> {
  mkdirSync(join(path, '..'), { recursive: true });
  await pipeline(await objects.get(uri), createWriteStream(path));
  return path;
}

describe('dynamodb-to-parquet against the local AWS stack (DynamoDB on dynalite, S3 and Glue on moto, 5% faults)', () => {
  it('populate, export by 4 scan segments to S3: every row of the CSV (last per key), partitions by month, Glue has the table and every partition', async () => {
    const populated = await run(
      populateJob,
      ['--table', 'retail', '--source', bundledSample, '--key', 'invoiceno,StockCode', '--create_table', 'yes', ...common()],
      stack.env,
    );
    expect(populated.code, populated.stdout).toBe(0);
    expect(populated.figures).toMatchObject({ key: 'pk', new: 7846, repeatedKeys: 129, written: 7846 });

    const exported = await run(
      exportJob,
      [
        '--table',
        'retail',
        '--output_path',
        's3://lake/retail/',
        '--segments',
        '4',
        '--consistent_read',
        '--partition_by',
        'InvoiceDate:month',
        '--catalog_database',
        'retail',
        ...common(),
      ],
      stack.env,
    );
    expect(exported.code, exported.stdout).toBe(0);
    expect(exported.figures).toMatchObject({ segments: 4, itemsScanned: 7846, rows: 7846, partitions: 3, catalogTable: 'retail.retail' });
    expect(stack.faults.dynamodb?.stats.errors).toBeGreaterThan(0);
    expect((stack.faults.s3?.stats.errors ?? 0) + (stack.faults.s3?.stats.resets ?? 0)).toBeGreaterThan(0);

    // Identical output despite the faults: every row equals the CSV's (the last row of each key), both ways.
    const local = await download(String(exported.figures['manifest']), join(dir, 'download'));
    const dataset = `read_parquet('${local}/**/*.parquet', hive_partitioning = true)`;
    const columns = 'invoiceno, stockcode, description, quantity, invoicedate, unitprice, customerid, country';
    const csv = csvAsTable(bundledSample);
    expect(await duck(`SELECT ${columns} FROM ${dataset} EXCEPT ALL SELECT ${columns} FROM ${csv}`)).toEqual([]);
    expect(await duck(`SELECT ${columns} FROM ${csv} EXCEPT ALL SELECT ${columns} FROM ${dataset}`)).toEqual([]);
    expect((await duck(retailFigures(dataset)))[0]).toEqual((await duck(retailFigures(csv)))[0]);

    const glue = new GlueCatalog({ env: stack.env });
    const table = await glue.getTable('retail', 'retail');
    expect(table).toMatchObject({ format: 'parquet', location: `${String(exported.figures['generation'])}/` });
    expect(table?.partitionKeys.map((k) => k.name)).toEqual(['invoicedate_year', 'invoicedate_month']);
    const partitions = await glue.listPartitions('retail', 'retail');
    expect(partitions.map((p) => p.values)).toEqual([
      ['2010', '12'],
      ['2011', '08'],
      ['2011', '12'],
    ]);
    for (const p of partitions)
      expect(p.location).toBe(
        `${String(exported.figures['generation'])}/invoicedate_year=${p.values[0]}/invoicedate_month=${p.values[1]}/`,
      );
  });

  it('an empty table publishes nothing; a table where one item of 10,000 has an extra attribute, exact 38-digit numbers, sets, lists, maps and binary; a declared schema rejects a misfit with its key', async () => {
    const client = createDynamoDbClient({ ...stack.env });
    await createStringKeyedTable(client, 'wide', 'pk');
    // Still empty: a success with a warning, nothing published.
    const empty = await run(exportJob, ['--table', 'wide', '--output_path', join(dir, 'wide'), ...common()], stack.env);
    expect(empty.code, empty.stdout).toBe(0);
    expect(empty.figures).toMatchObject({ itemsScanned: 0, rows: 0, published: false });
    expect(empty.stdout).toContain('wide has no items: nothing published');
    expect(await objects.head(join(dir, 'wide', '_manifest.json'))).toBeUndefined();
    const items: Item[] = Array.from({ length: 10_000 }, (_, i) => ({
      pk: { S: `k${i}` },
      n: { N: String(i) },
      big: { N: i === 0 ? '12345678901234567890123456789012345678' : String(i) },
      price: { N: `${i}.25` },
      tags: { SS: ['a', `t${i % 7}`] },
      nums: { NS: ['1', '0.5'] },
      doc: { M: { depth: { L: [{ N: '1' }, { S: 'two' }, { NULL: true }] } } },
      bin: { B: new Uint8Array([i % 256, 255]) },
      flag: { BOOL: i % 2 === 0 },
      ...(i === 7_777 ? { rare: { S: 'only here' } } : {}),
    }));
    const { ctx } = testContext();
    await runPipeline(
      from({
        name: 'items',
        open: async function* () {
          yield items.slice(0, 5_000);
          yield items.slice(5_000);
        },
      }).into(sinkWritable(new DynamoDbPutSink(client, 'wide'), ctx, { maxItems: BATCH_WRITE_LIMIT, maxInFlight: 8 })),
      ctx,
    );
    client.destroy();

    const out = join(dir, 'wide');
    const inferred = await run(exportJob, ['--table', 'wide', '--output_path', out, '--segments', '4', ...common()], stack.env);
    expect(inferred.code, inferred.stdout).toBe(0);
    expect(inferred.figures).toMatchObject({ itemsScanned: 10_000, rows: 10_000, rejected: 0 });
    expect(inferred.figures['columns']).toEqual([
      'pk string not null',
      'big decimal(38,0) not null',
      'bin string not null',
      'doc json not null',
      'flag boolean not null',
      'n bigint not null',
      'nums json not null',
      'price decimal(38,2) not null',
      'rare string',
      'tags json not null',
    ]);
    const files = `read_parquet('${String(inferred.figures['generation']).replace('file://', '')}/**/*.parquet')`;
    expect(await duck(`SELECT count(*) AS n, count(rare) AS rare, any_value(rare) AS value, sum(n) AS total FROM ${files}`)).toEqual([
      { n: '10000', rare: '1', value: 'only here', total: String((9_999 * 10_000) / 2) },
    ]);
    expect(
      await duck(`SELECT big::VARCHAR AS big, price::VARCHAR AS price, bin, doc, nums, tags, flag FROM ${files} WHERE pk = 'k0'`),
    ).toEqual([
      {
        big: '12345678901234567890123456789012345678',
        price: '0.25',
        bin: 'AP8=',
        doc: '{"depth":[1,"two",null]}',
        nums: '[1,0.5]',
        tags: '["a","t0"]',
        flag: true,
      },
    ]);

    const schema = join(dir, 'wide-schema.csv');
    writeFileSync(schema, 'column_name,data_type,nullable\npk,varchar,false\nn,int,false\nrare,bigint,true\n');
    const declared = await run(
      exportJob,
      ['--table', 'wide', '--output_path', out, '--segments', '2', '--schema', schema, ...common()],
      stack.env,
    );
    expect(declared.code, declared.stdout).toBe(0);
    expect(declared.figures).toMatchObject({ schema: 'declared', itemsScanned: 10_000, rows: 9_999, rejected: 1 });
    const rejects = readFileSync(join(String(declared.runDir), 'rejects.ndjson'), 'utf8');
    expect(rejects).toContain('"reason":"item pk=k7777: rare is a string (S); column rare is bigint"');
  });

  it('--method export: the native export gives the same rows as the scan; an incremental window of updates and deletes applied to a full export gives the table as it is', async () => {
    const client = createDynamoDbClient({ ...stack.env });
    await client.send(
      new UpdateContinuousBackupsCommand({ TableName: 'retail', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
    );
    await exportClock.sleep(60_000);
    const out = join(dir, 'native');
    const args = (...more: string[]) => [
      '--table',
      'retail',
      '--method',
      'export',
      '--export_path',
      's3://lake/exports/retail',
      ...more,
      ...common(),
    ];
    const full = await run(exportJob, args('--output_path', out), stack.env);
    expect(full.code, full.stdout).toBe(0);
    expect(full.figures).toMatchObject({ method: 'export', exportType: 'FULL_EXPORT', exportedItems: 7846, rows: 7846 });
    const files = (ran: typeof full) => `read_parquet('${String(ran.figures['generation']).replace('file://', '')}/**/*.parquet')`;
    const columns = 'pk, invoiceno, stockcode, description, quantity, invoicedate, unitprice, customerid, country, created_at, updated_at';
    const scanned = await run(exportJob, ['--table', 'retail', '--output_path', join(dir, 'scanned'), ...common()], stack.env);
    expect(scanned.code, scanned.stdout).toBe(0);
    const same = async (a: typeof full, b: typeof full) => {
      expect(await duck(`SELECT ${columns} FROM ${files(a)} EXCEPT ALL SELECT ${columns} FROM ${files(b)}`)).toEqual([]);
      expect(await duck(`SELECT ${columns} FROM ${files(b)} EXCEPT ALL SELECT ${columns} FROM ${files(a)}`)).toEqual([]);
    };
    await same(full, scanned);

    // The output records the point in time it reflects: the window applied to it must start there (or before).
    const since = String(full.figures['exportTime']);
    expect(Date.parse(since)).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(join(out, '_manifest.json'), 'utf8'))).toMatchObject({
      annotations: { exportTime: since, exportManifest: full.figures['exportManifest'] },
    });

    // A window of changes: one item updated, one deleted, one added; then the window's export applied to the full one.
    await exportClock.sleep(120_000);
    await client.send(
      new UpdateItemCommand({
        TableName: 'retail',
        Key: { pk: { S: '536365#85123A' } },
        UpdateExpression: 'SET Quantity = :q',
        ExpressionAttributeValues: { ':q': { N: '600' } },
      }),
    );
    await client.send(new DeleteItemCommand({ TableName: 'retail', Key: { pk: { S: '536365#71053' } } }));
    await client.send(
      new PutItemCommand({
        TableName: 'retail',
        Item: { pk: { S: 'X1#NEW' }, InvoiceNo: { S: 'X1' }, StockCode: { S: 'NEW' }, Quantity: { N: '1' }, UnitPrice: { N: '0.01' } },
      }),
    );
    await exportClock.sleep(16 * 60_000);
    const until = exportClock.now().toISOString();
    // A window starting after the base export's time would lose the changes between them: refused before any export.
    const late = new Date(Date.parse(since) + 60_000).toISOString();
    const gap = await run(
      exportJob,
      args(
        '--output_path',
        join(dir, 'current'),
        '--since',
        late,
        '--until',
        until,
        '--base_export',
        String(full.figures['exportManifest']),
      ),
      stack.env,
    );
    expect(gap.code, gap.stdout).toBe(2);
    expect(gap.stdout + gap.stderr).toContain(`--since: ${late} is after ${since}, the point in time --base_export reflects`);
    expect((gap.stdout + gap.stderr).split('\n').filter((l) => l.includes('--since'))).toHaveLength(1);
    expect(await objects.head(join(dir, 'current', '_manifest.json'))).toBeUndefined();

    const incremental = await run(
      exportJob,
      args(
        '--output_path',
        join(dir, 'current'),
        '--since',
        since,
        '--until',
        until,
        '--base_export',
        String(full.figures['exportManifest']),
      ),
      stack.env,
    );
    expect(incremental.code, incremental.stdout).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'current', '_manifest.json'), 'utf8'))).toMatchObject({ annotations: { exportTime: until } });
    expect(incremental.figures).toMatchObject({ exportType: 'INCREMENTAL_EXPORT', exportedItems: 3, rows: 7846 });
    const now = await run(exportJob, ['--table', 'retail', '--output_path', join(dir, 'scanned-after'), ...common()], stack.env);
    expect(now.code, now.stdout).toBe(0);
    await same(incremental, now);
    expect(await duck(`SELECT quantity FROM ${files(incremental)} WHERE pk = '536365#85123A'`)).toEqual([{ quantity: '600' }]);
    client.destroy();
  });
});

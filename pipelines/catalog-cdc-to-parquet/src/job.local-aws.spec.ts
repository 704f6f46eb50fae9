import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlueCatalog, type TableDefinition } from '@etl/catalog';
import { catLines } from '@etl/convert';
import { testContext } from '@etl/core/testing';
import { readManifest } from '@etl/dataset';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { ParquetWriter } from '@etl/parquet';
import { runJob } from '@etl/runtime';
import { parseType, type Value } from '@etl/schema';
import { catalogCdcJob } from './job.js';

let stack: LocalAws;
let objects: ObjectStore;
let glue: GlueCatalog;
const local = mkdtempSync(join(tmpdir(), 'catalog-cdc-aws-'));

const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;
const orderFields = [
  { name: 'order_id', type: parseType('bigint'), nullable: true },
  { name: 'line_no', type: parseType('int'), nullable: true },
  { name: 'amount', type: parseType('decimal(12,2)'), nullable: true },
  { name: 'updated_at', type: parseType('timestamp'), nullable: true },
];

function parquet(rows: Value[][]): Buffer {
  const writer = new ParquetWriter({ fields: orderFields }, { rowGroupRows: 2 });
  const chunks: Uint8Array[] = [];
  for (const row of rows) chunks.push(...writer.appendRow(row));
  chunks.push(...writer.finish());
  return Buffer.concat(chunks);
}

const table = (name: string, extra: Partial<TableDefinition>): TableDefinition => ({
  database: 'shop',
  name,
  format: 'parquet',
  location: `s3://lake/shop/${name}/`,
  columns: orderFields.map((f) => ({
    name: f.name,
    type: f.name === 'line_no' ? 'int' : f.name === 'order_id' ? 'bigint' : f.name === 'amount' ? 'decimal(12,2)' : 'timestamp',
  })),
  partitionKeys: [],
  ...extra,
});

beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'glue'] });
  const s3 = createS3Client(stack.env);
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  s3.destroy();
  objects = createObjectStore({ env: stack.env });
  glue = new GlueCatalog({ env: stack.env });
  // orders: Parquet in two Glue partitions; events: pipe-delimited text with a header line; broken: one corrupt Parquet file.
  await glue.upsertTable(table('orders', { partitionKeys: [{ name: 'dt', type: 'string' }] }));
  await glue.addPartitions('shop', 'orders', [
    { values: ['2026-12-01'], location: 's3://lake/shop/orders/dt=2026-12-01/' },
    { values: ['2026-12-02'], location: 's3://lake/shop/orders/dt=2026-12-02/' },
  ]);
  await objects.put(
    's3://lake/shop/orders/dt=2026-12-01/part-0.parquet',
    parquet([
      [1n, 1, '10.00', micros('2026-12-01T10:00:00Z')],
      [1n, 2, '5.00', micros('2026-12-01T10:00:00Z')],
      [2n, 1, '7.00', micros('2026-12-01T11:00:00Z')],
    ]),
  );
  await objects.put('s3://lake/shop/orders/dt=2026-12-02/part-0.parquet', parquet([[1n, 1, '12.00', micros('2026-12-02T09:00:00Z')]]));
  await objects.put('s3://lake/shop/orders/dt=2026-12-02/_SUCCESS', '');
  await glue.upsertTable({
    ...table('events', {}),
    format: 'csv',
    columns: [
      { name: 'event_id', type: 'int' },
      { name: 'kind', type: 'string' },
      { name: 'updated_at', type: 'timestamp' },
    ],
    parameters: { 'skip.header.line.count': '1' },
    serde: { library: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe', parameters: { 'field.delim': '|' } },
  });
  await objects.put('s3://lake/shop/events/a.txt', 'event_id|kind|updated_at\n1|open|2026-12-01 08:00:00\n1|close|2026-12-01 09:00:00\n');
  await glue.upsertTable(table('broken', {}));
  await objects.put('s3://lake/shop/broken/part-0.parquet', parquet([[9n, 1, '1.00', micros('2026-12-01T00:00:00Z')]]));
  await objects.put('s3://lake/shop/broken/part-1.parquet', Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]));
  await objects.put(
    's3://lake/keys/keys-2026-12-01.csv',
    'table_name,primary_key\norders,"order_id,line_no"\nevents,event_id\nbroken,order_id\n',
  );
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(local, { recursive: true, force: true });
});

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

async function run(...argv: string[]) {
  const stderr = capture();
  const stdout = capture();
  const code = await runJob(catalogCdcJob, {
    argv: [
      '--athena_database_name',
      'shop',
      '--output_path',
      's3://lake/out',
      '--cdc_path',
      's3://lake/cdc',
      '--primary_key_s3_prefix',
      's3://lake/keys/',
      '--catalog_database',
      'shop_out',
      '--run_output',
      join(local, 'runs'),
      '--local_dir',
      local,
      ...argv,
    ],
    env: { ...stack.env },
    stdout,
    stderr,
    handleSignals: false,
  });
  const tables = stdout.text.match(/"tables":"([^"]+tables\.json)"/)?.[1];
  const lines = stdout.text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const runId = String(lines[0]?.['runId']);
  const figures = JSON.parse(await text(await objects.get(join(local, 'runs', runId, 'tables.json')))) as {
    tables: Array<Record<string, unknown>>;
  };
  return { code, stdout: stdout.text, stderr: stderr.text, figures, tables, runId };
}

async function rows(manifestFolder: string): Promise<Array<Record<string, unknown>>> {
  const manifest = await readManifest(objects, manifestFolder);
  const out: Array<Record<string, unknown>> = [];
  for (const file of manifest?.files ?? [])
    for await (const lines of catLines(objects, file.uri, {}, testContext().ctx))
      out.push(
        ...lines
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
  return out.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('catalog-cdc-to-parquet against Glue and S3 (moto)', () => {
  it('loads the good tables, fails the one with a corrupt Parquet file (exit 1, its watermark absent, the report says why), then recovers', async () => {
    const first = await run();
    expect(first.code, first.stdout).toBe(1);
    expect(first.stdout).toMatch(/1 of 3 tables failed \(broken: table broken: .*part-1\.parquet/);
    const byTable = Object.fromEntries(first.figures.tables.map((t) => [t['table'], t]));
    expect(byTable['broken']).toEqual({ table: 'broken', failed: expect.stringMatching(/part-1\.parquet/) });
    expect(byTable['orders']).toMatchObject({
      mode: 'full',
      rowsRead: 4,
      duplicatesRemoved: 1,
      rowsInCurrent: 3,
      watermarkAfter: '2026-12-02T09:00:00.000000Z',
    });
    expect(byTable['events']).toMatchObject({ mode: 'full', rowsRead: 2, rowsInCurrent: 1 });
    expect(await objects.head('s3://lake/cdc/broken.json')).toBeUndefined();
    expect(await objects.head('s3://lake/out/broken/current/_manifest.json')).toBeUndefined();
    expect(await rows('s3://lake/out/orders/current')).toEqual([
      { order_id: 1, line_no: 1, amount: '12.00', updated_at: '2026-12-02T09:00:00.000000Z', dt: '2026-12-02' },
      { order_id: 1, line_no: 2, amount: '5.00', updated_at: '2026-12-01T10:00:00.000000Z', dt: '2026-12-01' },
      { order_id: 2, line_no: 1, amount: '7.00', updated_at: '2026-12-01T11:00:00.000000Z', dt: '2026-12-01' },
    ]);
    expect(await rows('s3://lake/out/events/current')).toEqual([{ event_id: 1, kind: 'close', updated_at: '2026-12-01T09:00:00.000000Z' }]);
    // Registered: Athena reads exactly the published generation.
    const manifest = await readManifest(objects, 's3://lake/out/orders/current');
    expect((await glue.getTable('shop_out', 'orders'))?.location).toBe(`${manifest?.generation}/`);
    expect((await glue.listPartitions('shop_out', 'orders_changes')).map((p) => p.values)).toEqual([
      [expect.stringMatching(/^\d{4}-\d\d-\d\d$/), first.runId],
    ]);

    // The corrupt file is replaced and an order changes: the next run loads broken in full and orders incrementally.
    await objects.put('s3://lake/shop/broken/part-1.parquet', parquet([[10n, 1, '2.00', micros('2026-12-01T00:00:00Z')]]));
    await objects.put('s3://lake/shop/orders/dt=2026-12-02/part-1.parquet', parquet([[2n, 1, '8.00', micros('2026-12-02T10:00:00Z')]]));
    const second = await run();
    expect(second.code, second.stdout).toBe(0);
    const again = Object.fromEntries(second.figures.tables.map((t) => [t['table'], t]));
    expect(again['broken']).toMatchObject({ mode: 'full', rowsInCurrent: 2 });
    expect(again['orders']).toMatchObject({
      mode: 'incremental',
      rowsInChanges: 1,
      rowsInCurrent: 3,
      watermarkAfter: '2026-12-02T10:00:00.000000Z',
    });
    expect(again['events']).toMatchObject({ mode: 'incremental', rowsInChanges: 0, published: false });
    expect((await glue.getTable('shop_out', 'orders'))?.location).toBe(
      `${(await readManifest(objects, 's3://lake/out/orders/current'))?.generation}/`,
    );
  }, 120_000);
});

import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GlueCatalog } from '@etl/catalog';
import { startLocalAws, type LocalAws } from '@etl/local-aws';
import { createObjectStore, createS3Client, type ObjectStore } from '@etl/object-store';
import { duckdb, expectedRows, makeDatabase, parquetRows, rewriteTable, runIn, TABLES, tablePath, type TableName } from './job.harness.js';

let stack: LocalAws;
let objects: ObjectStore;
let glue: GlueCatalog;
let duck: DuckDBConnection;
const root = mkdtempSync(join(tmpdir(), 'catalog-join-aws-'));
const TIMESTAMPS = 's3://lake/state/last_load_timestamp.csv';

/** The local table file (written by DuckDB) to where the Glue table points. */
async function upload(table: TableName): Promise<void> {
  await objects.put(`s3://lake/crm/${table}/part-0.parquet`, readFileSync(tablePath(root, table)));
}

beforeAll(async () => {
  stack = await startLocalAws({ services: ['s3', 'glue'] });
  const s3 = createS3Client(stack.env);
  await s3.send(new CreateBucketCommand({ Bucket: 'lake' }));
  s3.destroy();
  objects = createObjectStore({ env: stack.env });
  glue = new GlueCatalog({ env: stack.env });
  duck = await duckdb();
  await makeDatabase(duck, root);
  for (const table of Object.keys(TABLES) as TableName[]) {
    await upload(table);
    await glue.upsertTable({
      database: 'crm',
      name: table,
      format: 'parquet',
      location: `s3://lake/crm/${table}/`,
      columns: TABLES[table].map(([name, , type]) => ({ name, type })),
      partitionKeys: [],
    });
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(root, { recursive: true, force: true });
});

const run = (...argv: string[]) =>
  runIn(stack.env, join(root, 'local'), [
    '--database_name',
    'crm',
    '--timestamp_s3_path',
    TIMESTAMPS,
    '--output_path',
    's3://lake/joined',
    '--catalog_database',
    'crm_out',
    '--run_output',
    join(root, 'local', 'runs', 'catalog-join-to-parquet'),
    ...argv,
  ]);

/** A run's published rows: its manifest's parts fetched from S3, read by DuckDB. */
async function published(manifest: string, columns: readonly string[]): Promise<string[]> {
  const body = JSON.parse(await text(await objects.get(manifest))) as { runId: string; files: Array<{ uri: string }> };
  const folder = join(root, 'downloads', body.runId);
  mkdirSync(folder, { recursive: true });
  const paths: string[] = [];
  for (const [i, file] of body.files.entries()) {
    const path = join(folder, `part-${i}.parquet`);
    writeFileSync(path, Buffer.from(await (await objects.get(file.uri)).toArray().then((c) => Buffer.concat(c as Buffer[]))));
    paths.push(path);
  }
  return parquetRows(duck, paths, columns);
}

const timestamps = async () => ((await objects.head(TIMESTAMPS)) ? text(await objects.get(TIMESTAMPS)) : undefined);

describe('catalog-join-to-parquet against Glue and S3 (moto)', () => {
  it("full, then incremental: each run equals DuckDB's join (then restricted to the changed key), registered in Glue, watermarks on S3", async () => {
    const first = await run();
    expect(first.code, first.output).toBe(0);
    const { figures } = first.report;
    expect(figures.manifest).toMatch(/^s3:\/\/lake\/joined\/load_date=\d{4}-\d\d-\d\d\/run_id=[^/]+\/_manifest\.json$/);
    expect(await published(figures.manifest as string, figures.columns)).toEqual(await expectedRows(duck, root, 'inner'));
    expect((await glue.getTable('crm_out', 'crm_joined'))?.columns.map((c) => c.name)).toEqual(figures.columns);
    expect((await glue.listPartitions('crm_out', 'crm_joined')).map((p) => p.values[1])).toEqual([first.report.runId]);
    expect(await timestamps()).toMatch(/^table_name,last_updated_at\naccounts,2026-12-01T03:20:00\.000000Z\norders,.*\ntickets,.*\n$/);

    // Ticket T-41 (account 57) is reworded: the next run is exactly account 57's joined rows.
    await rewriteTable(
      duck,
      root,
      'tickets',
      `SELECT ticket_id, account_id, CASE WHEN ticket_id = 'T-41' THEN 'reworded' ELSE subject END AS subject, status,
        CASE WHEN ticket_id = 'T-41' THEN TIMESTAMP '2026-12-09 00:00:00' ELSE updated_at END AS updated_at FROM t`,
    );
    await upload('tickets');
    const second = await run();
    expect(second.code, second.output).toBe(0);
    expect([second.report.figures.mode, second.report.figures.keysOut]).toEqual(['incremental', 1]);
    const expected = await expectedRows(duck, root, 'inner', 'account_id = 57');
    expect(expected.length).toBeGreaterThan(0);
    expect(await published(second.report.figures.manifest as string, second.report.figures.columns)).toEqual(expected);
    expect((await glue.listPartitions('crm_out', 'crm_joined')).map((p) => p.values[1]).sort()).toEqual(
      [first.report.runId, second.report.runId].sort(),
    );
    expect(await timestamps()).toMatch(/\ntickets,2026-12-09T00:00:00\.000000Z\n$/);
  }, 120_000);

  it('a corrupt file in S3: fail publishes nothing and moves no watermark (exit 1); skip leaves the table out, its watermark unchanged', async () => {
    const before = await timestamps();
    const partitions = (await glue.listPartitions('crm_out', 'crm_joined')).length;
    await objects.put(
      's3://lake/crm/orders/part-1.parquet',
      Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]),
    );
    await rewriteTable(
      duck,
      root,
      'accounts',
      `SELECT account_id, name, tier, CASE WHEN account_id = 1 THEN TIMESTAMP '2026-12-10 00:00:00' ELSE updated_at END AS updated_at FROM t`,
    );
    await upload('accounts');

    const failed = await run();
    expect(failed.code).toBe(1);
    expect(failed.report.error?.message).toMatch(/table orders failed \(--on_table_error fail\): .*part-1\.parquet/);
    expect(await timestamps()).toBe(before);
    expect(await glue.listPartitions('crm_out', 'crm_joined')).toHaveLength(partitions);

    const skipped = await run('--on_table_error', 'skip', '--catalog_table', 'crm_joined_without_orders');
    expect(skipped.code, skipped.output).toBe(0);
    expect(skipped.report.figures.tablesSkipped).toEqual(['orders']);
    expect(skipped.report.figures.keysOut).toBe(1); // account 1, joined with its tickets only
    const after = await timestamps();
    expect(after?.match(/\norders,[^\n]+/)?.[0]).toBe(before?.match(/\norders,[^\n]+/)?.[0]);
    expect(after).toMatch(/\naccounts,2026-12-10T00:00:00\.000000Z\n/);
  }, 120_000);
});

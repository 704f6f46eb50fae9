import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { FileCatalog } from '@etl/catalog';
import { catLines } from '@etl/convert';
import { testContext } from '@etl/core/testing';
import { readManifest } from '@etl/dataset';
import { createObjectStore } from '@etl/object-store';
import { runJob } from '@etl/runtime';
import { catalogCdcJob } from './job.js';

const dir = mkdtempSync(join(tmpdir(), 'catalog-cdc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const store = createObjectStore();

function capture(): Writable & { text: string } {
  const out = Object.assign(new Writable({ write: (chunk, _e, cb) => ((out.text += String(chunk)), cb()) }), { text: '' });
  return out;
}

interface Report {
  runId?: string;
  rowsRead?: number;
  rowsRejected?: number;
  rowsDropped?: number;
  outcome?: string;
  error?: { message: string };
  figures: { tablesFailed?: number; tables: Array<Record<string, unknown>> };
}

/** Runs the job as its `main` does, in `cwd`-independent folders under `dir/<local>`; returns the exit code and the run's report. */
async function run(local: string, ...argv: string[]) {
  const stderr = capture();
  const stdout = capture();
  const before = new Set(safeList(join(dir, local, 'runs', 'catalog-cdc-to-parquet')));
  const code = await runJob(catalogCdcJob, {
    argv: [...argv, '--local_dir', join(dir, local)],
    env: {},
    stdout,
    stderr,
    handleSignals: false,
  });
  const runs = join(dir, local, 'runs', 'catalog-cdc-to-parquet');
  const runId = safeList(runs).find((r) => !before.has(r));
  const report = (runId ? JSON.parse(readFileSync(join(runs, runId, 'report.json'), 'utf8')) : {}) as Report;
  return { code, report, stderr: stderr.text, stdout: stdout.text };
}

function safeList(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

async function rowsOf(uris: string[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const uri of uris)
    for await (const text of catLines(store, uri, {}, testContext().ctx))
      rows.push(
        ...text
          .trim()
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
  return rows;
}

describe('catalog-cdc-to-parquet on its bundled sample (embedded file catalog)', () => {
  const local = 'sample';
  const out = join(dir, 'out');
  const cdc = join(dir, 'cdc');
  const sampleArgs = ['--sample', '--output_path', out, '--cdc_path', cdc];

  it('loads the three tables in full, then incrementally with nothing new', async () => {
    const first = await run(local, ...sampleArgs);
    expect(first.code).toBe(0);
    const tables = first.report.figures.tables;
    expect(
      tables.map((t) => [t['table'], t['mode'], t['rowsRead'], t['duplicatesRemoved'], t['rowsInChanges'], t['rowsInCurrent']]),
    ).toEqual([
      ['orders', 'full', 6, 2, 4, 4],
      ['page_views', 'full', 5, 0, 5, null],
      ['products', 'full', 5, 1, 4, 4],
    ]);
    expect(tables.map((t) => t['watermarkAfter'])).toEqual(['2026-12-03T14:00:00.000000Z', '2026-12-02T08:11:00.000000Z', null]);
    // The run's figures count each file's rows once (the CSV parser's and the table's used to add up):
    // 16 read = 13 in changes + 3 repeated keys.
    expect(first.report).toMatchObject({ rowsRead: 16, rowsRejected: 0, rowsDropped: 3 });
    const orders = await readManifest(store, join(out, 'orders', 'current'));
    expect(orders?.annotations).toEqual({ watermark: '2026-12-03T14:00:00.000000Z' });
    const current = await rowsOf(orders?.files.map((f) => f.uri) ?? []);
    expect(current.map((r) => [r['order_id'], r['line_no'], r['quantity'], r['status']]).sort()).toEqual([
      [1001, 1, 3, 'amended'],
      [1001, 2, 1, 'placed'],
      [1002, 1, 5, 'shipped'],
      [1003, 1, 1, 'placed'],
    ]);
    const products = await readManifest(store, join(out, 'products', 'current'));
    // No updated_at: the row read last wins (SKU-2 renamed on the file's last line).
    expect((await rowsOf(products?.files.map((f) => f.uri) ?? [])).find((r) => r['product_id'] === 'SKU-2')).toMatchObject({
      name: 'Burr grinder',
    });
    expect(JSON.parse(readFileSync(join(cdc, 'orders.json'), 'utf8'))).toMatchObject({
      table: 'orders',
      column: 'updated_at',
      value: '2026-12-03T14:00:00.000000Z',
      run_id: first.report.runId,
    });

    const second = await run(local, ...sampleArgs);
    expect(second.code).toBe(0);
    const again = second.report.figures.tables;
    expect(again.map((t) => [t['table'], t['mode'], t['rowsInChanges'], t['published']])).toEqual([
      ['orders', 'incremental', 0, false],
      ['page_views', 'incremental', 1, true], // no key: the row at the watermark comes again (at-least-once)
      ['products', 'full', 4, true],
    ]);
    // Read again: 16 = 5 in changes + 11 not (orders' 6 and products' repeated key as current holds them, page_views' 4 before its watermark).
    expect(second.report).toMatchObject({ rowsRead: 16, rowsDropped: 11 });
    expect((await readManifest(store, join(out, 'orders', 'current')))?.runId).toBe(first.report.runId);
    // Nothing new is a normal outcome: no warning that a dataset run was aborted.
    expect(second.stdout).toMatch(/orders: nothing new since/);
    expect(second.stdout).not.toMatch(/dataset run aborted/);
  });

  it('keeps --keep_generations of current (products, without updated_at, is republished each run) and loads only --tables', async () => {
    const third = await run(local, ...sampleArgs, '--tables', 'products,orders', '--keep_generations', '2');
    expect(third.code).toBe(0);
    expect(third.report.figures.tables.map((t) => t['table'])).toEqual(['orders', 'products']);
    const products = await readManifest(store, join(out, 'products', 'current'));
    expect(products?.generations).toHaveLength(2);
    // The older generation's files are deleted (an emptied local folder may stay behind).
    const parquetFiles = readdirSync(join(out, 'products', 'current'), { recursive: true }).filter((f) => String(f).endsWith('.parquet'));
    expect(parquetFiles.map((f) => String(f).split('/')[0]).sort()).toEqual([...(products?.generations ?? [])].sort());
    const unknown = await run(local, ...sampleArgs, '--tables', 'orders,invoices');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('  --tables: invoices not in database cdc_sample (its tables: orders, page_views, products)\n');
  });

  it('refuses a primary-key file naming a column a table lacks before it starts: exit 2, nothing written', async () => {
    const keys = join(dir, 'bad-keys');
    mkdirSync(keys, { recursive: true });
    writeFileSync(join(keys, 'primary_keys.csv'), 'table_name,primary_key\norders,"order_id,line_no"\nproducts,sku_code\n');
    const { code, stderr } = await run(
      'bad-key',
      '--sample',
      '--output_path',
      join(dir, 'bad-key-out'),
      '--cdc_path',
      join(dir, 'bad-key-cdc'),
      '--primary_key_s3_prefix',
      `${keys}/`,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /--primary_key_s3_prefix: .*primary_keys\.csv: primary key column sku_code of products is not a column of the table \(product_id, name, price\): fix the primary-key file\n/,
    );
    expect(safeList(join(dir, 'bad-key-out'))).toEqual([]);
    expect(safeList(join(dir, 'bad-key-cdc'))).toEqual([]);
  });

  it('a table that fails: exit 1, and the run report names it with its reason beside the tables that loaded', async () => {
    // A database of two tables in the embedded catalog: one CSV table, one whose only file is not Parquet.
    const local = join(dir, 'failing');
    const catalog = new FileCatalog(store, join(local, 'catalog'));
    const data = join(dir, 'failing-data');
    mkdirSync(join(data, 'good'), { recursive: true });
    mkdirSync(join(data, 'broken'), { recursive: true });
    writeFileSync(join(data, 'good', 'a.csv'), 'id,updated_at\n1,2026-12-01 00:00:00\n2,2026-12-02 00:00:00\n');
    writeFileSync(join(data, 'broken', 'part-0.parquet'), 'PAR1 not a Parquet file PAR1');
    const columns = [
      { name: 'id', type: 'bigint' },
      { name: 'updated_at', type: 'timestamp' },
    ];
    await catalog.upsertTable({
      database: 'shop',
      name: 'good',
      format: 'csv',
      location: `${join(data, 'good')}/`,
      columns,
      partitionKeys: [],
      parameters: { 'skip.header.line.count': '1' },
    });
    await catalog.upsertTable({
      database: 'shop',
      name: 'broken',
      format: 'parquet',
      location: `${join(data, 'broken')}/`,
      columns,
      partitionKeys: [],
    });
    const keys = join(dir, 'failing-keys');
    mkdirSync(keys, { recursive: true });
    writeFileSync(join(keys, 'primary_keys.csv'), 'table_name,primary_key\ngood,id\nbroken,id\n');
    const result = await run(
      'failing',
      '--athena_database_name',
      'shop',
      '--output_path',
      join(dir, 'failing-out'),
      '--cdc_path',
      join(dir, 'failing-cdc'),
      '--primary_key_s3_prefix',
      `${keys}/`,
    );
    expect(result.code).toBe(1);
    expect(result.report.outcome).toBe('failed');
    expect(result.report.error?.message).toMatch(/^1 of 2 tables failed \(broken: /);
    expect(result.report.figures.tablesFailed).toBe(1);
    expect(result.report.figures.tables.map((t) => [t['table'], t['failed'] === undefined ? t['mode'] : 'failed'])).toEqual([
      ['broken', 'failed'],
      ['good', 'full'],
    ]);
    expect(safeList(join(dir, 'failing-cdc'))).toEqual(['good.json']);
  });

  it('refuses a primary-key prefix with no CSV before it starts: exit 2, nothing written', async () => {
    const { code, stderr } = await run(
      'refused',
      '--sample',
      '--output_path',
      join(dir, 'never'),
      '--primary_key_s3_prefix',
      join(dir, 'nokeys/'),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('--primary_key_s3_prefix: no primary-key CSV');
    expect(safeList(join(dir, 'never'))).toEqual([]);
  });
});

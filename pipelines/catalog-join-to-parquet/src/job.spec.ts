import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileCatalog } from '@etl/catalog';
import {
  duckdb,
  expectedRows,
  makeDatabase,
  manifestFiles,
  parquetRows,
  publishedRows,
  rewriteTable,
  run,
  store,
  tablePath,
  withArg,
} from './job.harness.js';

const dir = mkdtempSync(join(tmpdir(), 'catalog-join-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let duck: DuckDBConnection;
beforeAll(async () => {
  duck = await duckdb();
});

describe('catalog-join-to-parquet on its bundled sample (accounts, orders, tickets in the embedded file catalog)', () => {
  const local = join(dir, 'sample');
  const state = join(dir, 'sample-state', 'last_load_timestamp.csv');
  const out = join(dir, 'sample-out');
  const args = ['--sample', '--timestamp_s3_path', state, '--output_path', out];

  it('full load: the inner join, shared names prefixed, the null-key ticket in the rejects, every watermark written', async () => {
    const first = await run(local, ...args);
    expect(first.code, first.stderr).toBe(0);
    const { figures } = first.report;
    expect([figures.mode, figures.rowsOut, figures.keysOut]).toEqual(['full', 4, 1]);
    expect(figures.columns).toEqual([
      'account_id',
      'name',
      'tier',
      'accounts__updated_at',
      'order_id',
      'amount',
      'orders__status',
      'orders__updated_at',
      'ticket_id',
      'subject',
      'tickets__status',
      'tickets__updated_at',
    ]);
    expect(figures.tables.map((t) => [t.table, t.rowsRead, t.rowsRejectedForKey, t.keysRepeated, t.rowsInRepeatedKeys])).toEqual([
      ['accounts', 4, 0, 0, 0],
      ['orders', 4, 0, 1, 2],
      ['tickets', 4, 1, 1, 2],
    ]);
    expect(first.rejects).toEqual([
      expect.objectContaining({
        code: 'NULL_NOT_ALLOWED',
        file: 'join_sample.tickets',
        column: 'account_id',
        reason: 'table tickets: join key account_id is null; the row joins nothing',
      }),
    ]);
    expect(await publishedRows(duck, figures.manifest as string, ['account_id', 'order_id', 'ticket_id', 'orders__status'])).toEqual([
      '["1","101","T-1","shipped"]',
      '["1","101","T-4","shipped"]',
      '["1","102","T-1","placed"]',
      '["1","102","T-4","placed"]',
    ]);
    expect(figures.manifest).toMatch(new RegExp(`/load_date=\\d{4}-\\d\\d-\\d\\d/run_id=${first.report.runId}/_manifest\\.json$`));
    expect(readFileSync(state, 'utf8')).toBe(
      'table_name,last_updated_at\naccounts,2026-12-02T11:00:00.000000Z\norders,2026-12-03T12:00:00.000000Z\ntickets,2026-12-03T14:00:00.000000Z\n',
    );

    const second = await run(local, ...args);
    expect(second.code, second.stderr).toBe(0);
    expect([second.report.figures.mode, second.report.figures.rowsOut, second.report.figures.published]).toEqual(['incremental', 0, false]);
    expect(second.report.figures.tables.map((t) => t.rowsChanged)).toEqual([0, 0, 0]);
  });

  it('a changed join is refused for an incremental run (exit 2, one line, nothing written); --load_type full re-emits every key under it', async () => {
    const local = join(dir, 'definition');
    const state = join(dir, 'definition-state', 'last_load_timestamp.csv');
    const out = join(dir, 'definition-out');
    const args = ['--sample', '--timestamp_s3_path', state, '--output_path', out];
    const manifests = () => readdirSync(out, { recursive: true }).filter((f) => String(f).endsWith('_manifest.json'));
    const first = await run(local, ...args);
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(readFileSync(`${state}.join.json`, 'utf8'))).toMatchObject({
      readable: 'inner join on account_id of accounts, orders, tickets',
      run_id: first.report.runId,
    });
    const watermarks = readFileSync(state, 'utf8');

    const refused = await run(local, ...args, '--join_type', 'left');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '  the join changed since the last run (was: inner join on account_id of accounts, orders, tickets; now: left join on account_id of accounts (driving), orders, tickets): an incremental run would leave unchanged keys under the old join; run once with --load_type full to re-emit every key\n',
    );
    expect(manifests()).toHaveLength(1);
    expect(readFileSync(state, 'utf8')).toBe(watermarks);

    const full = await run(local, ...args, '--join_type', 'left', '--load_type', 'full');
    expect(full.code, full.stderr).toBe(0);
    expect([full.report.figures.mode, full.report.figures.rowsOut]).toEqual(['full', 7]);
    expect(JSON.parse(readFileSync(new URL(full.report.figures.manifest as string), 'utf8'))).toMatchObject({
      annotations: { join_definition: 'left join on account_id of accounts (driving), orders, tickets' },
    });
    expect(JSON.parse(readFileSync(`${state}.join.json`, 'utf8'))).toMatchObject({ run_id: full.report.runId });
    const next = await run(local, ...args, '--join_type', 'left');
    expect(next.code, next.stderr).toBe(0);
    expect([next.report.figures.mode, next.report.figures.rowsOut]).toEqual(['incremental', 0]);
    expect(manifests()).toHaveLength(2);
  });

  it('a catalog table whose column types differ from the output is refused before anything is written: exit 2, one line', async () => {
    const local = join(dir, 'conflict');
    const state = join(dir, 'conflict-state', 'last_load_timestamp.csv');
    const out = join(dir, 'conflict-out');
    // Registered by an earlier join whose amount was text.
    await new FileCatalog(store, join(local, 'catalog')).upsertTable({
      database: 'reports',
      name: 'join_sample_joined',
      format: 'parquet',
      location: `${out}/`,
      columns: [
        { name: 'account_id', type: 'bigint' },
        { name: 'amount', type: 'string' },
      ],
      partitionKeys: [
        { name: 'load_date', type: 'string' },
        { name: 'run_id', type: 'string' },
      ],
    });
    const refused = await run(local, '--sample', '--timestamp_s3_path', state, '--output_path', out, '--catalog_database', 'reports');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      '  --catalog_database: catalog table reports.join_sample_joined: amount string -> decimal(12,2); register under another --catalog_table, or drop that table and run with --load_type full\n',
    );
    expect(() => readdirSync(out)).toThrow();
    expect(() => readFileSync(state)).toThrow();
  });

  it('fan-out across tables: a key repeated in two tables multiplies (2 orders x 2 tickets), counted per table; one more than --max_fanout fails naming key and tables', async () => {
    const args = (name: string, fanout: string) => [
      '--sample',
      '--timestamp_s3_path',
      join(dir, `${name}.csv`),
      '--output_path',
      join(dir, `${name}-out`),
      '--max_fanout',
      fanout,
    ];
    const within = await run(join(dir, 'fanout-4'), ...args('fanout-4', '4'));
    expect(within.code, within.stderr).toBe(0);
    const { figures } = within.report;
    expect([figures.rowsOut, figures.keysOut, figures.maxFanout]).toEqual([4, 1, 4]);
    expect(figures.tables.map((t) => [t.table, t.keysRepeated, t.rowsInRepeatedKeys])).toEqual([
      ['accounts', 0, 0],
      ['orders', 1, 2],
      ['tickets', 1, 2],
    ]);
    const over = await run(join(dir, 'fanout-3'), ...args('fanout-3', '3'));
    expect(over.code).toBe(1);
    expect(over.report.error?.message).toBe(
      '--max_fanout 3: account_id 1 would produce 4 joined rows (accounts: 1 rows, orders: 2 rows, tickets: 2 rows); nothing published, watermarks unchanged',
    );
    expect(() => readdirSync(join(dir, 'fanout-3-out'))).toThrow();
    expect(() => readFileSync(join(dir, 'fanout-3.csv'))).toThrow();
  });

  it('left and full joins of the sample: every account, then every key of any table', async () => {
    const left = await run(
      join(dir, 'sample-left'),
      '--sample',
      '--join_type',
      'left',
      '--output_path',
      join(dir, 'left-out'),
      '--timestamp_s3_path',
      join(dir, 'left.csv'),
    );
    expect(left.code, left.stderr).toBe(0);
    expect(left.report.figures.rowsOut).toBe(7);
    const full = await run(
      join(dir, 'sample-full'),
      '--sample',
      '--join_type',
      'full',
      '--output_path',
      join(dir, 'full-out'),
      '--timestamp_s3_path',
      join(dir, 'full.csv'),
    );
    expect(full.code, full.stderr).toBe(0);
    expect([full.report.figures.rowsOut, full.report.figures.keysOut]).toEqual([8, 5]);
  });
});

describe("catalog-join-to-parquet against DuckDB's join of the same Parquet tables", () => {
  for (const type of ['inner', 'left', 'full'] as const)
    it(`${type}: the output equals DuckDB's ${type} join USING (account_id), null keys rejected`, async () => {
      const root = join(dir, `duck-${type}`);
      const args = await makeDatabase(duck, root);
      const result = await run(join(root, 'local'), ...args, '--join_type', type);
      expect(result.code, result.stderr).toBe(0);
      const { figures } = result.report;
      const expected = await expectedRows(duck, root, type);
      expect(expected.length).toBeGreaterThan(100);
      expect(await publishedRows(duck, figures.manifest as string, figures.columns)).toEqual(expected);
      expect(figures.tables.map((t) => t.rowsRejectedForKey)).toEqual([0, 8, 5]);
      expect(result.rejects).toHaveLength(13);
    });

  it('incremental: one row changed in one table re-emits exactly the joined rows of its key, equal to a full recompute of that key', async () => {
    const root = join(dir, 'incremental');
    const args = await makeDatabase(duck, root);
    const full = await run(join(root, 'local'), ...args, '--join_type', 'full');
    expect(full.code, full.stderr).toBe(0);
    const watermarks = readFileSync(join(root, 'state', 'last_load_timestamp.csv'), 'utf8');

    // Order 13 (account 169, also in accounts and tickets) is amended later than anything before.
    const [[key]] = (
      await duck.runAndReadAll(`SELECT account_id FROM read_parquet('${tablePath(root, 'orders')}') WHERE order_id = 13`)
    ).getRows() as [[bigint]];
    await rewriteTable(
      duck,
      root,
      'orders',
      `SELECT order_id, account_id, CASE WHEN order_id = 13 THEN 999.99 ELSE amount END AS amount, status,
        CASE WHEN order_id = 13 THEN TIMESTAMP '2026-12-09 08:00:00.123456' ELSE updated_at END AS updated_at FROM t`,
    );
    // No pause: the Athena query below orders runs by run id, to the millisecond (two runs of one second once sorted at random).
    const second = await run(join(root, 'local'), ...args, '--join_type', 'full');
    expect(second.code, second.stderr).toBe(0);
    const { figures } = second.report;
    expect(figures.mode).toBe('incremental');
    expect(figures.keysOut).toBe(1);
    expect(figures.tables.map((t) => t.rowsChanged)).toEqual([0, 1, 0]);
    const expected = await expectedRows(duck, root, 'full', `account_id = ${key}`);
    expect(expected.length).toBeGreaterThan(1);
    expect(await publishedRows(duck, figures.manifest as string, figures.columns)).toEqual(expected);
    // Only orders' watermark moves.
    expect(readFileSync(join(root, 'state', 'last_load_timestamp.csv'), 'utf8')).toBe(
      watermarks.replace(/orders,[^\n]+/, 'orders,2026-12-09T08:00:00.123456Z'),
    );
    // The README's Athena query over both runs: each key's rows of its latest run are the full recompute.
    const runs = [...manifestFiles(full.report.figures.manifest as string), ...manifestFiles(figures.manifest as string)];
    expect(await parquetRows(duck, runs, figures.columns, true)).toEqual(await expectedRows(duck, root, 'full'));

    // Nothing changed since: nothing published, and said without a warning (a normal outcome).
    const third = await run(join(root, 'local'), ...args, '--join_type', 'full');
    expect(third.code, third.stderr).toBe(0);
    expect(third.output).toMatch(/no key changed since the watermarks: nothing published/);
    expect(third.output).not.toMatch(/"level":"warn"/);
  });

  it('a key over --max_fanout fails the run naming the key and each table: nothing published, the timestamp file unchanged', async () => {
    const root = join(dir, 'fanout');
    const args = await makeDatabase(duck, root);
    const result = await run(join(root, 'local'), ...args, '--max_fanout', '3');
    expect(result.code).toBe(1);
    expect(result.report.error?.message).toMatch(
      /--max_fanout 3: account_id \d+ would produce \d+ joined rows \(accounts: 1 rows, orders: \d rows, tickets: \d rows\); nothing published, watermarks unchanged/,
    );
    expect(() => readFileSync(join(root, 'state', 'last_load_timestamp.csv'))).toThrow();
    expect(() => readFileSync(join(root, 'out'))).toThrow();
  });

  it('--on_table_error: a corrupt table fails the run (nothing published, no watermark moves), or is left out with its watermark unchanged', async () => {
    const root = join(dir, 'table-error');
    const args = await makeDatabase(duck, root);
    const state = join(root, 'state', 'last_load_timestamp.csv');
    mkdirSync(join(root, 'state'));
    writeFileSync(state, '2026-11-30T00:00:00Z\n'); // the seed's one-value form
    writeFileSync(join(root, 'data', 'tickets', 'part-1.parquet'), 'PAR1 this is not parquet PAR1');

    const failed = await run(join(root, 'local'), ...args);
    expect(failed.code).toBe(1);
    expect(failed.report.error?.message).toContain('table tickets failed (--on_table_error fail)');
    expect(readFileSync(state, 'utf8')).toBe('2026-11-30T00:00:00Z\n');

    const skipped = await run(join(root, 'local'), ...args, '--on_table_error', 'skip');
    expect(skipped.code, skipped.stderr).toBe(0);
    const { figures } = skipped.report;
    expect(figures.tablesSkipped).toEqual(['tickets']);
    expect(figures.columns).toEqual([
      'account_id',
      'name',
      'tier',
      'accounts__updated_at',
      'order_id',
      'amount',
      'status',
      'orders__updated_at',
    ]);
    expect(figures.rowsOut).toBeGreaterThan(0);
    // The one-value form becomes one row per table; the table left out keeps the value it had.
    expect(readFileSync(state, 'utf8')).toBe(
      'table_name,last_updated_at\naccounts,2026-12-01T03:20:00.000000Z\norders,2026-12-02T00:06:39.000000Z\ntickets,2026-11-30T00:00:00.000000Z\n',
    );
  });

  it('a table left out changes the columns: checked against the catalog again before the first row is written (exit 1, nothing published)', async () => {
    const root = join(dir, 'skip-conflict');
    const args = await makeDatabase(duck, root);
    // Without tickets, orders' status is no longer prefixed: an earlier table holds a status of another type.
    await new FileCatalog(store, join(root, 'local', 'catalog')).upsertTable({
      database: 'reports',
      name: 'crm_joined',
      format: 'parquet',
      location: `${join(root, 'out')}/`,
      columns: [{ name: 'status', type: 'int' }],
      partitionKeys: [
        { name: 'load_date', type: 'string' },
        { name: 'run_id', type: 'string' },
      ],
    });
    writeFileSync(join(root, 'data', 'tickets', 'part-1.parquet'), 'PAR1 this is not parquet PAR1');
    const result = await run(join(root, 'local'), ...args, '--on_table_error', 'skip', '--catalog_database', 'reports');
    expect(result.code).toBe(1);
    expect(result.report.error?.message).toBe(
      '--catalog_database: catalog table reports.crm_joined: status int -> string; register under another --catalog_table, or drop that table and run with --load_type full; nothing published, watermarks unchanged',
    );
    expect(() => readdirSync(join(root, 'out'))).toThrow();
    expect(() => readFileSync(join(root, 'state', 'last_load_timestamp.csv'))).toThrow();
  });

  it('refuses a bad timestamp file and a table without the key before it starts: exit 2, nothing written', async () => {
    const root = join(dir, 'refused');
    const args = await makeDatabase(duck, root);
    writeFileSync(join(root, 'bad.csv'), 'yesterday\n');
    const bad = await run(join(root, 'local'), ...withArg(args, '--timestamp_s3_path', join(root, 'bad.csv')));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timestamp_s3_path: ');
    const nokey = await run(join(root, 'local'), ...args, '--join_key', 'customer_id');
    expect(nokey.code).toBe(2);
    expect(nokey.stderr).toContain(
      '  --join_key customer_id: accounts has no column customer_id; orders has no column customer_id; tickets has no column customer_id (name the key column with --join_key, or per table with --join_keys <table>=<column>)\n',
    );
    expect(() => readFileSync(join(root, 'out'))).toThrow();
  });
});

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingRejects, createLogger, createRunContext, limitedRejects, systemClock, TerminalError } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { createObjectStore, objectsUnder } from '@etl/object-store';
import { PgliteWarehouse, type Warehouse } from '@etl/warehouse';
import { AUDIT_EXISTS_SQL, auditLoadedSql, DESCRIBE_TABLE_SQL, VIEW_BACKUP_EXISTS_SQL, VIEW_DEPENDENTS_SQL } from '@etl/table-sync';
import { resolveUpsertOptions } from './upsert-options.js';
import { upsertFile } from './upsert-file.js';

const dir = mkdtempSync(join(tmpdir(), 'warehouse-upsert-'));
const objects = createObjectStore();
let pglite: PgliteWarehouse;

/** The real embedded warehouse, with every statement it is sent written down (reads of the catalog left out). */
function recording(inner: Warehouse): Warehouse & { received: string[] } {
  const received: string[] = [];
  const reads = new Set([
    DESCRIBE_TABLE_SQL,
    VIEW_DEPENDENTS_SQL,
    VIEW_BACKUP_EXISTS_SQL,
    AUDIT_EXISTS_SQL,
    auditLoadedSql('public.job_sts'),
  ]);
  return {
    received,
    name: inner.name,
    maxIdentifierBytes: inner.maxIdentifierBytes,
    query(sql, parameters, options) {
      if (!reads.has(sql)) received.push(sql);
      return inner.query(sql, parameters, options);
    },
    transaction(statements, options) {
      received.push(...statements);
      return inner.transaction(statements, options);
    },
    copyStatement: (load) => inner.copyStatement(load),
    loadCsv(load, options) {
      received.push(inner.copyStatement(load));
      return inner.loadCsv(load, options);
    },
    close: () => inner.close(),
  };
}

beforeAll(async () => {
  pglite = await PgliteWarehouse.open({ dataDir: join(dir, 'warehouse'), objects });
});
afterAll(async () => {
  await pglite.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('upsertFile', () => {
  it('runs exactly the statements its dry run plans, COPY included, in the same order', async () => {
    const file = join(dir, 'customers.csv');
    writeFileSync(file, 'Customer ID,Name,Score\n1,Ann,10.5\n2,Bob,7\n2,Bob B.,8\n');
    const options = resolveUpsertOptions({ table: 'public.customers', keys: ['customer_id'], stagingPrefix: join(dir, 'staging') });
    const { ctx } = testContext();
    const warehouse = recording(pglite);

    const dry = await upsertFile(file, 0, { ...options, dryRun: true }, ctx, { objects, warehouse });
    expect(dry.status).toBe('PLANNED');
    expect(warehouse.received).toEqual([]);

    const loaded = await upsertFile(file, 0, options, ctx, { objects, warehouse });
    expect(loaded).toMatchObject({ status: 'SUCCESS', read: 3, inserted: 2, duplicates: 1 });
    // The repeated key's first row is dropped on purpose: counted, so the run's figures add up (3 = 2 + 1).
    expect(ctx.counters.snapshotComponents()['warehouse-merge']).toMatchObject({ rowsIn: 3, rowsOut: 2, dropped: 1 });
    expect(loaded.plan.map((s) => s.sql)).toEqual(dry.plan.map((s) => s.sql));
    // What the warehouse received is the plan, statement for statement.
    expect(warehouse.received).toEqual(dry.plan.map((s) => s.sql));
    expect(dry.plan.some((s) => s.sql.startsWith('COPY "public"."stg_'))).toBe(true);
    const rows = await pglite.query('SELECT customer_id, name, score FROM public.customers ORDER BY customer_id');
    expect(rows.rows).toEqual([
      [1, 'Ann', '10.500000000000000000'],
      [2, 'Bob B.', '8.000000000000000000'],
    ]);
  });

  it('archives a file a killed run loaded but never moved without loading it again; the file rewritten loads again', async () => {
    const file = join(dir, 'loaded-once.csv');
    writeFileSync(file, 'id,name\n1,a\n');
    // archive: false leaves the file where a run killed after its merge leaves it.
    const options = resolveUpsertOptions({ table: 'public.loaded_once', keys: ['id'], stagingPrefix: join(dir, 'staging') });
    const successes = async () =>
      (await pglite.query(`SELECT count(*)::int FROM public.job_sts WHERE source_filename = '${file}' AND status = 'SUCCESS'`)).rows;
    expect((await upsertFile(file, 0, options, testContext({ clock: systemClock }).ctx, { objects, warehouse: pglite })).status).toBe(
      'SUCCESS',
    );
    expect(await successes()).toEqual([[1]]);

    const { ctx, logs } = testContext({ clock: systemClock }); // the audit row's start is compared with the file's mtime
    const again = await upsertFile(file, 0, options, ctx, { objects, warehouse: pglite });
    expect(again).toMatchObject({ status: 'SUCCESS', read: 0, inserted: 0 });
    expect(logs.lines.some((l) => String(l['msg']).includes('archived now, not loaded again'))).toBe(true);
    expect(await successes()).toEqual([[1]]);

    await new Promise((resolve) => setTimeout(resolve, 20));
    writeFileSync(file, 'id,name\n1,b\n');
    expect((await upsertFile(file, 0, options, testContext({ clock: systemClock }).ctx, { objects, warehouse: pglite })).status).toBe(
      'SUCCESS',
    );
    expect(await successes()).toEqual([[2]]);
    expect((await pglite.query('SELECT name FROM public.loaded_once')).rows).toEqual([['b']]);
  });

  it('loads nothing from an empty or a header-only file: a success with a warning, no table created', async () => {
    const options = resolveUpsertOptions({ table: 'public.nothing', keys: ['id'], stagingPrefix: join(dir, 'staging') });
    for (const [name, content] of [
      ['empty.csv', ''],
      ['header-only.csv', 'id,name\n'],
    ] as const) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const { ctx, logs } = testContext();
      const outcome = await upsertFile(file, 0, options, ctx, { objects, warehouse: pglite });
      expect(outcome).toMatchObject({ status: 'SUCCESS', read: 0, inserted: 0 });
      expect(logs.lines.some((l) => ['warn', 40].includes(l['level'] as string) && String(l['msg']).includes('nothing to load'))).toBe(
        true,
      );
    }
    const tables = await pglite.query("SELECT count(*)::int FROM information_schema.tables WHERE table_name = 'nothing'");
    expect(tables.rows).toEqual([[0]]);
  });

  it('records what a load stopped while staging had read in its FAILED audit row (it said 0)', async () => {
    const file = join(dir, 'stopped.csv');
    // 20,000 good rows, then ragged ones: the 6th reject stops the run (as --max_rejects 5 does) mid-file.
    writeFileSync(file, `id,qty\n${Array.from({ length: 20_000 }, (_, i) => `${i},1\n`).join('')}${'1,2,3\n'.repeat(50)}`);
    const stop = new AbortController();
    const ctx = createRunContext({
      jobName: 'stopped',
      logger: createLogger({ runId: 'run-stopped', jobName: 'stopped', level: 'error' }),
      signal: stop.signal,
      rejects: limitedRejects(countingRejects(), 5, () => stop.abort(new TerminalError('TOO_MANY_REJECTS', 'more than 5 rejects'))),
    });
    const options = resolveUpsertOptions({
      table: 'public.stopped',
      keys: ['id'],
      stagingPrefix: join(dir, 'staging'),
      inferFrom: 'sample',
    });
    const failed = await upsertFile(file, 0, options, ctx, { objects, warehouse: pglite }).then(
      () => undefined,
      (error: { outcome?: { read: number; rejected: number; status: string } }) => error.outcome,
    );
    expect(failed?.status).toBe('FAILED');
    expect(failed?.rejected).toBeGreaterThan(5);
    expect(failed?.read).toBeGreaterThan(failed?.rejected ?? 0);
    const audit = await pglite.query("SELECT records_read, status FROM public.job_sts WHERE source_filename LIKE '%stopped.csv'");
    expect(audit.rows).toEqual([[failed?.read, 'FAILED']]);
  });

  it('rejects a value no Redshift column holds (over 65,535 bytes in UTF-8, or holding NUL) naming the source line; the rest loads', async () => {
    const file = join(dir, 'hostile-text.csv');
    const lines = ['id,name,note', ...Array.from({ length: 40 }, (_, i) => `${i + 1},n${i + 1},fine`)];
    lines[3] = `3,n3,${'x'.repeat(70_000)}`;
    lines[6] = '6,n\0six,fine';
    lines[9] = `9,n9,${'あ'.repeat(22_000)}`; // 66,000 bytes in 22,000 characters: PostgreSQL's VARCHAR(65535) would take it
    lines[12] = `12,n12,${'y'.repeat(65_535)}`; // at the limit: loads whole
    writeFileSync(file, `${lines.join('\n')}\n`);
    const options = resolveUpsertOptions({ table: 'public.hostile_text', keys: ['id'], stagingPrefix: join(dir, 'staging') });
    const { ctx, rejects } = testContext();

    const outcome = await upsertFile(file, 0, options, ctx, { objects, warehouse: pglite });
    expect(outcome).toMatchObject({ status: 'SUCCESS', read: 40, rejected: 3, inserted: 37 });
    expect(rejects.samples.map((r) => [r.file, r.line, r.column, r.code])).toEqual([
      [file, 4, 'note', 'TOO_LARGE'],
      [file, 7, 'name', 'REJECTED_BY_TARGET'],
      [file, 10, 'note', 'TOO_LARGE'],
    ]);
    expect(rejects.samples[0]?.reason).toBe(
      'note: 70000 bytes in UTF-8, over the 65535 Redshift holds in a text column: shorten it in the source (values are never truncated)',
    );
    expect(rejects.samples[1]?.reason).toMatch(/^name: holds a NUL character \(U\+0000\), which Redshift refuses in text: remove it/);
    const loaded = await pglite.query(
      'SELECT count(*)::int, max(octet_length(note)), sum(CASE WHEN id IN (3, 6, 9) THEN 1 ELSE 0 END)::int FROM public.hostile_text',
    );
    expect(loaded.rows).toEqual([[37, 65_535, 0]]);
    const audit = await pglite.query(
      "SELECT records_read, records_rejected FROM public.job_sts WHERE source_filename LIKE '%hostile-text.csv'",
    );
    expect(audit.rows).toEqual([[40, 3]]);
  });

  it('COPYs each staged part while the next is staged, into a staging table of the widest types; the table is widened after, then merged', async () => {
    const table = 'public.parted';
    const options = resolveUpsertOptions({ table, keys: ['id'], stagingPrefix: join(dir, 'staging'), stagingPartBytes: 1 }); // every chunk a part
    const first = join(dir, 'parted-1.csv');
    writeFileSync(first, 'id,qty,name\n1,5,a\n2,6,b\n');
    expect((await upsertFile(first, 0, options, testContext().ctx, { objects, warehouse: pglite })).status).toBe('SUCCESS');

    // 40,000 rows in several parts; quantities past SMALLINT and names past VARCHAR(256) need the table widened.
    const file = join(dir, 'parted-2.csv');
    const rows = Array.from(
      { length: 40_000 },
      (_, i) => `${i + 2},${i === 39_999 ? 40_000 : i},${i === 15_000 ? 'n'.repeat(300) : `n${i}`}`,
    );
    writeFileSync(file, `id,qty,name\n${rows.join('\n')}\n`);
    const { ctx } = testContext();
    const stored: number[] = [];
    const warehouse = recording(pglite);
    const loadCsv = warehouse.loadCsv.bind(warehouse);
    // How many parts were stored when each COPY started: the first COPY runs before staging ends.
    warehouse.loadCsv = async (load, callOptions) => {
      stored.push((await objectsUnder(objects, load.stagingUri.slice(0, load.stagingUri.lastIndexOf('/') + 1))).length);
      return loadCsv(load, callOptions);
    };
    const outcome = await upsertFile(file, 1, options, ctx, { objects, warehouse });
    expect(outcome).toMatchObject({ status: 'SUCCESS', read: 40_000, inserted: 39_999, updated: 1 });
    const copies = outcome.plan.filter((s) => s.sql.startsWith('COPY'));
    expect(copies.length).toBeGreaterThan(2);
    expect(stored).toHaveLength(copies.length);
    expect(stored[0]).toBeLessThan(copies.length);
    // Staging table and COPYs first, then the table's changes, then the merge: as the plan says.
    expect(warehouse.received).toEqual(outcome.plan.map((s) => s.sql));
    const firstAlter = outcome.plan.findIndex((s) => s.sql.startsWith('ALTER TABLE "public"."parted"'));
    expect(firstAlter).toBeGreaterThan(outcome.plan.lastIndexOf(copies[copies.length - 1] as (typeof copies)[number]));
    expect(outcome.plan[1]?.sql).toMatch(/^DROP TABLE IF EXISTS "public"."stg_/);
    expect(outcome.plan[2]?.sql).toMatch(
      /^CREATE TABLE "public"."stg_\S+ \("id" BIGINT NOT NULL, "qty" BIGINT, "name" VARCHAR\(65535\), "__etl_line" BIGINT\)$/,
    );
    const loaded = await pglite.query('SELECT count(*)::int, max(qty)::int, max(octet_length(name))::int FROM public.parted');
    expect(loaded.rows).toEqual([[40_001, 40_000, 300]]);
    const columns = await pglite.query(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'parted' AND column_name IN ('qty', 'name') ORDER BY 1",
    );
    expect(columns.rows).toEqual([
      ['name', 'character varying'],
      ['qty', 'integer'],
    ]);
  });

  it('stages a file on threads into the same table as one thread: the last line of a repeated key wins, widths and ranges as profiled', async () => {
    // 12 MB (over one 8 Mi chunk): keys repeat across chunks, so the merge's "last line" must hold across them.
    const file = join(dir, 'threaded.csv');
    const lines = Array.from(
      { length: 300_000 },
      (_, i) => `${i % 90_000},${i},${i === 200_000 ? 'w'.repeat(400) : `customer name ${i}`},${i % 7 === 0 ? '' : (i / 8).toFixed(3)}`,
    );
    writeFileSync(file, `id,seen,name,amount\n${lines.join('\n')}\n`);
    const load = async (threads: number) => {
      const table = `public.threaded_${threads}`;
      const options = resolveUpsertOptions({ table, keys: ['id'], stagingPrefix: join(dir, 'staging'), threads });
      const { ctx, logs } = testContext();
      const outcome = await upsertFile(file, 0, options, ctx, { objects, warehouse: pglite });
      // Staged on the threads asked for (not one thread quietly): the staging step's log says.
      expect(logs.lines.find((l) => String(l.msg).includes('typed rows for COPY'))).toMatchObject({ threads });
      const rows = await pglite.query(`SELECT id, seen, name, amount FROM ${table} ORDER BY id`);
      const columns = await pglite.query(
        `SELECT column_name, data_type, character_maximum_length FROM information_schema.columns WHERE table_name = 'threaded_${threads}' ORDER BY ordinal_position`,
      );
      const { status, read, inserted, duplicates } = outcome;
      return { outcome: { status, read, inserted, duplicates }, rows: rows.rows, columns: columns.rows };
    };
    const one = await load(1);
    expect(one.outcome).toEqual({ status: 'SUCCESS', read: 300_000, inserted: 90_000, duplicates: 210_000 });
    // Each key's last line: the greatest `seen` of its residue class.
    expect(one.rows[5]).toEqual([5, 270_005, 'customer name 270005', '33750.625000000000000000']);
    expect(one.rows[4]).toEqual([4, 270_004, 'customer name 270004', null]); // a multiple of 7: no amount
    expect(statSync(file).size).toBeGreaterThan(8 * 1024 * 1024 + 1);
    expect(await load(2)).toEqual(one);
  }, 60_000);

  it('refuses bad options before reading anything, naming each', () => {
    expect(() => resolveUpsertOptions({ table: 't', keys: [], stagingPrefix: 's/', stagingPartBytes: 0 })).toThrow(
      /keys must name at least one column; stagingPartBytes must be at least 1/,
    );
  });
});

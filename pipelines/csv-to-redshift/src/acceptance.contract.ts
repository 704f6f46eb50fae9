import { describe, expect, it } from 'vitest';
import { newRunId, systemClock } from '@etl/core';
import { joinUri, objectsUnder, readText, type ObjectStore } from '@etl/object-store';
import { stagingTableName } from '@etl/table-sync';
import type { SqlValue } from '@etl/warehouse';

/** Where the acceptance scenarios run: the embedded defaults, or the local AWS stack by endpoint. */
export interface AcceptanceTarget {
  /** Runs the job with `argv` plus the target's own arguments (warehouse, staging prefix, outputs). */
  run(...argv: string[]): Promise<{ code: number; stdout: string }>;
  /** Queries the warehouse the runs load into. */
  query(sql: string): Promise<SqlValue[][]>;
  /** Stores a source file; returns its path or `s3://` URI. */
  put(name: string, content: string | Buffer): Promise<string>;
  /** The store that holds the sources (archive/, unprocessed/) and the staging prefix. */
  objects: ObjectStore;
  /** The `--staging_prefix` the target passes. */
  stagingPrefix: string;
  /** The warehouse has Redshift's late-binding views (`WITH NO SCHEMA BINDING`): the Data API stand-in, not PGlite. */
  lateBindingViews?: boolean;
}

const longName = `Robert ${'x'.repeat(300)}`;
const month = () => `${new Date().getUTCFullYear()}/${String(new Date().getUTCMonth() + 1).padStart(2, '0')}`;
/** Seed 003's layout: `<root>/in/<file>` moves to `<root>/archive/yyyy/mm/<file>` (or `unprocessed/`), a sibling of `in/`. */
const moved = (source: string, folder: 'archive' | 'unprocessed') => {
  const inFolder = source.slice(0, source.lastIndexOf('/'));
  return `${inFolder.slice(0, inFolder.lastIndexOf('/') + 1)}${folder}/${month()}/${source.slice(source.lastIndexOf('/') + 1)}`;
};

/** Issue #6's acceptance, run in order against one warehouse: each scenario builds on the table before. */
export function csvToRedshiftAcceptance(name: string, target: () => AcceptanceTarget): void {
  describe(`csv-to-redshift acceptance: ${name}`, () => {
    const exists = async (uri: string) => (await target().objects.head(uri)) !== undefined;

    it('creates the table, then evolves it and upserts: new columns, longer text, SMALLINT -> INTEGER, views kept', async () => {
      const t = target();
      const first = await t.put('customers-1.csv', 'Customer ID,Name,Score,Balance\n1,Alice,10,1.50\n2,Bob,20,2.25\n3,Carol,30,3.00\n');
      const one = await t.run('--source', first, '--target_table', 'public.customers', '--upsert_keys', 'customer_id');
      expect(one.code, one.stdout).toBe(0);
      expect(await exists(first)).toBe(false);
      expect(await exists(moved(first, 'archive'))).toBe(true);
      await t.query('CREATE VIEW public.v_scores AS SELECT customer_id, score FROM public.customers');
      // A view on a view: dropping v_scores for the ALTERs needs this one dropped first.
      await t.query('CREATE VIEW public.v_high_scores AS SELECT customer_id FROM public.v_scores WHERE score > 15');

      const views = await t.put(
        'views.json',
        JSON.stringify([
          {
            source_table: 'customers',
            view_name: 'v_customers',
            schema_name: 'public',
            definition:
              'CREATE OR REPLACE VIEW {schema_name}.{view_name} AS SELECT customer_id, name, tier FROM {schema_name}.{source_table}',
          },
        ]),
      );
      const second = await t.put(
        'customers-2.csv',
        `Customer ID,Name,Score,Balance,Email,Tier\n2,${longName},21,2.25,b@x.io,bronze\n4,Dave,40000,4.00,d@x.io,gold\n1,Alice,11,1.50,a@x.io,silver\n1,Alice,12,1.75,a@x.io,silver\n`,
      );
      const two = await t.run(
        '--source',
        second,
        '--target_table',
        'public.customers',
        '--upsert_keys',
        'customer_id',
        '--view_config',
        views,
      );
      expect(two.code, two.stdout).toBe(0);

      expect(
        await t.query('SELECT customer_id, name, score, balance::text, email, tier, file_name FROM public.customers ORDER BY customer_id'),
      ).toEqual([
        [1, 'Alice', 12, '1.750000000000000000', 'a@x.io', 'silver', second],
        [2, longName, 21, '2.250000000000000000', 'b@x.io', 'bronze', second],
        [3, 'Carol', 30, '3.000000000000000000', null, null, first],
        [4, 'Dave', 40000, '4.000000000000000000', 'd@x.io', 'gold', second],
      ]);
      expect(
        await t.query(
          "SELECT column_name::text, data_type::text, character_maximum_length FROM information_schema.columns WHERE table_name = 'customers' AND column_name IN ('name', 'score') ORDER BY column_name",
        ),
      ).toEqual([
        ['name', 'character varying', longName.length + 10],
        ['score', 'integer', null],
      ]);
      expect(await t.query('SELECT * FROM public.v_scores ORDER BY customer_id')).toEqual([
        [1, 12],
        [2, 21],
        [3, 30],
        [4, 40000],
      ]);
      expect(await t.query('SELECT * FROM public.v_high_scores ORDER BY customer_id')).toEqual([[2], [3], [4]]);
      expect(await t.query('SELECT customer_id, tier FROM public.v_customers ORDER BY customer_id')).toEqual([
        [1, 'silver'],
        [2, 'bronze'],
        [3, null],
        [4, 'gold'],
      ]);
      expect(
        await t.query(
          'SELECT source_filename, records_read, records_updated, records_inserted, records_rejected, status FROM public.job_sts ORDER BY run_start_ts',
        ),
      ).toEqual([
        [first, 3, 0, 3, 0, 'SUCCESS'],
        [second, 4, 2, 1, 0, 'SUCCESS'],
      ]);
    });

    it('widens INTEGER -> BIGINT and a VARCHAR again with views on the table: the views are kept, a late-binding one untouched', async () => {
      const t = target();
      if (t.lateBindingViews)
        await t.query('CREATE VIEW public.v_late AS SELECT customer_id, name, score FROM public.customers WITH NO SCHEMA BINDING');
      const longer = `Erin ${'y'.repeat(400)}`;
      const third = await t.put('customers-5.csv', `Customer ID,Name,Score\n5,${longer},3000000000\n3,Carol,31\n`);
      const result = await t.run('--source', third, '--target_table', 'public.customers', '--upsert_keys', 'customer_id');
      expect(result.code, result.stdout).toBe(0);
      expect(
        await t.query(
          "SELECT column_name::text, data_type::text, character_maximum_length FROM information_schema.columns WHERE table_name = 'customers' AND column_name IN ('name', 'score') ORDER BY column_name",
        ),
      ).toEqual([
        ['name', 'character varying', longer.length + 10],
        ['score', 'bigint', null],
      ]);
      expect(await t.query('SELECT customer_id, score::text FROM public.v_scores ORDER BY customer_id')).toEqual([
        [1, '12'],
        [2, '21'],
        [3, '31'],
        [4, '40000'],
        [5, '3000000000'],
      ]);
      expect(await t.query('SELECT * FROM public.v_high_scores ORDER BY customer_id')).toEqual([[2], [3], [4], [5]]);
      if (t.lateBindingViews)
        expect(
          await t.query('SELECT customer_id, length(name), score::text FROM public.v_late WHERE customer_id >= 4 ORDER BY customer_id'),
        ).toEqual([
          [4, 4, '40000'],
          [5, longer.length, '3000000000'],
        ]);
      // The views' backup (kept while a VARCHAR widening ran outside any transaction) is empty again.
      expect(await t.query('SELECT count(*)::int FROM public.etl_view_backup')).toEqual([[0]]);
      expect(
        await t.query(
          "SELECT records_read, records_updated, records_inserted, status FROM public.job_sts WHERE source_filename LIKE '%customers-5.csv'",
        ),
      ).toEqual([[2, 1, 1, 'SUCCESS']]);
    });

    it('fails a file whose key holds text where the table has numbers: FAILED audit, file in unprocessed/, table unchanged', async () => {
      const t = target();
      const before = await t.query('SELECT customer_id, name, score FROM public.customers ORDER BY customer_id');
      const bad = await t.put('customers-3.csv', 'Customer ID,Name\nabc,Eve\n');
      const result = await t.run('--source', bad, '--target_table', 'public.customers', '--upsert_keys', 'customer_id');
      expect(result.code).toBe(1);
      expect(result.stdout).toContain('text cannot load into a numeric column');
      expect(await exists(moved(bad, 'unprocessed'))).toBe(true);
      expect(await t.query('SELECT customer_id, name, score FROM public.customers ORDER BY customer_id')).toEqual(before);
      expect(
        await t.query(
          "SELECT status, error_message LIKE '%customer_id%' FROM public.job_sts WHERE source_filename LIKE '%customers-3.csv'",
        ),
      ).toEqual([['FAILED', true]]);
    });

    it('--dry_run prints the plan and changes nothing', async () => {
      const t = target();
      const next = await t.put('customers-4.csv', 'Customer ID,Name,Region\n5,Frank,EU\n');
      const before = await t.query('SELECT count(*)::int FROM public.job_sts');
      const result = await t.run('--source', next, '--target_table', 'public.customers', '--upsert_keys', 'customer_id', '--dry_run');
      expect(result.code, result.stdout).toBe(0);
      const plan = result.stdout
        .split('\n')
        .filter((l) => l.includes('"step"'))
        .map((l) => JSON.parse(l) as { step: number; sql: string; msg: string });
      expect(result.stdout).toContain('dry run: the plan for');
      expect(plan.map((p) => p.step)).toEqual(plan.map((_p, i) => i + 1));
      expect(plan.map((p) => p.sql)).toContain('ALTER TABLE "public"."customers" ADD COLUMN "region" VARCHAR(256)');
      expect(plan.some((p) => p.sql.startsWith('INSERT INTO "public"."customers"') && p.msg.includes('upsert'))).toBe(true);
      expect(await exists(next)).toBe(true);
      expect(await t.query('SELECT count(*)::int FROM public.job_sts')).toEqual(before);
      expect(
        await t.query("SELECT count(*)::int FROM information_schema.columns WHERE table_name = 'customers' AND column_name = 'region'"),
      ).toEqual([[0]]);
      expect(await objectsUnder(t.objects, t.stagingPrefix).catch(() => [])).toEqual([]);
    });

    it('loads a Shift_JIS file with correct Japanese text and makes hostile header names safe (cut to the engine identifier limit: 63 bytes on PostgreSQL, 127 on Redshift); a file name with a quote and a backslash is stored as it is', async () => {
      const t = target();
      // 名前 (Shift_JIS 96BC 914F) and a value 株式会社テスト, with hostile column names around it.
      const header = `"a""b",select,"x;y",${'long'.repeat(50)},dup,dup,`;
      const sjis = Buffer.concat([
        Buffer.from(`id,${header}`),
        Buffer.from('96bc914f', 'hex'),
        Buffer.from('\n1,q,s,x,l,d1,d2,'),
        Buffer.from('8a948eae89ef8ed08365835883670a', 'hex'),
      ]);
      const path = await t.put("o'brien\\hostile.csv", sjis);
      const result = await t.run('--source', path, '--target_table', 'public.hostile', '--upsert_keys', 'id', '--encoding', 'shift_jis');
      expect(
        result.stdout
          .split('\n')
          .filter((l) => l.includes('"error"') || l.includes('failed'))
          .join('\n'),
      ).toBe('');
      expect(result.code).toBe(0);
      const columns = (
        await t.query("SELECT column_name::text FROM information_schema.columns WHERE table_name = 'hostile' ORDER BY ordinal_position")
      ).map((r) => r[0]);
      expect(columns.slice(0, 8)).toEqual(['id', 'a_b', 'select_', 'x_y', 'long'.repeat(50).slice(0, 63), 'dup', 'dup_2', '名前']);
      expect(await t.query('SELECT "名前", file_name FROM public.hostile')).toEqual([['株式会社テスト', path]]);
    });

    it("loads a file that has run_date and file_name columns already (an export of the table): this run's values replace them", async () => {
      const t = target();
      const exported = await t.put('exported.csv', 'id,note,run_date,file_name\n1,x,2020-01-01 00:00:00,s3://old/place.csv\n');
      const result = await t.run('--source', exported, '--target_table', 'public.reexport', '--upsert_keys', 'id');
      expect(result.code, result.stdout).toBe(0);
      expect(await t.query("SELECT id, note, file_name, run_date > TIMESTAMP '2026-01-01' FROM public.reexport")).toEqual([
        [1, 'x', exported, true],
      ]);
    });

    it('with --infer_from file, a text value past the first MiB types its column VARCHAR and every row loads (staged in 1 MB parts, one COPY)', async () => {
      const t = target();
      const rows = Array.from({ length: 90_000 }, (_, i) => `${i},${i * 7}`);
      rows.push('90000,N/A');
      const path = await t.put('late-text.csv', `id,code\n${rows.join('\n')}\n`);
      const result = await t.run(
        '--source',
        path,
        '--target_table',
        'public.late_text',
        '--upsert_keys',
        'id',
        '--infer_from',
        'file',
        '--staging_part_mb',
        '1',
      );
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toMatch(/staged 90001 typed rows for COPY in [2-9] part\(s\)/);
      expect(
        await t.query("SELECT data_type::text FROM information_schema.columns WHERE table_name = 'late_text' AND column_name = 'code'"),
      ).toEqual([['character varying']]);
      expect(await t.query('SELECT count(*)::int, max(CASE WHEN id = 90000 THEN code END) FROM public.late_text')).toEqual([
        [90_001, 'N/A'],
      ]);
      expect(
        await t.query("SELECT records_read, records_rejected FROM public.job_sts WHERE source_filename LIKE '%late-text.csv'"),
      ).toEqual([[90_001, 0]]);
    });

    it('a value no Redshift column holds (over 65,535 bytes in UTF-8, or holding NUL) is a reject naming the source file, line and column; the rest loads; --max_rejects counts it', async () => {
      const t = target();
      const lines = ['id,name,note', ...Array.from({ length: 40 }, (_, i) => `${i + 1},n${i + 1},fine`)];
      lines[3] = `3,n3,${'x'.repeat(70_000)}`;
      lines[6] = '6,n\0six,fine';
      lines[9] = `9,n9,${'あ'.repeat(22_000)}`; // 66,000 bytes in 22,000 characters
      lines[12] = `12,n12,${'y'.repeat(65_535)}`; // at the limit: loads whole
      const content = `${lines.join('\n')}\n`;
      const path = await t.put('hostile-text.csv', content);
      const result = await t.run('--source', path, '--target_table', 'public.hostile_text', '--upsert_keys', 'id');
      expect(result.code, result.stdout.slice(-2000)).toBe(0);
      expect(
        await t.query(
          'SELECT count(*)::int, max(octet_length(note)), count(CASE WHEN id IN (3, 6, 9) THEN 1 END)::int FROM public.hostile_text',
        ),
      ).toEqual([[37, 65_535, 0]]);
      const started = JSON.parse(result.stdout.split('\n')[0] ?? '{}') as { outputs: { rejects: string } };
      const rejects = (await readText(t.objects, started.outputs.rejects))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { file: string; line: number; column: string; reason: string });
      expect(rejects.map((r) => [r.file, r.line, r.column])).toEqual([
        [path, 4, 'note'],
        [path, 7, 'name'],
        [path, 10, 'note'],
      ]);
      expect(rejects[0]?.reason).toContain(
        '70000 bytes in UTF-8, over the 65535 Redshift holds in a text column: shorten it in the source',
      );
      expect(rejects[1]?.reason).toContain('holds a NUL character (U+0000), which Redshift refuses in text: remove it in the source');
      expect(
        await t.query("SELECT records_read, records_rejected, status FROM public.job_sts WHERE source_filename LIKE '%hostile-text.csv'"),
      ).toEqual([[40, 3, 'SUCCESS']]);

      // Counted against --max_rejects like any reject: 3 of at most 2 stops the run before anything is loaded.
      const again = await t.put('hostile-text-2.csv', content.replace(/,fine\n/g, ',again\n'));
      const stopped = await t.run('--source', again, '--target_table', 'public.hostile_text', '--upsert_keys', 'id', '--max_rejects', '2');
      expect(stopped.code).toBe(1);
      // Through S3 too: the read the stop cut short fails as "aborted" (ECONNRESET), and the run says why it stopped.
      expect(stopped.stdout).toMatch(/more than --max_rejects 2/);
      expect(await t.query("SELECT count(*)::int FROM public.hostile_text WHERE note = 'again'")).toEqual([[0]]);
    });

    it('--check_only probes what a load needs and loads nothing: exit 0 when all pass, 2 naming what would fail', async () => {
      const t = target();
      const next = await t.put('customers-6.csv', 'Customer ID,Name\n9,Zed\n');
      const before = await t.query('SELECT count(*)::int FROM public.job_sts');
      const good = await t.run('--source', next, '--target_table', 'public.customers', '--upsert_keys', 'customer_id', '--check_only');
      expect(good.code, good.stdout).toBe(0);
      expect(good.stdout).toContain('public.customers takes SELECT, INSERT and DELETE: ok');
      expect(good.stdout).toMatch(/check only: all \d+ checks passed; nothing was loaded/);
      const bad = await t.run('--source', next, '--target_table', 'nowhere.customers', '--upsert_keys', 'customer_id', '--check_only');
      expect(bad.code).toBe(2);
      expect(await exists(next)).toBe(true);
      expect(await t.query('SELECT count(*)::int FROM public.job_sts')).toEqual(before);
      expect(await t.query('SELECT count(*)::int FROM public.customers WHERE customer_id = 9')).toEqual([[0]]);
    });

    it('drops what a killed run left (its staging table and staged files, past --stale_staging_hours) and nothing else; a dry run only lists it', async () => {
      const t = target();
      // A run killed in 2020 between its COPY and its merge; another started an hour ago (maybe still loading).
      const recent = newRunId({ ...systemClock, now: () => new Date(Date.now() - 3_600_000) });
      const killedFile = joinUri(t.stagingPrefix, '20200101T000000Z-0badc0de', '0', 'part-00000.csv.gz');
      const recentFile = joinUri(t.stagingPrefix, recent, '0', 'part-00000.csv.gz');
      const userFile = joinUri(t.stagingPrefix, 'manual', 'keep.csv');
      for (const uri of [killedFile, recentFile, userFile]) await t.objects.put(uri, Buffer.from('1\n'));
      for (const table of ['stg_20200101t000000z_0badc0de_0', stagingTableName(recent, 0), 'stg_notes'])
        await t.query(`CREATE TABLE public.${table} (id BIGINT)`);
      const stagingTables = () =>
        t.query(
          "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'stg%' ORDER BY table_name",
        );
      const all = await stagingTables();
      const source = await t.put('after-kill.csv', 'id,note\n1,x\n');

      const dry = await t.run('--source', source, '--target_table', 'public.after_kill', '--upsert_keys', 'id', '--dry_run');
      expect(dry.code, dry.stdout).toBe(0);
      expect(dry.stdout).toContain('dry run: would run DROP TABLE IF EXISTS \\"public\\".\\"stg_20200101t000000z_0badc0de_0\\"');
      expect(dry.stdout).toContain('1 staged file(s) of runs that started over 24 h ago');
      expect(await stagingTables()).toEqual(all);
      expect(await exists(killedFile)).toBe(true);

      const result = await t.run('--source', source, '--target_table', 'public.after_kill', '--upsert_keys', 'id');
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toContain('dropped 1 staging table(s) and deleted 1 staged file(s)');
      expect(await stagingTables()).toEqual(all.filter(([name]) => name !== 'stg_20200101t000000z_0badc0de_0'));
      expect([await exists(killedFile), await exists(recentFile), await exists(userFile)]).toEqual([false, true, true]);
      expect(await t.query('SELECT id, note FROM public.after_kill')).toEqual([[1, 'x']]);
      for (const table of [stagingTableName(recent, 0), 'stg_notes']) await t.query(`DROP TABLE public.${table}`);
      await t.objects.deleteMany([recentFile, userFile]);
    });
  });
}

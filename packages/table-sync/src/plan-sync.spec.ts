import { columnsOf, metadataColumns, parseSchemaCsv, type Value } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { auditInsert, auditTable } from './audit.js';
import { planMerge } from './merge-plan.js';
import { planTableSync } from './plan-sync.js';
import { SourceProfile } from './source-profile.js';
import { targetColumns } from './target-columns.js';
import { orderDependentViews, viewConfigSteps } from './views.js';

function profile(csvSchema: string, rows: Value[][]): SourceProfile {
  const schema = parseSchemaCsv(`column_name,data_type,nullable\n${csvSchema}`);
  const p = new SourceProfile(schema);
  p.observe(columnsOf(schema.fields, rows));
  return p;
}

const target = targetColumns([
  ['id', 'smallint', null, 16, 0, 'NO'],
  ['name', 'character varying', 20, null, null, 'YES'],
  ['amount', 'numeric', null, 38, 18, 'YES'],
]);

describe('planTableSync', () => {
  it('creates a missing table: keys NOT NULL, strings VARCHAR(256) or longest + 10', () => {
    const plan = planTableSync({
      table: 'public.t',
      keys: ['id'],
      target: undefined,
      profile: profile('id,int,false\nname,varchar\nnote,varchar\n', [[1, 'a', 'x'.repeat(400)]]),
    });
    expect(plan.steps.map((s) => s.sql)).toEqual([
      'CREATE TABLE "public"."t" ("id" INTEGER NOT NULL, "name" VARCHAR(256), "note" VARCHAR(410))',
    ]);
    expect(plan.problems).toEqual([]);
  });

  it('sizes integers by the values alone when the schema widened them to BIGINT only to read the file', () => {
    const rows: Value[][] = [
      [1n, 40_000n, null],
      [70_000n, 2n, null],
    ];
    const created = planTableSync({
      table: 'public.t',
      keys: ['id'],
      target: undefined,
      integersFromValues: true,
      profile: profile('id,bigint,false\nqty,bigint\nnone,bigint\n', rows),
    });
    expect(created.steps.map((s) => s.sql)).toEqual(['CREATE TABLE "public"."t" ("id" INTEGER NOT NULL, "qty" INTEGER, "none" SMALLINT)']);
    const small = profile('id,bigint,false\nname,varchar\n', [[7n, 'a']]);
    expect(planTableSync({ table: 'public.t', keys: ['id'], target, integersFromValues: true, profile: small }).steps).toEqual([]);
    expect(planTableSync({ table: 'public.t', keys: ['id'], target, profile: small }).steps[0]?.sql).toBe(
      'ALTER TABLE "public"."t" ADD COLUMN "id__widen" BIGINT',
    );
  });

  it('adds columns, widens VARCHAR by UTF-8 bytes and SMALLINT by add-copy-drop-rename, views around the ALTERs', () => {
    const name = '株'.repeat(10); // 30 bytes in UTF-8, 10 characters
    const plan = planTableSync({
      table: 'public.t',
      keys: ['id'],
      target,
      dependentViews: [
        { name: 'public.v', definition: ' SELECT id FROM public.t;' },
        { name: 'public.v_on_v', definition: 'SELECT id FROM public.v' },
      ],
      profile: profile('id,int,false\nname,varchar\namount,"decimal(38,18)"\nemail,varchar\n', [[70000, name, '1.5', 'a@b']]),
    });
    const restore = [
      'CREATE VIEW "public"."v" AS SELECT id FROM public.t',
      'CREATE VIEW "public"."v_on_v" AS SELECT id FROM public.v',
      `DELETE FROM "public"."etl_view_backup" WHERE target_table = 'public.t'`,
    ];
    // A VARCHAR widening cannot share a transaction: the views are kept in the backup table while they are gone.
    expect(plan.phases.map((p) => p.dropsViews ?? false)).toEqual([false, true, false, false, false]);
    expect(plan.phases.map((p) => [p.transaction, p.steps.map((s) => s.sql)])).toEqual([
      [true, ['ALTER TABLE "public"."t" ADD COLUMN "email" VARCHAR(256)']],
      [
        true,
        [
          'CREATE TABLE IF NOT EXISTS "public"."etl_view_backup" (target_table VARCHAR(256) NOT NULL, view_order INTEGER NOT NULL, view_name VARCHAR(256) NOT NULL, definition VARCHAR(65535) NOT NULL)',
          `DELETE FROM "public"."etl_view_backup" WHERE target_table = 'public.t'`,
          `INSERT INTO "public"."etl_view_backup" (target_table, view_order, view_name, definition) VALUES ('public.t', 1, 'public.v', 'SELECT id FROM public.t')`,
          `INSERT INTO "public"."etl_view_backup" (target_table, view_order, view_name, definition) VALUES ('public.t', 2, 'public.v_on_v', 'SELECT id FROM public.v')`,
          'DROP VIEW IF EXISTS "public"."v_on_v"',
          'DROP VIEW IF EXISTS "public"."v"',
        ],
      ],
      [false, ['ALTER TABLE "public"."t" ALTER COLUMN "name" TYPE VARCHAR(40)']],
      [
        true,
        [
          'ALTER TABLE "public"."t" ADD COLUMN "id__widen" INTEGER',
          'UPDATE "public"."t" SET "id__widen" = "id"',
          'ALTER TABLE "public"."t" DROP COLUMN "id"',
          'ALTER TABLE "public"."t" RENAME COLUMN "id__widen" TO "id"',
        ],
      ],
      [true, restore],
    ]);
    expect(plan.compensation.map((s) => s.sql)).toEqual(restore);
    expect(plan.steps).toEqual(plan.phases.flatMap((p) => p.steps));
  });

  it('keeps views and an integer widening in one transaction when nothing else needs them gone', () => {
    const plan = planTableSync({
      table: 'public.t',
      keys: ['id'],
      target,
      dependentViews: [{ name: 'public.v', definition: 'SELECT id FROM public.t' }],
      profile: profile('id,int,false\n', [[70000]]),
    });
    expect(plan.phases.map((p) => [p.transaction, p.steps.length])).toEqual([[true, 6]]);
    expect(plan.compensation).toEqual([]);
    // Without views, a VARCHAR widening runs alone and needs no compensation.
    const alone = planTableSync({
      table: 'public.t',
      keys: ['id'],
      target,
      integersFromValues: true,
      profile: profile('id,int,false\nname,varchar\n', [[1, 'x'.repeat(40)]]),
    });
    expect(alone.phases.map((p) => p.transaction)).toEqual([false]);
  });

  it('packs new columns into transactions of at most 40 statements (a Data API batch)', () => {
    const names = Array.from({ length: 45 }, (_, i) => `c${i}`);
    const plan = planTableSync({
      table: 'public.t',
      keys: ['id'],
      target,
      integersFromValues: true,
      profile: profile(`id,int,false\n${names.map((n) => `${n},varchar`).join('\n')}\n`, [[1, ...names.map(() => 'x')]]),
    });
    expect(plan.phases.map((p) => [p.transaction, p.steps.length])).toEqual([
      [true, 40],
      [true, 5],
    ]);
  });

  it('refuses text into a numeric column and a missing key, naming the columns', () => {
    const plan = planTableSync({
      table: 'public.t',
      keys: ['id', 'code'],
      target,
      profile: profile('id,varchar,false\nname,varchar\n', [['abc', 'x']]),
    });
    expect(plan.problems).toEqual([
      'upsert key code is not a column of the source (columns: id, name)',
      'column id: the source holds VARCHAR(256) values (text) but public.t.id is SMALLINT; text cannot load into a numeric column',
    ]);
  });

  it('changes nothing when the table already fits', () => {
    expect(
      planTableSync({ table: 'public.t', keys: ['id'], target, profile: profile('id,smallint,false\nname,varchar\n', [[5, 'short']]) })
        .steps,
    ).toEqual([]);
  });
});

describe('planMerge', () => {
  it('dedupes by last line, deletes and inserts with typed defaults for missing columns, in one list', () => {
    const plan = planMerge({ table: 'public.t', staging: 'public.stg_1', keys: ['id'], sourceColumns: ['id', 'name'], target });
    expect(plan.merge.map((s) => s.sql)).toEqual([
      'LOCK "public"."t"',
      'DELETE FROM "public"."stg_1" WHERE EXISTS (SELECT 1 FROM "public"."stg_1" AS later WHERE later."id" = "public"."stg_1"."id" AND later."__etl_line" > "public"."stg_1"."__etl_line")',
      'DELETE FROM "public"."t" USING "public"."stg_1" WHERE "public"."t"."id" = "public"."stg_1"."id"',
      'INSERT INTO "public"."t" ("id", "name", "amount") SELECT "id", "name", 0 FROM "public"."stg_1"',
      'DROP TABLE "public"."stg_1"',
    ]);
    expect(plan.counts).toEqual({ duplicates: 1, replaced: 2, inserted: 3 });
  });

  it('skips the dedupe when the keys are known distinct, and leaves columns without a default NULL', () => {
    const withDate = [...target, ...targetColumns([['shipped', 'date', null, null, null, 'YES']])];
    const plan = planMerge({
      table: 'public.t',
      staging: 'public.stg_1',
      keys: ['id', 'name'],
      sourceColumns: ['id', 'name', 'amount'],
      target: withDate,
      duplicatesPossible: false,
    });
    expect(plan.merge.map((s) => s.sql)).toEqual([
      'LOCK "public"."t"',
      'DELETE FROM "public"."t" USING "public"."stg_1" WHERE "public"."t"."id" = "public"."stg_1"."id" AND "public"."t"."name" = "public"."stg_1"."name"',
      'INSERT INTO "public"."t" ("id", "name", "amount", "shipped") SELECT "id", "name", "amount", NULL FROM "public"."stg_1"',
      'DROP TABLE "public"."stg_1"',
    ]);
    expect(plan.counts).toEqual({ duplicates: -1, replaced: 1, inserted: 2 });
  });

  it('writes constant columns (run metadata) as typed literals in the INSERT, never spliced raw', () => {
    const hostile = "s3://b/x'; DROP TABLE t; --\\.csv";
    const constants = metadataColumns({ runDate: new Date('2025-11-22T10:00:00Z'), fileName: hostile });
    const withMetadata = [
      ...target,
      ...targetColumns([
        ['run_date', 'timestamp without time zone', null, null, null, 'YES'],
        ['file_name', 'character varying', 300, null, null, 'YES'],
      ]),
    ];
    const plan = planMerge({
      table: 'public.t',
      staging: 'public.stg_1',
      keys: ['id'],
      sourceColumns: ['id', 'name', 'amount'],
      target: withMetadata,
      duplicatesPossible: false,
      constants,
    });
    expect(plan.merge[plan.counts.inserted]?.sql).toBe(
      `INSERT INTO "public"."t" ("id", "name", "amount", "run_date", "file_name") SELECT "id", "name", "amount", CAST('2025-11-22 10:00:00.000000' AS TIMESTAMP), 's3://b/x''; DROP TABLE t; --' || CHR(92) || '.csv' FROM "public"."stg_1"`,
    );
    // The profile sizes the constant columns from their one value.
    const p = new SourceProfile(parseSchemaCsv('column_name,data_type\nid,int\n'), constants);
    p.observe(columnsOf([{ name: 'id', type: { kind: 'int' }, nullable: true }], [[1], [2]]));
    expect(p.schema.fields.map((f) => f.name)).toEqual(['id', 'run_date', 'file_name']);
    expect(p.maxBytes('file_name')).toBe(hostile.length);
    expect(p.intRange('id')).toEqual({ min: 1n, max: 2n });
  });
});

describe('audit and views', () => {
  it('writes the SUCCESS audit row in the merge transaction, before the delete, counting replaced keys by a join', () => {
    const plan = planMerge({
      table: 'public.t',
      staging: 'public.stg',
      keys: ['id'],
      sourceColumns: ['id'],
      target: targetColumns([['id', 'bigint', null, 64, 0, 'NO']]),
      audit: {
        table: 'public.job_sts',
        row: {
          runId: 'r1',
          jobId: 'j',
          start: new Date('2026-12-07T00:00:00Z'),
          sourceFile: "s3://b/o'x\\y.csv",
          targetTable: 'public.t',
          read: 5,
          rejected: 1,
        },
      },
    });
    const sql = plan.merge.map((s) => s.sql);
    expect(sql[0]).toBe('LOCK "public"."t", "public"."job_sts"');
    expect(sql[2]).toBe(
      `INSERT INTO "public"."job_sts" (run_id, job_id, run_start_ts, run_end_ts, source_filename, target_table_name, records_read, records_updated, records_inserted, records_rejected, status, error_message) SELECT 'r1', 'j', CAST('2026-12-07 00:00:00.000' AS TIMESTAMP), GETDATE(), 's3://b/o''x' || CHR(92) || 'y.csv', 'public.t', CAST(5 AS BIGINT), COUNT(t."id"), COUNT(*) - COUNT(t."id"), CAST(1 AS BIGINT), 'SUCCESS', NULL FROM "public"."stg" s LEFT JOIN "public"."t" t ON t."id" = s."id"`,
    );
    expect(sql[plan.counts.replaced]).toMatch(/^DELETE FROM "public"."t" USING/);
    expect(sql[plan.counts.inserted]).toMatch(/^INSERT INTO "public"."t"/);
  });

  it('orders dependent views found level by level: each once, after every view it reads', () => {
    const v = (name: string) => ({ name, definition: `SELECT 1 -- ${name}` });
    expect(
      orderDependentViews([[v('public.b'), v('public.a')], [v('public.c'), v('public.a')], [v('public.d')]]).map((x) => x.name),
    ).toEqual(['public.b', 'public.a', 'public.c', 'public.d']);
  });

  it('binds every value of the audit row; nothing from a file name reaches the SQL text', () => {
    const hostile = "s3://b/x'; DROP TABLE t; --.csv";
    const { sql, parameters } = auditInsert(auditTable('public.t'), {
      runId: 'r',
      jobId: 'j',
      start: new Date(0),
      end: new Date(0),
      sourceFile: hostile,
      targetTable: 'public.t',
      read: 1,
      updated: 0,
      inserted: 1,
      rejected: 0,
      status: 'SUCCESS',
    });
    expect(sql).not.toContain('DROP');
    expect(sql).toContain('"public"."job_sts"');
    expect(parameters['source']).toBe(hostile);
  });

  it('fills view config placeholders with quoted identifiers', () => {
    expect(
      viewConfigSteps([
        {
          source_table: 'cust"omers',
          view_name: 'v',
          schema_name: 'public',
          definition: 'CREATE OR REPLACE VIEW {schema_name}.{view_name} AS SELECT * FROM {schema_name}.{source_table}',
        },
      ])[0]?.sql,
    ).toBe('CREATE OR REPLACE VIEW "public"."v" AS SELECT * FROM "public"."cust""omers"');
  });
});

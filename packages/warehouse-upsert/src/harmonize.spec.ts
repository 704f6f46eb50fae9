import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testContext } from '@etl/core/testing';
import { createObjectStore } from '@etl/object-store';
import { viewBackupSteps, viewRestoreSteps, type PlanPhase } from '@etl/table-sync';
import { PgliteWarehouse } from '@etl/warehouse';
import { runHarmonize } from './harmonize.js';
import { restoreBackedUpViews } from './restore-views.js';

let warehouse: PgliteWarehouse;
const views = [
  { name: 'public.v', definition: 'SELECT id, name FROM public.t' },
  { name: 'public.v_on_v', definition: 'SELECT id FROM public.v' },
];
const drops = ['DROP VIEW IF EXISTS "public"."v_on_v"', 'DROP VIEW IF EXISTS "public"."v"'].map((sql) => ({ sql, reason: 'drop' }));

beforeAll(async () => {
  warehouse = await PgliteWarehouse.open({ objects: createObjectStore() });
});
afterAll(async () => {
  await warehouse?.close();
});

async function freshTable(): Promise<void> {
  await warehouse.query('DROP TABLE IF EXISTS public.t CASCADE');
  await warehouse.query("CREATE TABLE public.t (id smallint, name varchar(5)); INSERT INTO public.t VALUES (1, 'a')");
  for (const v of views) await warehouse.query(`CREATE VIEW ${v.name} AS ${v.definition}`);
}

describe('runHarmonize', () => {
  it('recreates the dependent views when a phase fails after they were dropped; what committed before stays', async () => {
    await freshTable();
    const { ctx } = testContext();
    const phases: PlanPhase[] = [
      { transaction: true, steps: [...viewBackupSteps('public.t', views), ...drops], dropsViews: true },
      { transaction: false, steps: [{ sql: 'ALTER TABLE public.t ALTER COLUMN name TYPE VARCHAR(10)', reason: 'widen' }] },
      {
        transaction: true,
        steps: [
          { sql: 'ALTER TABLE public.t ADD COLUMN x INTEGER', reason: 'add' },
          { sql: 'SELECT 1 / 0', reason: 'fails' },
        ],
      },
      { transaction: true, steps: viewRestoreSteps('public.t', views, { backup: true }) },
    ];
    await expect(
      runHarmonize(warehouse, { table: 'public.t', phases, compensation: viewRestoreSteps('public.t', views, { backup: true }) }, ctx),
    ).rejects.toThrow(/public\.t could not be evolved: division by zero[\s\S]*the table is usable: its dependent views were recreated/);
    expect((await warehouse.query('SELECT v.id FROM public.v_on_v v')).rows).toEqual([[1]]);
    expect(
      (
        await warehouse.query(
          "SELECT column_name::text, character_maximum_length FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position",
        )
      ).rows,
    ).toEqual([
      ['id', null],
      ['name', 10],
    ]);
    expect((await warehouse.query('SELECT count(*)::int FROM public.etl_view_backup')).rows).toEqual([[0]]);
  });

  it('fails without compensation when nothing was dropped yet, and leaves the views alone', async () => {
    await freshTable();
    const { ctx } = testContext();
    const phases: PlanPhase[] = [{ transaction: true, steps: [{ sql: 'SELECT 1 / 0', reason: 'fails' }] }];
    await expect(runHarmonize(warehouse, { table: 'public.t', phases, compensation: [] }, ctx)).rejects.toThrow('division by zero');
    expect((await warehouse.query('SELECT count(*)::int FROM public.v_on_v')).rows).toEqual([[1]]);
  });
});

describe('restoreBackedUpViews', () => {
  it('recreates the views a killed run dropped (kept in the backup), in order, and empties the backup', async () => {
    await freshTable();
    const { ctx } = testContext();
    // What a run killed right after its drops leaves behind.
    await warehouse.transaction([...viewBackupSteps('public.t', views), ...drops].map((s) => s.sql));
    expect((await warehouse.query("SELECT count(*)::int FROM pg_views WHERE viewname IN ('v', 'v_on_v')")).rows).toEqual([[0]]);

    const ran = await restoreBackedUpViews(warehouse, 'public.t', ctx);
    expect(ran.map((s) => s.sql)).toEqual([
      'CREATE VIEW "public"."v" AS SELECT id, name FROM public.t',
      'CREATE VIEW "public"."v_on_v" AS SELECT id FROM public.v',
      `DELETE FROM "public"."etl_view_backup" WHERE target_table = 'public.t'`,
    ]);
    expect((await warehouse.query('SELECT * FROM public.v_on_v')).rows).toEqual([[1]]);
    expect(await restoreBackedUpViews(warehouse, 'public.t', ctx)).toEqual([]);
  });
});

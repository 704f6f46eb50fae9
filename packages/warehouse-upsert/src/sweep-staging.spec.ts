import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '@etl/core';
import { testContext } from '@etl/core/testing';
import { createObjectStore } from '@etl/object-store';
import { PgliteWarehouse } from '@etl/warehouse';
import { sweepStaging } from './sweep-staging.js';
import { resolveUpsertOptions } from './upsert-options.js';

const dir = mkdtempSync(join(tmpdir(), 'sweep-staging-'));
const objects = createObjectStore();
let warehouse: PgliteWarehouse;

beforeAll(async () => {
  warehouse = await PgliteWarehouse.open({ objects });
});
afterAll(async () => {
  await warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sweepStaging', () => {
  it('drops any number of leftover staging tables, at most 40 a transaction (a Data API batch takes no more)', async () => {
    const leftovers = Array.from({ length: 45 }, (_, i) => `stg_20200101t000000z_0badc0de_${i}`);
    for (const table of leftovers) await warehouse.query(`CREATE TABLE public.${table} (id BIGINT)`);
    const { ctx, logs } = testContext({ clock: systemClock });
    const options = resolveUpsertOptions({ table: 'public.t', keys: ['id'], stagingPrefix: join(dir, 'staging') });

    const steps = await sweepStaging(options, ctx, { objects, warehouse });
    expect(steps).toHaveLength(45);
    // The embedded warehouse refuses a transaction of more than 40 statements, as the Data API does:
    // one batch of all 45 would have failed (a warning, the tables kept).
    expect(logs.lines.filter((l) => String(l['msg']).includes('could not sweep'))).toEqual([]);
    expect((await warehouse.query("SELECT count(*)::int FROM information_schema.tables WHERE table_name LIKE 'stg%'")).rows).toEqual([[0]]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '@etl/object-store';
import { warehouseContract } from '../warehouse.contract.js';
import { PgliteWarehouse } from './pglite-warehouse.js';

const dir = mkdtempSync(join(tmpdir(), 'pglite-warehouse-'));
const objects = createObjectStore();
let warehouse: PgliteWarehouse;
let n = 0;

beforeAll(async () => {
  warehouse = await PgliteWarehouse.open({ objects });
});
afterAll(async () => {
  await warehouse?.close();
  rmSync(dir, { recursive: true, force: true });
});

warehouseContract('embedded PGlite', () => ({
  warehouse,
  objects,
  stagingRoot: () => `${pathToFileURL(join(dir, `staging-${++n}`)).href}/`,
}));

describe('PgliteWarehouse', () => {
  it('keeps its tables in dataDir across reopenings', async () => {
    const dataDir = join(dir, 'persisted');
    const first = await PgliteWarehouse.open({ dataDir, objects });
    await first.query('CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)');
    await first.close();
    const second = await PgliteWarehouse.open({ dataDir, objects });
    expect((await second.query('SELECT id FROM kept')).rows).toEqual([[7]]);
    await second.close();
  });
});

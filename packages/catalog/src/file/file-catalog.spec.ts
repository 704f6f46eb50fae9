import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '@etl/object-store';
import { catalogContract } from '../catalog.contract.js';
import { FileCatalog } from './file-catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'file-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const catalog = new FileCatalog(createObjectStore(), dir);
let n = 0;

catalogContract('JSON files', () => ({ catalog, database: () => `datamart_${++n}` }));

describe('FileCatalog', () => {
  it('keeps one readable JSON file per table', async () => {
    await catalog.upsertTable({
      database: 'readable',
      name: 'accounts',
      columns: [{ name: 'account_id', type: 'bigint' }],
      partitionKeys: [],
      location: './lake/accounts/',
      format: 'csv',
    });
    const file = JSON.parse(readFileSync(join(dir, 'readable', 'accounts.json'), 'utf8')) as { table: { name: string } };
    expect(file.table.name).toBe('accounts');
  });

  it('says which catalog file is broken', async () => {
    await catalog.upsertTable({ database: 'broken', name: 't', columns: [], partitionKeys: [], location: './t/', format: 'csv' });
    writeFileSync(join(dir, 'broken', 't.json'), '{ not json');
    await expect(catalog.getTable('broken', 't')).rejects.toThrow(/broken\/t\.json is not valid JSON/);
  });
});

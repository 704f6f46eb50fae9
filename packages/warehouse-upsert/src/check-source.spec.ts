import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '@etl/object-store';
import { checkUpsertSource } from './check-source.js';

const dir = mkdtempSync(join(tmpdir(), 'check-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const objects = createObjectStore();
const file = join(dir, 'retail.csv');
writeFileSync(file, 'InvoiceNo,StockCode,Unit Price\n536365,85123A,2.55\n');

describe('checkUpsertSource', () => {
  it('takes keys as the header spells them or cleaned (InvoiceNo is invoiceno)', async () => {
    expect(await checkUpsertSource(objects, file, ['InvoiceNo', 'StockCode'])).toEqual([]);
    expect(await checkUpsertSource(objects, file, ['invoiceno', 'unit_price'])).toEqual([]);
  });

  it('names a key the header lacks, with the columns it has', async () => {
    expect(await checkUpsertSource(objects, file, ['InvoiceNo', 'CustomerID'])).toEqual([
      `--upsert_keys: customerid is not a column of ${file} (its columns, as cleaned: invoiceno, stockcode, unit_price)`,
    ]);
  });

  it('names a source that does not exist; an empty folder is not a mistake', async () => {
    expect(await checkUpsertSource(objects, join(dir, 'nope.csv'), ['id'])).toEqual([
      `--source: ${join(dir, 'nope.csv')} does not exist (a folder of files is given with a trailing /)`,
    ]);
    mkdirSync(join(dir, 'empty'));
    expect(await checkUpsertSource(objects, `${join(dir, 'empty')}/`, ['id'])).toEqual([]);
  });

  it('checks the first file of a folder, skipping archived ones', async () => {
    mkdirSync(join(dir, 'in', 'archive'), { recursive: true });
    writeFileSync(join(dir, 'in', 'archive', 'a.csv'), 'other\n1\n');
    writeFileSync(join(dir, 'in', 'b.csv'), 'id,name\n1,x\n');
    expect(await checkUpsertSource(objects, `${join(dir, 'in')}/`, ['id'])).toEqual([]);
  });
});

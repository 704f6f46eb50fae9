import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '@etl/object-store';
import { checkUpsertSource } from './check-source.js';
import { filesToLoad } from './upsert-files.js';

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

describe('filesToLoad', () => {
  it('never lists a file a run archived, however deep the folder it was read from', async () => {
    const root = join(dir, 'landing');
    for (const path of [
      '2026/12/06/a.csv',
      '2026/12/archive/2026/12/old.csv',
      '2026/unprocessed/2026/11/bad.csv',
      'archive/x.csv',
      'done/2026/12/z.csv',
    ]) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), 'id\n1\n');
    }
    const files = await filesToLoad(objects, `${root}/`, { skip: [join(root, 'done')] });
    expect(files.map((f) => f.slice(f.indexOf('/landing/') + 9))).toEqual(['2026/12/06/a.csv']);
  });
});

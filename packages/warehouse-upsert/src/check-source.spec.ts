import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createShard, shardOf } from '@etl/core';
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

  it('refuses a file with more columns than a Redshift table holds (its staging table adds one), naming it', async () => {
    const wide = join(dir, 'wide.csv');
    const header = (n: number) => ['id', ...Array.from({ length: n - 1 }, (_, i) => `c${i + 1}`)].join(',');
    writeFileSync(wide, `${header(1600)}\n`);
    expect(await checkUpsertSource(objects, wide, ['id'])).toEqual([
      `--source: ${wide} has 1600 columns; a Redshift table holds at most 1600, and the load's staging table adds one (the line number): 1599 at most`,
    ]);
    writeFileSync(wide, `${header(1599)}\n`);
    expect(await checkUpsertSource(objects, wide, ['id'])).toEqual([]);
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

  it('gives each shard the files it owns by name: every file to exactly one, unmoved when others are archived', async () => {
    const root = join(dir, 'sharded');
    const names = ['a.csv', 'b.csv', 'c.csv', 'd.csv', 'e.csv', 'f.csv', '2026/12/07/a.csv'];
    for (const path of names) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), 'id\n1\n');
    }
    const shards = [createShard(0, 2), createShard(1, 2)];
    const whole = await filesToLoad(objects, `${root}/`);
    const [first, second] = await Promise.all(shards.map((shard) => filesToLoad(objects, `${root}/`, { shard })));
    expect(whole).toHaveLength(names.length);
    expect([...(first ?? []), ...(second ?? [])].sort()).toEqual([...whole].sort());
    expect(first?.filter((f) => second?.includes(f))).toEqual([]);
    expect(first?.length).toBeGreaterThan(0);
    expect(second?.length).toBeGreaterThan(0);
    // Shard 0 archived its files (moved below archive/): shard 1, listing later, still gets the same ones.
    for (const file of first ?? []) {
      const key = file.slice(file.indexOf('/sharded/') + 9);
      mkdirSync(join(root, 'archive', '2026', '12', key, '..'), { recursive: true });
      renameSync(join(root, key), join(root, 'archive', '2026', '12', key));
    }
    expect(await filesToLoad(objects, `${root}/`, { shard: shards[1] })).toEqual(second);
    expect(await filesToLoad(objects, `${root}/`, { shard: shards[0] })).toEqual([]);
    // A single file belongs to the shard that owns its base name.
    const single = join(root, 'b.csv');
    expect(await filesToLoad(objects, single, { shard: createShard(shardOf('b.csv', 2), 2) })).toEqual([single]);
    expect(await filesToLoad(objects, single, { shard: createShard(1 - shardOf('b.csv', 2), 2) })).toEqual([]);
  });
});

import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalObjectStore } from '@etl/object-store';
import { parsePrimaryKeys, readPrimaryKeys } from './primary-keys.js';

const dir = mkdtempSync(join(tmpdir(), 'cdc-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parsePrimaryKeys', () => {
  it('reads table_name,primary_key with a composite key as one quoted field, names trimmed, tables case-insensitive', () => {
    const keys = parsePrimaryKeys('\uFEFFtable_name,primary_key\nOrders,"order_id, line_no"\ncustomers,customer_id\n\n', 'keys.csv');
    expect([...keys]).toEqual([
      ['orders', ['order_id', 'line_no']],
      ['customers', ['customer_id']],
    ]);
  });

  it('names the file and line of a bad header, an empty key or a table given two keys', () => {
    expect(() => parsePrimaryKeys('table,key\na,b\n', 'k.csv')).toThrow(/k\.csv: the header must be table_name,primary_key/);
    expect(() => parsePrimaryKeys('table_name,primary_key\na,\nb,x\nb,y\n', 'k.csv')).toThrow(
      /line 2: needs a table name and at least one key column.*line 4: b is named again with another key/,
    );
  });
});

describe('readPrimaryKeys', () => {
  it('uses the newest CSV by LastModified, then by key; hidden and non-CSV files are not candidates', async () => {
    const prefix = join(dir, 'keys');
    mkdirSync(prefix, { recursive: true });
    const file = (name: string, body: string, mtime: number) => {
      writeFileSync(join(prefix, name), body);
      utimesSync(join(prefix, name), mtime, mtime);
    };
    file('2026-11-01.csv', 'table_name,primary_key\norders,old_id\n', 1_000_000);
    file('b-2026-12-01.csv', 'table_name,primary_key\norders,"order_id,line_no"\n', 2_000_000);
    file('a-2026-12-01.csv', 'table_name,primary_key\norders,a_id\n', 2_000_000); // same time: the greater key wins
    file('_latest.csv', 'not,a key file\n', 3_000_000);
    file('notes.txt', 'not a key file', 3_000_000);
    const { uri, keys } = await readPrimaryKeys(new LocalObjectStore(), `${prefix}/`);
    expect(uri).toMatch(/b-2026-12-01\.csv$/);
    expect(keys.get('orders')).toEqual(['order_id', 'line_no']);
    await expect(readPrimaryKeys(new LocalObjectStore(), join(dir, 'none/'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

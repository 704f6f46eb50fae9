import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createObjectStore } from '@etl/object-store';
import { formatWatermarks, parseWatermarks, readWatermarks, watermarkOf, writeWatermarks } from './watermark-file.js';

const dir = mkdtempSync(join(tmpdir(), 'join-watermarks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe('the timestamp file', () => {
  it('one row per table, ISO-8601 with microseconds, by table name; read back as written', async () => {
    const tables = new Map([
      ['tickets', at('2026-12-03T14:00:00Z') + 5n],
      ['accounts', at('2026-12-02T11:00:00Z')],
    ]);
    expect(formatWatermarks(tables)).toBe(
      'table_name,last_updated_at\naccounts,2026-12-02T11:00:00.000000Z\ntickets,2026-12-03T14:00:00.000005Z\n',
    );
    const uri = join(dir, 'state', 'last_load_timestamp.csv');
    const store = createObjectStore();
    expect(await readWatermarks(store, uri)).toBeUndefined();
    await writeWatermarks(store, uri, tables);
    expect((await readWatermarks(store, uri))?.tables).toEqual(tables);
    expect(readFileSync(uri, 'utf8').split('\n')[0]).toBe('table_name,last_updated_at');
  });

  it("the seed's one-value form (with or without a header) is every table's watermark", () => {
    for (const body of ['2026-12-01 09:00:00\n', 'last_updated_at\n2026-12-01T09:00:00Z\n', '\uFEFF"2026-12-01T09:00:00.000000Z"\r\n']) {
      const w = parseWatermarks(body, 'f.csv');
      expect(watermarkOf(w, 'orders')).toBe(at('2026-12-01T09:00:00Z'));
      expect(w.tables.size).toBe(0);
    }
    const perTable = parseWatermarks('table_name,last_updated_at\norders,2026-12-01T09:00:00Z\n', 'f.csv');
    expect(watermarkOf(perTable, 'tickets')).toBeUndefined();
  });

  it('anything else is refused naming the file, the line and what to do', async () => {
    expect(() => parseWatermarks('table_name,last_updated_at\norders,yesterday\n', 's3://b/ts.csv')).toThrow(
      's3://b/ts.csv: line 2: yesterday is not an ISO-8601 time; expected the header table_name,last_updated_at and one row per table (delete the file for a full load)',
    );
    expect(() => parseWatermarks('table_name,last_updated_at\na,2026-12-01\na,2026-12-02\n', 'f')).toThrow('table a appears twice');
    expect(() => parseWatermarks('a,b\n1,2\n', 'f')).toThrow('not one timestamp and no table rows');
    const big = join(dir, 'big.csv');
    writeFileSync(big, 'x'.repeat(1024 * 1024 + 1));
    await expect(readWatermarks(createObjectStore(), big)).rejects.toThrow('not a timestamp file');
    await expect(readWatermarks(createObjectStore(), `${join(dir, 'state')}/`)).rejects.toThrow(
      `${join(dir, 'state')}/ names a folder; give the timestamp file itself (${join(dir, 'state')}/last_load_timestamp.csv)`,
    );
    await expect(readWatermarks(createObjectStore(), 's3://b/state/')).rejects.toThrow('s3://b/state/ names a folder');
  });
});

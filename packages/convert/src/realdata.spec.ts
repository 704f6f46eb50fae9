import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testContext } from '@etl/core/testing';
import { createObjectStore } from '@etl/object-store';
import { afterAll, describe, expect, it } from 'vitest';
import { catLines, convert, sniffFile } from './index.js';

/**
 * Smoke test on csvkit's `realdata/` files (public US-government CSVs, see test-data/csvkit/MANIFEST.md):
 * each is sniffed, converted to Parquet with the inferred schema and read back. Record counts and field
 * counts are the corpus's own (counted with Python's csv module), not figures from our code.
 */
const objects = createObjectStore();
const dir = mkdtempSync(join(tmpdir(), 'realdata-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const path = (file: string) => fileURLToPath(new URL(`../test-data/csvkit/realdata/${file}`, import.meta.url));

function context() {
  const { ctx, rejects } = testContext();
  return { ctx, rejected: () => rejects.count };
}

const FILES: Array<{ file: string; records: number; fields: number; delimiter?: string; lineEnding?: string }> = [
  { file: 'Datagov_FY10_EDU_recp_by_State.csv', records: 58, fields: 9, lineEnding: 'crlf' },
  { file: 'FY09_EDU_Recipients_by_State.csv', records: 54, fields: 10, lineEnding: 'crlf' },
  { file: 'README.csv', records: 4, fields: 4 },
  { file: 'acs2012_5yr_population.csv', records: 94, fields: 4 },
  { file: 'census2010_geo_schema.csv', records: 102, fields: 3, lineEnding: 'crlf' },
  { file: 'determination.csv', records: 1556, fields: 21 },
  { file: 'determination_schema.csv', records: 22, fields: 6, lineEnding: 'cr' },
  { file: 'event-notification-rpt-lastmonth.txt', records: 73, fields: 72, delimiter: '|', lineEnding: 'crlf' },
  { file: 'ilgeo2010_excerpt.csv', records: 1001, fields: 101 },
  { file: 'ks_1033_data.csv', records: 1576, fields: 14 },
];

describe('csvkit realdata smoke test', () => {
  it.each(FILES)(
    '$file: sniffed, converted to Parquet with the inferred schema and read back whole',
    async ({ file, records, fields, delimiter, lineEnding }) => {
      const sniffed = await sniffFile(objects, path(file));
      expect(sniffed).toMatchObject({ encoding: 'utf-8', delimiter: delimiter ?? ',', lineEnding: lineEnding ?? 'lf', header: true });
      expect(sniffed.columns).toHaveLength(fields);

      const output = join(dir, `${file}.parquet`);
      const { ctx, rejected } = context();
      const report = await convert(objects, { input: path(file), output, format: 'parquet' }, ctx);
      expect(rejected()).toBe(0);
      expect(report).toMatchObject({ rowsRead: records - 1, rowsWritten: records - 1, rowsRejected: 0 });

      let lines = 0;
      for await (const text of catLines(objects, output, {}, context().ctx)) lines += text.split('\n').length - 1;
      expect(lines).toBe(records - 1);
    },
  );

  it('keeps quoted delimiters, thousands-separated counts and dates as written', async () => {
    const rows: Array<Record<string, unknown>> = [];
    for await (const text of catLines(objects, path('ks_1033_data.csv'), { limit: 1 }, context().ctx))
      rows.push(
        ...text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
    expect(rows[0]).toMatchObject({
      state: 'KS',
      county: 'ALLEN',
      item_name: 'RIFLE,5.56 MILLIMETER',
      quantity: 1,
      ship_date: '5/19/2006 0:00:00',
    });

    const fy09: Array<Record<string, unknown>> = [];
    for await (const text of catLines(objects, path('FY09_EDU_Recipients_by_State.csv'), { limit: 1 }, context().ctx))
      fy09.push(
        ...text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      );
    // "6,718" is text unless a group separator is given: a comma could be a decimal comma.
    expect(fy09[0]).toMatchObject({ 'State Name': 'ALABAMA', Code: '01', 'Montgomery GI Bill-Active Duty': '6,718' });
  });
});

import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { testContext } from '@etl/core/testing';
import { describe, expect, it } from 'vitest';
import type { CsvBatch, CsvRecord } from './csv-batch.js';
import { csvReader, type CsvReaderOptions } from './csv-reader.js';

/** csvkit's own expectations for its example files (see test-data/csvkit/MANIFEST.md). */
const file = (name: string) => readFileSync(new URL(`../test-data/csvkit/${name}`, import.meta.url));

async function read(name: string, options: CsvReaderOptions = {}) {
  const { ctx, rejects } = testContext();
  let columns: string[] = [];
  const records: CsvRecord[] = [];
  await pipeline(
    Readable.from([file(name)]),
    csvReader(ctx, { ...options, file: name, onColumns: (c) => (columns = c) }),
    async (batches: AsyncIterable<CsvBatch>) => {
      for await (const batch of batches) records.push(...batch.records());
    },
  );
  return { columns, rows: records.map((r) => r.fields), lines: records.map((r) => r.line), rejects: rejects.samples };
}

describe('csvkit examples', () => {
  it('skips preamble lines before the header (--skip-lines)', async () => {
    expect(await read('test_skip_lines.csv', { skipLines: 3 })).toMatchObject({
      columns: ['a', 'b', 'c'],
      rows: [['1', '2', '3']],
      lines: [5],
    });
    const bad = await read('bad_skip_lines.csv', { skipLines: 3 });
    expect(bad.columns).toEqual(['column_a', 'column_b', 'column_c']);
    expect(bad.rows).toEqual([['0', 'mixed types.... uh oh', '17']]);
    expect(bad.rejects.map((r) => [r.code, r.line])).toEqual([
      ['RAGGED_ROW', 5],
      ['RAGGED_ROW', 6],
    ]);
  });

  it('joins a row broken by an unquoted newline (--join-short-rows)', async () => {
    expect(await read('test_join_short_rows.csv', { joinShortRows: true })).toMatchObject({
      rows: [
        ['1', 'cat\ndog', 'c'],
        ['3', 'b', 'c'],
      ],
      lines: [2, 4],
      rejects: [],
    });
    expect((await read('test_join_short_rows.csv')).rejects.map((r) => r.line)).toEqual([2, 3]);
  });

  it('rejects long and short rows of empty fields, naming the counts', async () => {
    expect((await read('test_empty_columns_long_row.csv')).rejects[0]).toMatchObject({
      code: 'RAGGED_ROW',
      line: 2,
      reason: 'expected 3 fields, found 4',
    });
    expect((await read('test_empty_columns_short_row.csv')).rejects[0]).toMatchObject({
      code: 'RAGGED_ROW',
      line: 2,
      reason: 'expected 3 fields, found 2',
    });
  });

  it('normalises whitespace inside a quoted header cell', async () => {
    expect((await read('test_header_newline.csv')).columns).toEqual(['start end', 'b', 'c']);
  });

  it('keeps null markers as text for the caster to decide (blanks.csv)', async () => {
    expect((await read('blanks.csv')).rows).toEqual([['', 'NA', 'N/A', 'NONE', 'NULL', '.']]);
  });
});

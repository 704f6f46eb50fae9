import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { testContext } from '@etl/core/testing';
import type { CsvBatch, CsvRecord } from './csv-batch.js';
import { csvReader } from './csv-reader.js';

const bytes = (...chunks: string[]): Readable => Readable.from(chunks.map((c) => Buffer.from(c)));

/** Every record the reader emits, as strings. */
async function readAll(input: Readable, reader: ReturnType<typeof csvReader>): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  await pipeline(input, reader, async (batches: AsyncIterable<CsvBatch>) => {
    for await (const batch of batches) records.push(...batch.records());
  });
  return records;
}

describe('csvReader', () => {
  it('reads the header, emits records with their lines, and rejects ragged rows', async () => {
    const { ctx, rejects } = testContext();
    let columns: string[] = [];
    const records = await readAll(
      bytes('id,name,,name\n1,a,x,b\n2,b\n', '3,"c\nd",y,z\n'),
      csvReader(ctx, { file: 'in.csv', onColumns: (c) => (columns = c) }),
    );
    expect(columns).toEqual(['id', 'name', 'column_3', 'name_2']);
    expect(records).toEqual([
      { fields: ['1', 'a', 'x', 'b'], line: 2 },
      { fields: ['3', 'c\nd', 'y', 'z'], line: 4 },
    ]);
    expect(rejects.samples.map((r) => [r.code, r.line, r.reason])).toEqual([['RAGGED_ROW', 3, 'expected 4 fields, found 2']]);
    expect(ctx.counters.totals()).toMatchObject({ rowsRead: 3, rowsRejected: 1 });
  });

  it("says how many lines a ragged record took: a stray quote closed by another field's quote far below", async () => {
    const rows = Array.from({ length: 8 }, (_, i) => `${i + 3},item ${i + 3}`);
    // Line 2 opens a quote that the quoted field of line 11 closes: lines 2-11 are one record of too many fields.
    const text = `id,name\n2,"stray\n${rows.join('\n')}\n11,"ok",x\n12,fine\n`;
    for (const input of [text, text.replace(/\n/g, '\r\n'), text.replace(/\n/g, '\r')]) {
      const { ctx, rejects } = testContext();
      const records = await readAll(bytes(input), csvReader(ctx, { file: 'in.csv' }));
      expect(records.map((r) => r.line)).toEqual([12]);
      expect(rejects.samples.map((r) => [r.code, r.line, r.lines])).toEqual([['RAGGED_ROW', 2, 10]]);
    }
    // One line, or a quoted field that legitimately holds line breaks in a record of too few fields: one record.
    const { ctx, rejects } = testContext();
    await readAll(bytes('a,b,c\n1,2,3,4\n5,"six\nlines\nof\ntext"\n'), csvReader(ctx, { file: 'in.csv' }));
    expect(rejects.samples.map((r) => [r.code, r.line, r.lines])).toEqual([
      ['RAGGED_ROW', 2, undefined],
      ['RAGGED_ROW', 3, undefined],
    ]);
  });

  it('drops a rejected record from the middle of a chunk, keeping the records around it', async () => {
    const { ctx, rejects } = testContext();
    const records = await readAll(bytes('a,b\n1,2\n3\n4,5,6\n7,8\n'), csvReader(ctx, { file: 'in.csv' }));
    expect(records).toEqual([
      { fields: ['1', '2'], line: 2 },
      { fields: ['7', '8'], line: 5 },
    ]);
    expect(rejects.samples.map((r) => [r.code, r.line, r.raw])).toEqual([
      ['RAGGED_ROW', 3, '3'],
      ['RAGGED_ROW', 4, '4,5,6'],
    ]);
  });

  it('decodes UTF-8 split inside a character across chunks', async () => {
    const { ctx } = testContext();
    const text = Buffer.from('name\n株式会社\n');
    expect(await readAll(Readable.from([text.subarray(0, 6), text.subarray(6)]), csvReader(ctx))).toEqual([
      { fields: ['株式会社'], line: 2 },
    ]);
  });

  it('takes column names when the file has none', async () => {
    const { ctx } = testContext();
    const records = await readAll(bytes('1,2\n3,4\n'), csvReader(ctx, { header: false, columns: ['a', 'b'] }));
    expect(records.map((r) => r.fields)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { from, runPipeline, type ByteSource } from '@etl/core';
import { MemorySink, testContext } from '@etl/core/testing';
import { csvReader, type CsvRecord } from './csv-reader.js';

const bytes = (...chunks: string[]): ByteSource => ({ name: 'file', open: () => Readable.from(chunks.map((c) => Buffer.from(c))) });

describe('csvReader', () => {
  it('reads the header, emits records with their lines, and rejects ragged rows', async () => {
    const { ctx, rejects } = testContext();
    const sink = new MemorySink<CsvRecord>();
    let columns: string[] = [];
    await runPipeline(
      from(bytes('id,name,,name\n1,a,x,b\n2,b\n', '3,"c\nd",y,z\n'))
        .throughStream<CsvRecord>(csvReader(ctx, { file: 'in.csv', onColumns: (c) => (columns = c) }))
        .into(sink),
      ctx,
    );
    expect(columns).toEqual(['id', 'name', 'column_3', 'name_2']);
    expect(sink.rows).toEqual([
      { fields: ['1', 'a', 'x', 'b'], line: 2 },
      { fields: ['3', 'c\nd', 'y', 'z'], line: 4 },
    ]);
    expect(rejects.samples.map((r) => [r.code, r.line, r.reason])).toEqual([['RAGGED_ROW', 3, 'expected 4 fields, found 2']]);
    expect(ctx.counters.totals()).toMatchObject({ rowsRead: 3, rowsRejected: 1 });
  });

  it('decodes UTF-8 split inside a character across chunks', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<CsvRecord>();
    const text = Buffer.from('name\n株式会社\n');
    const source: ByteSource = { name: 'f', open: () => Readable.from([text.subarray(0, 6), text.subarray(6)]) };
    await runPipeline(from(source).throughStream<CsvRecord>(csvReader(ctx)).into(sink), ctx);
    expect(sink.rows).toEqual([{ fields: ['株式会社'], line: 2 }]);
  });

  it('takes column names when the file has none', async () => {
    const { ctx } = testContext();
    const sink = new MemorySink<CsvRecord>();
    await runPipeline(from(bytes('1,2\n3,4\n')).throughStream<CsvRecord>(csvReader(ctx, { header: false, columns: ['a', 'b'] })).into(sink), ctx);
    expect(sink.rows.map((r) => r.fields)).toEqual([['1', '2'], ['3', '4']]);
  });
});

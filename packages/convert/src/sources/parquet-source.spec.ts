import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countingRejects, createLogger, createRunContext, TerminalError } from '@etl/core';
import { createObjectStore } from '@etl/object-store';
import { ParquetWriter } from '@etl/parquet';
import { parseType, type Schema } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { parquetSource } from './parquet-source.js';

const schema: Schema = {
  fields: [
    { name: 'sku', type: parseType('varchar(8)'), nullable: false },
    { name: 'qty', type: parseType('int'), nullable: true },
  ],
};
const ctx = createRunContext({
  jobName: 'parquet-source-test',
  logger: createLogger({ runId: 't', jobName: 'parquet-source-test', level: 'silent' as never }),
  rejects: countingRejects(),
});

function parquetFile(): string {
  const writer = new ParquetWriter(schema);
  const bytes = [...writer.appendRow(['A-1', 3]), ...writer.appendRow(['B-2', null]), ...writer.finish()];
  const file = join(mkdtempSync(join(tmpdir(), 'parquet-source-')), 'stock.parquet');
  writeFileSync(file, Buffer.concat(bytes));
  return file;
}

describe('parquetSource columns', () => {
  it('reads only the columns asked for, in their order', async () => {
    const source = await parquetSource(createObjectStore(), parquetFile(), { ctx, columns: ['qty', 'sku'] });
    const rows = [];
    for await (const batch of source.batches()) rows.push(...batch);
    expect(rows).toEqual([
      [3, 'A-1'],
      [null, 'B-2'],
    ]);
  });

  it('a column the file does not have is a BAD_ARGUMENT naming it and the columns there are', async () => {
    const file = parquetFile();
    const error: unknown = await parquetSource(createObjectStore(), file, { ctx, columns: ['sku', 'price'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TerminalError);
    expect(error).toMatchObject({ code: 'BAD_ARGUMENT', message: `${file} has no column price: name one of its columns (sku, qty)` });
  });
});

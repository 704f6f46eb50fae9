import { createReadStream, statSync } from 'node:fs';
import { parse } from 'csv-parse';
import { createLogger, createRunContext, newRunId, peakRssBytes, type RunContext } from '@etl/core';
import { convert, openRows, type ConvertOptions } from '@etl/convert';
import { createObjectStore } from '@etl/object-store';
import { benchCsv } from '../bench-csv.js';
import { duckdbColumns, schemaOf, type Shape } from './shapes.js';
import { streamToParquetSink } from './stream-mode.js';

export interface ScenarioResult {
  scenario: string;
  rows: number;
  seconds: number;
  inputBytes: number;
  outputBytes: number;
  peakRssBytes: number;
}

export const SCENARIOS = ['parse-cast', 'ours', 'duckdb', 'naive', 'ours-stream'] as const;
export type Scenario = (typeof SCENARIOS)[number];

function context(): RunContext {
  const runId = newRunId();
  return createRunContext({
    jobName: 'bench',
    runId,
    logger: createLogger({ runId, jobName: 'bench', level: 'warn', destination: process.stderr }),
  });
}

/**
 * Runs one scenario in this (child) process and returns its figures: ours and DuckDB on `threads`
 * threads, the input read with `shape`'s types.
 */
export async function runScenario(
  scenario: Scenario,
  input: string,
  output: string,
  streamBytes: number,
  threads: number,
  shape: Shape,
): Promise<ScenarioResult> {
  const schema = schemaOf(shape);
  const started = performance.now();
  const done = (rows: number, inputBytes: number, outputBytes: number): ScenarioResult => ({
    scenario,
    rows,
    seconds: (performance.now() - started) / 1000,
    inputBytes,
    outputBytes,
    peakRssBytes: peakRssBytes(),
  });
  const inputBytes = scenario === 'ours-stream' ? streamBytes : statSync(input).size;
  switch (scenario) {
    case 'parse-cast': {
      const ctx = context();
      const source = await openRows(createObjectStore(), input, 'csv', { ctx, schema });
      let rows = 0;
      // The cast the Parquet path uses: straight into typed column batches.
      if (!source.columnBatches) throw new Error('the CSV source offers no column batches');
      for await (const batch of source.columnBatches()) rows += batch.length;
      if (ctx.rejects.count > 0) throw new Error(`${ctx.rejects.count} bench rows were rejected`);
      return done(rows, inputBytes, 0);
    }
    case 'ours': {
      const ctx = context();
      const options: ConvertOptions = { input, output, schema, compression: 'snappy', threads };
      const report = await convert(createObjectStore(), options, ctx);
      if (report.rowsRejected > 0) throw new Error(`${report.rowsRejected} bench rows were rejected`);
      return done(report.rowsWritten, inputBytes, report.bytesWritten);
    }
    case 'duckdb': {
      const { DuckDBInstance } = await import('@duckdb/node-api');
      const db = await DuckDBInstance.create(':memory:', { threads: String(threads) });
      const connection = await db.connect();
      await connection.run(
        `COPY (SELECT * FROM read_csv('${input}', header = true, quote = '"', escape = '"', columns = ${duckdbColumns(shape)})) TO '${output}' (FORMAT parquet, COMPRESSION snappy)`,
      );
      const count = await connection.runAndReadAll(`SELECT count(*)::BIGINT AS n FROM read_parquet('${output}')`);
      connection.closeSync();
      return done(Number(count.getRowObjectsJS()[0]?.['n']), inputBytes, statSync(output).size);
    }
    case 'naive':
      return done(await naive(input, output), inputBytes, statSync(output).size);
    case 'ours-stream': {
      // Small chunks, like a file or S3 read: the generator's own strings should not weigh on the figure.
      const { rows, outputBytes } = await streamToParquetSink(benchCsv(streamBytes, 42, 16 * 1024), context());
      return done(rows, inputBytes, outputBytes);
    }
  }
}

/** The historical reference: csv-parse objects cast by hand and written row by row with @dsnp/parquetjs. */
async function naive(input: string, output: string): Promise<number> {
  const parquetjs = (await import('@dsnp/parquetjs')) as unknown as {
    ParquetSchema: new (fields: Record<string, unknown>) => unknown;
    ParquetWriter: {
      openFile(schema: unknown, path: string): Promise<{ appendRow(row: Record<string, unknown>): Promise<void>; close(): Promise<void> }>;
    };
  };
  const c = { compression: 'SNAPPY' };
  const schema = new parquetjs.ParquetSchema({
    invoice_no: { type: 'UTF8', ...c },
    stock_code: { type: 'UTF8', ...c },
    description: { type: 'UTF8', optional: true, ...c },
    quantity: { type: 'INT32', ...c },
    invoice_date: { type: 'TIMESTAMP_MILLIS', ...c },
    unit_price: { type: 'DECIMAL', precision: 12, scale: 4, ...c },
    customer_id: { type: 'INT32', optional: true, ...c },
    country: { type: 'UTF8', ...c },
    updated_at: { type: 'TIMESTAMP_MILLIS', ...c },
    is_gift: { type: 'BOOLEAN', ...c },
    discount_rate: { type: 'DOUBLE', ...c },
    product_name_ja: { type: 'UTF8', ...c },
  });
  const writer = await parquetjs.ParquetWriter.openFile(schema, output);
  let rows = 0;
  for await (const r of createReadStream(input).pipe(parse({ columns: true, relax_quotes: true })) as AsyncIterable<
    Record<string, string>
  >) {
    await writer.appendRow({
      ...r,
      quantity: Number(r['quantity']),
      invoice_date: new Date(`${r['invoice_date']?.replace(' ', 'T')}Z`),
      unit_price: Number(r['unit_price']),
      customer_id: r['customer_id'] === '' ? null : Number(r['customer_id']),
      updated_at: new Date(r['updated_at'] as string),
      is_gift: r['is_gift'] === 'true',
      discount_rate: Number(r['discount_rate']),
    });
    rows++;
  }
  await writer.close();
  return rows;
}

import { describe, expect, it } from 'vitest';
import { TerminalError } from '@etl/core';
import type { Schema } from '@etl/schema';
import { resolveOptions, type DatasetOptions } from './options.js';

const schema: Schema = {
  fields: [
    { name: 'invoice_no', type: { kind: 'string' }, nullable: false },
    { name: 'invoice_date', type: { kind: 'date' }, nullable: true },
    { name: 'country', type: { kind: 'string' }, nullable: true },
    { name: 'quantity', type: { kind: 'int' }, nullable: true },
  ],
};

function problem(options: Partial<DatasetOptions>): string {
  try {
    resolveOptions({ prefix: 's3://lake/invoices', schema, ...options });
  } catch (error) {
    expect(error).toBeInstanceOf(TerminalError);
    expect((error as TerminalError).code).toBe('BAD_ARGUMENT');
    return (error as Error).message;
  }
  throw new Error('the options were accepted');
}

describe('dataset options', () => {
  it('fills in the defaults and resolves partition specs, shorthand included', () => {
    const o = resolveOptions({
      prefix: 's3://lake/invoices/',
      schema,
      partitionBy: ['invoice_date:month', { column: 'country', name: 'c' }],
    });
    expect(o).toMatchObject({
      name: 'dataset:s3://lake/invoices',
      prefix: 's3://lake/invoices',
      mode: 'overwrite',
      generation: 'run_id={runId}',
      targetFileBytes: 128 * 1024 * 1024,
      maxOpenPartitions: 16,
      keepGenerations: 2,
      retained: [],
      staleAfterHours: 24,
      fileColumns: undefined,
      partitionBy: [
        { column: 'invoice_date', transform: 'month', name: 'invoice_date' },
        { column: 'country', transform: 'identity', name: 'c' },
      ],
    });
    expect(o.levels.map((l) => [l.index, l.keys])).toEqual([
      [1, ['invoice_date_year', 'invoice_date_month']],
      [2, ['c']],
    ]);
  });

  it('drops only identity-partitioned columns from the files when asked', () => {
    const o = resolveOptions({ prefix: '/tmp/x', schema, partitionBy: ['invoice_date:month', 'country'], dropPartitionColumns: true });
    expect(o.fileColumns).toEqual([0, 1, 3]);
    expect(o.fileSchema.fields.map((f) => f.name)).toEqual(['invoice_no', 'invoice_date', 'quantity']);
  });

  it('retainGenerations: generation folders of this dataset as paths below it; other URIs are ignored', () => {
    const o = resolveOptions({
      prefix: 's3://lake/invoices',
      schema,
      retainGenerations: ['s3://lake/invoices/run_id=20261201T000000Z-0badc0de/', 's3://lake/other/run_id=x/', 's3://lake/invoices/'],
    });
    expect(o.retained).toEqual(['run_id=20261201T000000Z-0badc0de']);
    expect(resolveOptions({ prefix: '/tmp/x', schema, retainGenerations: ['file:///tmp/x/run_id=a'] }).retained).toEqual(['run_id=a']);
  });

  it('rejects a target file size under 1 MiB, naming the option', () => {
    expect(problem({ targetFileBytes: 1000 })).toContain('targetFileBytes must be an integer of at least 1 MiB (1048576), got 1000');
  });

  it('rejects a target file size S3 cannot upload in parts of uploadPartSize', () => {
    expect(problem({ targetFileBytes: 50 * 1024 ** 3 })).toContain(
      'needs more than 9,000 upload parts of 5242880 bytes (S3 allows 10,000 per object); raise uploadPartSize',
    );
    expect(
      resolveOptions({ prefix: '/tmp/x', schema, targetFileBytes: 50 * 1024 ** 3, uploadPartSize: 64 * 1024 * 1024 }).targetFileBytes,
    ).toBe(50 * 1024 ** 3);
  });

  it('reports every bad option at once', () => {
    const message = problem({ maxOpenPartitions: 0, uploadPartSize: 1024, staleAfterHours: -1, rowGroupRows: 1.5 });
    expect(message).toContain('maxOpenPartitions must be an integer of at least 1, got 0');
    expect(message).toContain('uploadPartSize must be an integer of at least 5 MiB');
    expect(message).toContain('staleAfterHours must be a number of at least 0, got -1');
    expect(message).toContain('rowGroupRows must be an integer of at least 1, got 1.5');
    expect(message).toMatch(/^dataset s3:\/\/lake\/invoices: /);
  });

  it('rejects partitions on unknown columns, unknown transforms, calendar transforms of non-dates and repeated keys', () => {
    expect(problem({ partitionBy: ['nope'] })).toContain(
      'partitionBy nope: no column "nope" in the schema (columns: invoice_no, invoice_date, country, quantity)',
    );
    expect(problem({ partitionBy: ['invoice_date:week'] })).toContain(
      'partitionBy invoice_date:week: transform must be identity, year, month, day, got week',
    );
    expect(problem({ partitionBy: ['quantity:year'] })).toContain(
      'partitionBy quantity:year: year needs a date or timestamp column, quantity is int',
    );
    expect(problem({ partitionBy: ['country', { column: 'invoice_no', name: 'country' }] })).toContain(
      'the folder key country is made twice',
    );
    expect(problem({ partitionBy: [{ column: 'country', name: 'run_id' }] })).toContain("run_id names the run's folder");
  });

  it('rejects generations whose last folder is not run_id={runId}, or that readers would skip', () => {
    expect(problem({ generation: 'load_date=2026-12-06' })).toContain('generation: its last folder must be run_id={runId}');
    expect(problem({ generation: '_tmp/run_id={runId}' })).toContain('hidden from Spark, Hive and Athena');
    expect(problem({ generation: 'a//run_id={runId}' })).toContain('empty, . and .. folders are not allowed');
    expect(resolveOptions({ prefix: '/tmp/x', schema, mode: 'append', generation: 'load_date=2026-12-06/run_id={runId}' }).generation).toBe(
      'load_date=2026-12-06/run_id={runId}',
    );
  });

  it('rejects keepGenerations on an append dataset, bad modes, prefixes and an empty schema', () => {
    expect(problem({ mode: 'append', keepGenerations: 3 })).toContain("keepGenerations applies to mode 'overwrite'");
    expect(problem({ mode: 'replace' as 'overwrite' })).toContain("mode must be 'overwrite' or 'append', got replace");
    expect(problem({ prefix: 'ftp://host/x' })).toContain('prefix: unsupported location "ftp://host/x"');
    expect(problem({ schema: { fields: [] } })).toContain('schema must have at least one column');
    expect(
      problem({ schema: { fields: [schema.fields[2] as Schema['fields'][number]] }, partitionBy: ['country'], dropPartitionColumns: true }),
    ).toContain('dropPartitionColumns would leave the files without columns');
  });
});

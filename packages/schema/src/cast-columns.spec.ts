import { describe, expect, it } from 'vitest';
import { CsvBatch, type CsvRecord } from '@etl/csv';
import { castColumns, columnCastPlan, plainUnscaled, type ColumnCastPlan } from './cast-columns.js';
import { castRecord, planColumns } from './cast-stage.js';
import type { CastOptions } from './cast.js';
import { rowsOf } from './column-batch.js';
import { parseSchemaCsv } from './schema-csv.js';
import type { Schema } from './types.js';

/** Texts around every fast path's edges: plain forms, near misses, overflows, blanks, junk. */
const SAMPLES: Record<string, string[]> = {
  smallint: ['0', '-0', '7', '-32768', '32767', '32768', '-32769', '+5', ' 12 ', '1e3', '', 'x', '-', '0012'],
  int: ['2147483647', '-2147483648', '2147483648', '999999999', '1000000000', '-999999999', '12.0', '١٢'],
  bigint: [
    '9007199254740991',
    '9007199254740993',
    '-9223372036854775808',
    '9223372036854775808',
    '123456789012345',
    '-12345678901234',
    '1234567890123456',
    '00000000000000042',
  ],
  'decimal(4,2)': ['12.34', '-12.34', '99.99', '100.00', '1.5', '1.', '.5', '-0.00', '0.001', '0.010', '1.230', '5', '-', '1e2', '00012.3'],
  'decimal(12,4)': ['432.737', '86.50', '-0.0001', '99999999.9999', '100000000', '7.00000', '1,5', '3.14159'],
  'decimal(18,6)': ['123456789012.123456', '999999999999.999999', '-999999999999.999999', '9007199254.740993', '0.000001', '1000000000000'],
  'decimal(38,18)': ['0.47078192373737693', '-1.5', '12345678901234567890.123456789012345678'],
  double: ['0.47078192373737693', '1e-7', '-1.5E+3', '0x1f', 'Infinity', 'NaN', '.5', '5.', '+2', ' 3 ', '-0', '1_000'],
  boolean: ['true', 'false', 'TRUE', 'Yes', 'n', '1', '0', 'maybe'],
  date: ['2026-11-22', '2024-02-29', '2023-02-29', '0001-01-01', '9999-12-31', '2026/11/22', '2026-1-2', '2026-13-01', '20261122'],
  timestamp: [
    '2026-11-08 12:41:00',
    '2026-11-08T12:00:00.001Z',
    '2026-11-08T12:00:00.123456',
    '1969-12-31 23:59:59.999999',
    '9999-12-31 23:59:59.999999',
    '0001-01-01 00:00:00',
    '2026-11-08 12:41',
    '2026-11-08',
    '2026-11-08 12:41:00+09:00',
    '2026-11-08 24:00:00',
    '2026-02-30 00:00:00',
    '2026-11-08 12:41:00.1234567',
  ],
  'varchar(10)': ['abc', '', '  spaced ', 'ハート①', 'NULL'],
  json: ['{"a":1}', '[1,2]', '{bad', ''],
};

function schemaOf(nullable: boolean): Schema {
  const rows = Object.keys(SAMPLES).map((type, i) => `c${i},"${type}",${nullable}`);
  return parseSchemaCsv(`column_name,data_type,nullable\n${rows.join('\n')}\n`);
}

/** Each column gets its samples in turn; other columns hold a value that casts, so each record tests one text. */
function records(schema: Schema): CsvRecord[] {
  const good = Object.values(SAMPLES).map((xs) => xs[0] as string);
  const out: CsvRecord[] = [];
  schema.fields.forEach((_, c) => {
    for (const text of Object.values(SAMPLES)[c] as string[])
      out.push({ fields: good.map((g, i) => (i === c ? text : g)), line: out.length + 2 });
  });
  return out;
}

/**
 * The records as the parser leaves a quote-free chunk: every field a span of one text, between digits
 * (so a caster that reads past its span, or the whole text, gets another value).
 */
function spansOf(records: readonly CsvRecord[]): CsvBatch {
  const text = `7${records.map((r) => r.fields.join('7')).join('7')}7`;
  const batch = new CsvBatch(text, 4);
  let at = 1;
  for (const { fields, line } of records) {
    for (const field of fields) {
      batch.addSpan(at, at + field.length);
      at += field.length + 1;
    }
    batch.endRecord(line);
  }
  return batch;
}

/** Casts spans and strings (quoted fields) of the same records; both must come out the same. */
function castBoth(plan: ColumnCastPlan, input: readonly CsvRecord[], file?: string): ReturnType<typeof castColumns> {
  const fromSpans = castColumns(plan, spansOf(input), file);
  const fromStrings = castColumns(plan, CsvBatch.of(input), file);
  expect(rowsOf(fromStrings.batch)).toEqual(rowsOf(fromSpans.batch));
  expect(fromStrings.rejects).toEqual(fromSpans.rejects);
  return fromSpans;
}

function bothWays(schema: Schema, options: CastOptions = {}) {
  const plan = planColumns(
    schema,
    schema.fields.map((f) => f.name),
    'f.csv',
    options,
  );
  const input = records(schema);
  const rowWise = input.map((r) => castRecord(plan, r.fields, r.line, 'f.csv'));
  const { batch, rejects } = castBoth(columnCastPlan(plan, options), input, 'f.csv');
  return { rowWise, columnar: rowsOf(batch), rejects };
}

describe('castColumns', () => {
  for (const nullable of [true, false]) {
    it(`accepts, rejects and normalises every sample exactly as castRecord does (nullable ${nullable})`, () => {
      const { rowWise, columnar, rejects } = bothWays(schemaOf(nullable));
      expect(columnar).toEqual(rowWise.filter((r) => Array.isArray(r)));
      expect(rejects).toEqual(rowWise.filter((r) => !Array.isArray(r)));
      expect(rejects.length).toBeGreaterThan(20);
    });
  }

  it('agrees with castRecord with null markers, locale numbers and a time zone (general path)', () => {
    for (const options of [
      { nullValues: ['NULL', 'NA'] },
      { decimalSeparator: ',' as const, groupSeparator: '.' },
      { timeZone: 'Asia/Tokyo' },
    ]) {
      const { rowWise, columnar, rejects } = bothWays(schemaOf(true), options);
      expect(columnar).toEqual(rowWise.filter((r) => Array.isArray(r)));
      expect(rejects).toEqual(rowWise.filter((r) => !Array.isArray(r)));
    }
  });

  it('agrees on random plain decimals, integers and timestamps', () => {
    const schema = parseSchemaCsv('column_name,data_type\nd,"decimal(18,4)"\nb,bigint\nt,timestamp\n');
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const input = Array.from({ length: 5000 }, (_, i) => ({
      fields: [
        `${random() < 0.5 ? '-' : ''}${Math.floor(random() * 10 ** (1 + Math.floor(random() * 14)))}.${String(Math.floor(random() * 10000))
          .padStart(Math.floor(random() * 5), '0')
          .slice(0, 4)}`,
        String(Math.floor((random() - 0.5) * 2 ** Math.floor(random() * 60))),
        new Date(Math.floor((random() - 0.3) * 4e12)).toISOString().replace('T', random() < 0.5 ? ' ' : 'T'),
      ],
      line: i + 2,
    }));
    const plan = planColumns(schema, ['d', 'b', 't']);
    const { batch, rejects } = castBoth(columnCastPlan(plan), input);
    const rowWise = input.map((r) => castRecord(plan, r.fields, r.line));
    expect(rowsOf(batch)).toEqual(rowWise.filter((r) => Array.isArray(r)));
    expect(rejects).toEqual(rowWise.filter((r) => !Array.isArray(r)));
  });

  it('drops a rejected record from every column', () => {
    const schema = parseSchemaCsv('column_name,data_type,nullable\nn,int,false\nt,varchar(9),true\n');
    const plan = columnCastPlan(planColumns(schema, ['n', 't']));
    const { batch, rejects } = castBoth(
      plan,
      [
        { fields: ['1', 'a'], line: 2 },
        { fields: ['x', 'b'], line: 3 },
        { fields: ['3', ''], line: 4 },
      ],
      'f.csv',
    );
    expect(batch.length).toBe(2);
    expect(rowsOf(batch)).toEqual([
      [1, 'a'],
      [3, ''],
    ]);
    expect(rejects).toMatchObject([{ line: 3, column: 'n', reason: 'n: not a whole number: "x"' }]);
  });
});

/** `text` as a span inside a longer string. */
const span = (text: string): [string, number, number] => [`9${text}9`, 1, text.length + 1];

describe('plainUnscaled', () => {
  it('reads plain decimals as unscaled integers and leaves the rest to the caster', () => {
    expect(plainUnscaled(...span('12.3'), 12, 4)).toBe(123000);
    expect(plainUnscaled(...span('-0.0001'), 12, 4)).toBe(-1);
    expect(plainUnscaled(...span('007'), 4, 2)).toBe(700);
    expect(plainUnscaled(...span('100.00'), 4, 2)).toBeUndefined(); // does not fit
    expect(plainUnscaled(...span('1.234'), 4, 2)).toBeUndefined(); // too many places (the caster decides)
    expect(plainUnscaled(...span('99999999999999.9999'), 18, 4)).toBeUndefined(); // beyond a safe integer
    expect(plainUnscaled(...span('.5'), 4, 2)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { Field } from '@etl/schema';
import { HIVE_DEFAULT_PARTITION, hiveEscape, hiveUnescape, partitionPath, partitionValues, type PartitionLevel } from './partition-path.js';

const date: Field = { name: 'invoice_date', type: { kind: 'date' }, nullable: true };
const ts: Field = { name: 'updated_at', type: { kind: 'timestamp', withZone: true }, nullable: true };
const text: Field = { name: 'country', type: { kind: 'string' }, nullable: true };
const micros = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

describe('partition paths', () => {
  it('escapes keys and values as Hive does, and reads them back', () => {
    expect(hiveEscape('a/b:c=d%e')).toBe('a%2Fb%3Ac%3Dd%25e');
    expect(hiveEscape('x\ny\u007f#?*"\'\\{[]^')).toBe('x%0Ay%7F%23%3F%2A%22%27%5C%7B%5B%5D%5E');
    // Spaces, commas, dots and non-ASCII text stay as they are.
    expect(hiveEscape('United Kingdom, EIRE.東京')).toBe('United Kingdom, EIRE.東京');
    for (const value of ['a/b:c=d%e', 'x\ny\u007f#?*"\'\\{[]^', '100%25', '東京/大阪']) expect(hiveUnescape(hiveEscape(value))).toBe(value);
  });

  it('cuts dates and timestamps into zero-padded UTC year, month and day folders', () => {
    expect(partitionValues('2011-12-09', date, 'month')).toEqual(['2011', '12']);
    expect(partitionValues('2011-02-01', date, 'day')).toEqual(['2011', '02', '01']);
    expect(partitionValues('2011-02-01', date, 'year')).toEqual(['2011']);
    expect(partitionValues(micros('2026-01-31T23:59:59.999Z'), ts, 'day')).toEqual(['2026', '01', '31']);
    // Before 1970 a timestamp belongs to the day it falls in (floor), not the day after.
    expect(partitionValues(micros('1969-12-31T23:00:00Z'), ts, 'day')).toEqual(['1969', '12', '31']);
    expect(partitionValues('+010000-01-05', date, 'month')).toEqual(['10000', '01']);
  });

  it('puts null and empty values in __HIVE_DEFAULT_PARTITION__ at every level', () => {
    expect(partitionValues(null, date, 'day')).toEqual([HIVE_DEFAULT_PARTITION, HIVE_DEFAULT_PARTITION, HIVE_DEFAULT_PARTITION]);
    expect(partitionValues('', text, 'identity')).toEqual([HIVE_DEFAULT_PARTITION]);
  });

  it('writes identity values as text: timestamps in UTC as Spark does, numbers and booleans plainly', () => {
    expect(partitionValues(micros('2011-12-01T08:26:00Z'), ts, 'identity')).toEqual(['2011-12-01 08:26:00']);
    expect(partitionValues(micros('2011-12-01T08:26:00.5Z'), ts, 'identity')).toEqual(['2011-12-01 08:26:00.5']);
    expect(partitionValues(42, { name: 'n', type: { kind: 'int' }, nullable: false }, 'identity')).toEqual(['42']);
    expect(partitionValues(true, { name: 'b', type: { kind: 'boolean' }, nullable: false }, 'identity')).toEqual(['true']);
    expect(
      partitionValues('12.50', { name: 'd', type: { kind: 'decimal', precision: 10, scale: 2 }, nullable: false }, 'identity'),
    ).toEqual(['12.50']);
  });

  it("makes a row's folders, outermost first", () => {
    const levels: PartitionLevel[] = [
      { index: 1, field: text, transform: 'identity', keys: ['country'] },
      { index: 0, field: date, transform: 'month', keys: ['invoice_date_year', 'invoice_date_month'] },
    ];
    expect(partitionPath(levels, ['2011-12-09', 'United Kingdom'])).toBe(
      'country=United Kingdom/invoice_date_year=2011/invoice_date_month=12',
    );
    expect(partitionPath(levels, [null, 'a/b'])).toBe(
      `country=a%2Fb/invoice_date_year=${HIVE_DEFAULT_PARTITION}/invoice_date_month=${HIVE_DEFAULT_PARTITION}`,
    );
    expect(partitionPath([], ['2011-12-09', 'x'])).toBe('');
  });
});

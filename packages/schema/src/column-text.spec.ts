import { describe, expect, it } from 'vitest';
import type { Value } from './cast.js';
import { columnsOf, valueAt, type Column } from './column-batch.js';
import { columnText } from './column-text.js';
import { formatValue } from './mappings.js';
import { parseType, type Field } from './types.js';

/** Values in the row form at the edges of each layout's fast path (safe-integer bounds, eras, signs). */
const CASES: Array<[string, Value[]]> = [
  ['smallint', [0, -32768, 32767, null]],
  ['int', [-2147483648, 2147483647, 7]],
  ['bigint', [0n, -1n, 9007199254740991n, 9007199254740992n, -9007199254740993n, 9223372036854775807n, -9223372036854775808n, 4294967296n, -4294967296n]],
  ['decimal(4,2)', ['0.00', '-0.05', '12.34', '-99.99']],
  ['decimal(18,6)', ['0.000001', '-0.000001', '999999999999.999999', '-999999999999.999999', '9007199254.740993', '4294.967296']],
  ['decimal(38,18)', ['0.470781923737376930', '-12345678901234567890.123456789012345678']],
  ['double', [0, -0, 1e-7, -1.5e3, 1e21, 0.1 + 0.2]],
  ['boolean', [true, false]],
  ['date', ['1970-01-01', '1969-12-31', '0001-01-01', '9999-12-31', '2024-02-29']],
  ['timestamp', [0n, -1n, 1_763_000_000_123_456n, -62_135_596_800_000_000n, 253_402_300_799_999_999n, 9_007_199_254_740_993n, -9_007_199_254_740_993n]],
  ['timestamptz', [1_763_000_000_000_000n, -1_000_001n]],
  ['varchar(20)', ['', 'a,b', 'ハート①', '\\N', ' spaced ']],
  ['json', ['{"a":[1,2]}']],
];

describe('columnText', () => {
  it.each(CASES)('%s: the text formatValue gives for the row form of every value', (type, values) => {
    const field: Field = { name: 'c', type: parseType(type), nullable: true };
    const batch = columnsOf([field], values.map((v) => [v]));
    const [column] = batch.columns;
    if (!column) throw new Error('no column');
    const text = columnText(column);
    values.forEach((value, r) => {
      if (value === null) return;
      expect(text(r)).toBe(formatValue(valueAt(column, r), field));
    });
  });

  it('throws for a double that cannot be stored, as formatValue does', () => {
    const field: Field = { name: 'c', type: { kind: 'double' }, nullable: true };
    const [column] = columnsOf([field], [[Number.NaN]]).columns;
    expect(() => columnText(column as Column)(0)).toThrow(/cannot be stored/);
  });
});

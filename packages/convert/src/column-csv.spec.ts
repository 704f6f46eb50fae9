import { seededRandom } from '@etl/core';
import { columnsOf, parseType, rowsOf, type Field, type Value } from '@etl/schema';
import { describe, expect, it } from 'vitest';
import { rowEncoder } from './row-encoders.js';

const TYPES = [
  'smallint',
  'int',
  'bigint',
  'decimal(4,2)',
  'decimal(18,6)',
  'decimal(38,18)',
  'double',
  'boolean',
  'date',
  'timestamp',
  'timestamptz',
  'varchar(20)',
];
const fields: Field[] = TYPES.map((t, i) => ({ name: `c${i}`, type: parseType(t), nullable: true }));

/** A random value of each type, edges (safe-integer bounds, eras, signs, zeros) more often than chance. */
function randomValue(type: string, random: () => number): Value {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const int = (max: number) => Math.floor(random() * max) * (random() < 0.5 ? -1 : 1);
  if (random() < 0.1) return null;
  switch (type) {
    case 'smallint':
      return pick([0, -32768, 32767, int(32767)]);
    case 'int':
      return pick([0, -2147483648, 2147483647, int(2147483647), int(100)]);
    case 'bigint':
      return pick([
        0n,
        9007199254740991n,
        9007199254740992n,
        -9007199254740993n,
        9223372036854775807n,
        -9223372036854775808n,
        BigInt(int(2 ** 53)),
        BigInt(int(2 ** 40)) * 1_000_003n,
      ]);
    case 'decimal(4,2)':
      return pick(['0.00', '-0.05', '99.99', '-99.99', `${int(99)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`]);
    case 'decimal(18,6)':
      return pick([
        '0.000000',
        '-0.000001',
        '999999999999.999999',
        '9007199254.740991',
        '-9007199254.740993',
        '12.500000',
        '-3.000000',
        `${int(1e9)}.${String(Math.floor(random() * 1e6)).padStart(6, '0')}`,
      ]);
    case 'decimal(38,18)':
      return pick(['0.000000000000000000', '-12345678901234567890.123456789012345678', '1.250000000000000000']);
    case 'double':
      return pick([0, -0, 1e-7, 1e21, random() * 1000]);
    case 'boolean':
      return random() < 0.5;
    case 'date':
      return pick(['1970-01-01', '0001-01-01', '9999-12-31', '2024-02-29', '1969-12-31']);
    case 'timestamp':
    case 'timestamptz':
      return pick([
        0n,
        -1n,
        -9007199254740992n,
        9007199254740991n,
        9007199254740993n,
        -62_135_596_800_000_000n,
        253_402_300_799_999_999n,
        BigInt(int(2 ** 52)),
        1_763_000_000_000_000n + BigInt(int(1e12)),
        1_763_000_000_500_000n,
        -1_500_000n,
      ]);
    default:
      return pick(['', 'plain', 'a,b', 'say "hi"', 'two\nlines', ' padded', 'ハート①', '\\N', '0', 'true']);
  }
}

const DIALECTS = [
  { nullMarker: '\\N' },
  {},
  { delimiter: ';' },
  { delimiter: '-' },
  { nullMarker: '0' },
  { delimiter: ' ', nullMarker: 'NULL' },
];
/** The same dialects with fractions trimmed (COPY staging's form), and one where `.` must be quoted. */
const TRIMMED = [...DIALECTS, { delimiter: '.' }].map((d) => ({ ...d, trimFractionZeros: true }));

describe('CSV from column batches', () => {
  it.each([...DIALECTS, ...TRIMMED])('writes the same bytes as the rows of the batch would (%o)', (options) => {
    const random = seededRandom(17);
    const rows = Array.from({ length: 3000 }, () => TYPES.map((t) => randomValue(t, random)));
    const batch = columnsOf(fields, rows);
    const byColumns = rowEncoder('csv', { fields }, options);
    const byRows = rowEncoder('csv', { fields }, options);
    if (!byColumns.appendColumns) throw new Error('the CSV encoder takes column batches');
    const columnBytes = Buffer.concat([...byColumns.appendColumns(batch), ...byColumns.finish()]);
    const rowBytes = Buffer.concat([...rowsOf(batch).flatMap((row) => byRows.appendRow(row)), ...byRows.finish()]);
    expect(columnBytes.toString('utf8')).toBe(rowBytes.toString('utf8'));
    expect(columnBytes.toString('utf8').split('\n')[0]).toBe(fields.map((f) => f.name).join(options.delimiter ?? ','));
  });

  it('trims fractions to their shortest form when asked, the values unchanged', () => {
    const typed = ['decimal(18,6)', 'decimal(38,18)', 'decimal(4,2)', 'timestamp', 'timestamptz'].map((t, i) => ({
      name: `d${i}`,
      type: parseType(t),
      nullable: true,
    }));
    const rows: Value[][] = [
      ['12.500000', '1.250000000000000000', '-0.50', 1_763_000_000_000_000n, 1_763_000_000_120_000n],
      ['-3.000000', '0.000000000000000000', '99.99', -1_500_000n, 0n],
    ];
    const encoder = rowEncoder('csv', { fields: typed }, { header: false, trimFractionZeros: true });
    const text = Buffer.concat([...(encoder.appendColumns?.(columnsOf(typed, rows)) ?? []), ...encoder.finish()]).toString('utf8');
    expect(text).toBe(
      '12.5,1.25,-0.5,2025-11-13 02:13:20,2025-11-13 02:13:20.12+00\n-3,0,99.99,1969-12-31 23:59:58.5,1970-01-01 00:00:00+00\n',
    );
  });
});

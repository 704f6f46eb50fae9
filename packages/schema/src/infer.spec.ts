import { describe, expect, it } from 'vitest';
import { inferSchema, SchemaInference } from './infer.js';
import { formatType } from './types.js';

const rows = [
  ['536365', '08123', 'true', '2.55', '1.5e3', '2026-11-01', '2026-11-01 08:26:00', 'WHITE HANGING HEART', '17850', ''],
  ['C536379', '00042', 'false', '27.5', '2e-2', '2026-11-02', '2026-11-01T09:00:00Z', 'ハート', '3000000000', '1'],
  ['536380', '12345', 'no', '0.1234', '7', '2026-12-31', '2026-11-03 10:00', '', '-5', '2'],
];
const columns = ['invoice_no', 'zip', 'is_gift', 'price', 'rate', 'day', 'at', 'description', 'big', 'qty'];

describe('inferSchema', () => {
  it('finds the narrowest exact type of each column', () => {
    const schema = inferSchema(columns, rows);
    expect(Object.fromEntries(schema.fields.map((f) => [f.name, formatType(f.type)]))).toEqual({
      invoice_no: 'varchar(7)',
      zip: 'varchar(5)',
      is_gift: 'boolean',
      price: 'decimal(6,4)',
      rate: 'double',
      day: 'date',
      at: 'timestamp',
      description: 'varchar(19)',
      big: 'bigint',
      qty: 'smallint',
    });
    expect(schema.fields.find((f) => f.name === 'qty')?.nullable).toBe(true);
    expect(schema.fields.find((f) => f.name === 'price')?.nullable).toBe(false);
  });

  it('reads fractions with more than 18 places as floats printed out, not decimals', () => {
    const schema = inferSchema(
      ['rate', 'price'],
      [
        ['0.47078192373737693', '12.5'],
        ['0.0000270306145057082176', '0.000000000000000001'],
      ],
    );
    expect(schema.fields.map((f) => formatType(f.type))).toEqual(['double', 'decimal(20,18)']);
  });

  it('maps fractions to DECIMAL(38,18) like seed 003, except key columns', () => {
    const schema = inferSchema(['price', 'rate', 'code'], [['1.5', '1e2', '2.5']], { decimalForFractions: true, keyColumns: ['code'] });
    expect(schema.fields.map((f) => formatType(f.type))).toEqual(['decimal(38,18)', 'decimal(38,18)', 'decimal(2,1)']);
    expect(schema.fields.find((f) => f.name === 'code')?.nullable).toBe(false);
  });

  it('types integers BIGINT with widenIntegers, for loads that size columns from every row', () => {
    const schema = inferSchema(['id', 'qty', 'price'], [['1', '7', '2.5']], { widenIntegers: true });
    expect(schema.fields.map((f) => formatType(f.type))).toEqual(['bigint', 'bigint', 'decimal(2,1)']);
  });

  it('infers a record at a time what it infers from the whole sample, a short record counting as empty', () => {
    const inference = new SchemaInference(columns, { keyColumns: ['invoice_no'] });
    for (const row of rows) inference.observe(row);
    inference.observe(['536381']); // every other field missing: empty, so nullable, types unchanged
    const whole = inferSchema(columns, [...rows, ['536381']], { keyColumns: ['invoice_no'] });
    expect(inference.schema()).toEqual(whole);
    expect(whole.fields.find((f) => f.name === 'price')).toMatchObject({ nullable: true });
    expect(whole.fields.find((f) => f.name === 'invoice_no')).toMatchObject({ nullable: false });
  });

  it('sizes integers at the type edges, signs and long digit runs included', () => {
    const typeOf = (...values: string[]) =>
      formatType(
        inferSchema(
          ['n'],
          values.map((v) => [v]),
        ).fields[0]?.type ?? { kind: 'string' },
      );
    expect(typeOf('-32768', '32767', '+12', '-0')).toBe('smallint');
    expect(typeOf('32768')).toBe('int');
    expect(typeOf('-2147483649')).toBe('bigint');
    expect(typeOf('123456789012345', '1234567890123456')).toBe('bigint'); // 15 and 16 digits
    expect(typeOf('9223372036854775807', '-9223372036854775808')).toBe('bigint');
    expect(typeOf('9223372036854775808')).toBe('decimal(19,0)'); // past int64: not an integer column
  });

  it('reads numbers with the decimal and group separators the caster is given, and only well-grouped ones', () => {
    const typesOf = (options: Parameters<typeof inferSchema>[2], ...rows: string[][]) =>
      inferSchema(['a', 'b', 'c'], rows, options).fields.map((f) => formatType(f.type));
    // de-DE: `1,7`, `200.000.000`, `1.234,56`; a date with dots is not a number with its dots dropped.
    const german = { decimalSeparator: ',', groupSeparator: '.' } as const;
    expect(typesOf(german, ['1,7', '200.000.000', '15.02.2026'], ['-12,25', '1.234', '01.03.2026'])).toEqual([
      'decimal(4,2)',
      'int',
      'varchar(10)',
    ]);
    expect(typesOf(german, ['1.234,56', '3', 'x'])).toEqual(['decimal(6,2)', 'smallint', 'varchar(1)']);
    // en-US thousands: `1,5` is not a well-grouped number (the caster would read 15).
    expect(typesOf({ groupSeparator: ',' }, ['1,234.5', '1,000,000', '1,5'])).toEqual(['decimal(5,1)', 'int', 'varchar(3)']);
    // Without the options, the same texts stay text (the caster would reject them as numbers).
    expect(typesOf({}, ['1,7', '200.000.000', '1.234,56'])).toEqual(['varchar(3)', 'varchar(11)', 'varchar(8)']);
  });
});

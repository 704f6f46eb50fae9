import { describe, expect, it } from 'vitest';
import { decimalBytes, formatValue, isoMicros, parquetType, redshiftType, toAttributeValue, trimFraction } from './mappings.js';
import { metadataStage } from './metadata-stage.js';
import { parseType } from './types.js';

describe('type mappings', () => {
  it('map to Redshift DDL', () => {
    expect(['varchar', 'varchar(70000)', 'decimal(38,18)', 'double', 'timestamptz', 'json'].map((t) => redshiftType(parseType(t)))).toEqual(
      ['VARCHAR(256)', 'VARCHAR(65535)', 'DECIMAL(38,18)', 'DOUBLE PRECISION', 'TIMESTAMPTZ', 'SUPER'],
    );
  });

  it('map decimals to exact Parquet storage by precision', () => {
    expect(parquetType(parseType('decimal(9,2)')).physical).toBe('INT32');
    expect(parquetType(parseType('decimal(18,4)')).physical).toBe('INT64');
    expect(parquetType(parseType('decimal(38,18)'))).toEqual({
      physical: 'FIXED_LEN_BYTE_ARRAY',
      logical: { type: 'DECIMAL', precision: 38, scale: 18 },
      typeLength: 16,
    });
    expect([1, 2, 9, 10, 18, 19, 38].map(decimalBytes)).toEqual([1, 1, 4, 5, 8, 9, 16]);
    expect(parquetType(parseType('timestamp')).logical).toEqual({ type: 'TIMESTAMP', unit: 'MICROS', isAdjustedToUTC: true });
  });

  it('map values to DynamoDB attributes without floats', () => {
    expect(toAttributeValue('12345678901234567890.123456789012345678', parseType('decimal(38,18)'))).toEqual({
      N: '12345678901234567890.123456789012345678',
    });
    expect(toAttributeValue(9223372036854775807n, parseType('bigint'))).toEqual({ N: '9223372036854775807' });
    expect(toAttributeValue(1762000000123456n, parseType('timestamp'))).toEqual({ S: '2025-11-01T12:26:40.123456Z' });
    expect(toAttributeValue(null, parseType('varchar'))).toEqual({ NULL: true });
  });

  it('format values for CSV staging', () => {
    const ts = { name: 't', type: parseType('timestamp'), nullable: true };
    expect(formatValue(1762000000123456n, ts)).toBe('2025-11-01 12:26:40.123456');
    expect(formatValue(null, ts)).toBe('\\N');
    expect(isoMicros(-1n)).toBe('1969-12-31T23:59:59.999999Z');
    expect(isoMicros(-86_400_000_001n)).toBe('1969-12-30T23:59:59.999999Z');
    expect(isoMicros(0n)).toBe('1970-01-01T00:00:00.000000Z');
    expect(formatValue(1762000000123456n + 86_400_000_000n, { ...ts, type: parseType('timestamptz') })).toBe(
      '2025-11-02 12:26:40.123456+00',
    );
    // Beyond ±285 years of 1970 microseconds are not exact as doubles: the BigInt path.
    expect(isoMicros(16_725_225_600_000_001n)).toBe('2500-01-01T00:00:00.000001Z');
    expect(isoMicros(253_402_300_800_000_000n)).toBe('+010000-01-01T00:00:00.000000Z');
  });

  it('trim fractions to their shortest form', () => {
    const cases: Array<[string, string]> = [
      ['1.2500', '1.25'],
      ['3.000', '3'],
      ['-0.050', '-0.05'],
      ['0.000000000000000000', '0'],
      ['120', '120'],
      ['10.01', '10.01'],
      ['2025-11-01 12:26:40.000000', '2025-11-01 12:26:40'],
      ['2025-11-01 12:26:40.500000', '2025-11-01 12:26:40.5'],
      ['2025-11-02 12:26:40.123450+00', '2025-11-02 12:26:40.12345+00'],
      ['2025-11-02 12:26:40.000000+00', '2025-11-02 12:26:40+00'],
      ['1970-01-01', '1970-01-01'],
    ];
    for (const [text, trimmed] of cases) expect(trimFraction(text), text).toBe(trimmed);
  });
});

describe('metadataStage', () => {
  it('adds run_date and file_name', () => {
    const stage = metadataStage({ runDate: new Date('2026-11-22T01:00:00Z'), fileName: 'in/orders.csv' });
    expect(stage.process({ id: 1 })).toEqual({ id: 1, run_date: BigInt(Date.UTC(2026, 10, 22, 1)) * 1000n, file_name: 'in/orders.csv' });
  });
});

describe('isoMicros', () => {
  it('agrees with Date for every day of four centuries around 1970, leap days included', () => {
    const wrong: string[] = [];
    for (let day = -146_097 * 2; day < 146_097 * 2; day += 1) {
      const ms = day * 86_400_000 + ((day * 7919) % 86_400) * 1000;
      const expected = new Date(ms).toISOString().replace('Z', '005Z');
      if (isoMicros(BigInt(ms) * 1000n + 5n) !== expected) wrong.push(expected);
    }
    expect(wrong).toEqual([]);
  });
});

import { seededRandom } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { castValue, plainInt, plainNumber, plainUtcMicros } from './cast.js';
import { parseType, type Field } from './types.js';

const field = (type: string, nullable = true): Field => ({ name: 'c', type: parseType(type), nullable });
const value = (raw: string, type: string, options = {}) => {
  const result = castValue(raw, field(type), options);
  return result.ok ? result.value : `ERROR: ${result.reason}`;
};

describe('castValue', () => {
  it('keeps decimals exact, scaled to the column, and refuses to round', () => {
    expect(value('12.34', 'decimal(10,4)')).toBe('12.3400');
    expect(value('-0.5', 'decimal(10,2)')).toBe('-0.50');
    expect(value('-0.00', 'decimal(10,2)')).toBe('0.00');
    expect(value('007', 'decimal(5,0)')).toBe('7');
    expect(value('1.230000', 'decimal(10,2)')).toBe('1.23');
    expect(value('12345678901234567890.123456789012345678', 'decimal(38,18)')).toBe('12345678901234567890.123456789012345678');
    expect(value('1.235', 'decimal(10,2)')).toMatch(/has 3 decimal places/);
    expect(value('123456', 'decimal(5,2)')).toMatch(/does not fit decimal\(5,2\)/);
    expect(value('1e5', 'decimal(10,2)')).toMatch(/not a decimal/);
  });

  it('checks integer ranges and keeps bigint exact', () => {
    expect(value('32767', 'smallint')).toBe(32767);
    expect(value('32768', 'smallint')).toMatch(/out of range for smallint/);
    expect(value('9223372036854775807', 'bigint')).toBe(9223372036854775807n);
    expect(value('9223372036854775808', 'bigint')).toMatch(/out of range/);
    expect(value('12.0', 'int')).toMatch(/not a whole number/);
  });

  it('reads booleans, dates and doubles', () => {
    expect([value('Yes', 'boolean'), value('0', 'boolean'), value('maybe', 'boolean')]).toEqual([
      true,
      false,
      expect.stringMatching(/not a boolean/),
    ]);
    expect(value('2026/2/3', 'date')).toBe('2026-02-03');
    expect(value('2026-02-30', 'date')).toMatch(/not a calendar date/);
    expect(value('0.1', 'double')).toBe(0.1);
    expect(value('1.5e-3', 'double')).toBe(0.0015);
  });

  it('turns timestamps into UTC microseconds, honouring offsets and the configured zone', () => {
    const utc = Date.UTC(2026, 10, 1, 0, 15) * 1000;
    expect(value('2026-11-01T00:15:00Z', 'timestamp')).toBe(BigInt(utc));
    expect(value('2026-11-01 09:15:00+09:00', 'timestamp')).toBe(BigInt(utc));
    expect(value('2026-11-01 09:15:00', 'timestamp', { timeZone: 'Asia/Tokyo' })).toBe(BigInt(utc));
    expect(value('2026-11-01 00:15:00.123456', 'timestamp')).toBe(BigInt(utc) + 123456n);
    expect(value('2026-11-01 00:15:00.1234567', 'timestamp')).toMatch(/more precise than microseconds/);
    expect(value('2026-03-29 03:30:00', 'timestamp', { timeZone: 'Europe/Berlin' })).toBe(BigInt(Date.UTC(2026, 2, 29, 1, 30) * 1000));
    expect(value('2026-11-01 25:00', 'timestamp')).toMatch(/not a valid date and time/);
  });

  it('treats empty as null, except in string columns; refuses null in NOT NULL columns', () => {
    expect(value('', 'int')).toBeNull();
    expect(value('  ', 'decimal(5,2)')).toBeNull();
    expect(value('', 'varchar')).toBe('');
    expect(value('', 'varchar', { emptyStringAsNull: true })).toBeNull();
    expect(castValue('', field('int', false))).toEqual({ ok: false, reason: 'c must not be empty' });
  });

  it('validates JSON', () => {
    expect(value('{"a":[1,2]}', 'json')).toBe('{"a":[1,2]}');
    expect(value('{a}', 'json')).toMatch(/not valid JSON/);
  });
});

describe('null markers and number formats (csvkit blanks.csv, test_locale.csv)', () => {
  const markers = { nullValues: ['NA', 'N/A', 'NONE', 'NULL', '.'] };

  it('reads every marker as null in any column type, and names it in a NOT NULL column', () => {
    for (const raw of ['NA', 'N/A', 'NONE', 'NULL', '.', ' NA ']) {
      expect(castValue(raw, field('int'), markers)).toEqual({ ok: true, value: null });
      expect(castValue(raw, field('varchar'), markers)).toEqual({ ok: true, value: null });
    }
    expect(castValue('NA', field('varchar'))).toEqual({ ok: true, value: 'NA' }); // only when asked for
    expect(castValue('NULL', field('int', false), markers)).toEqual({
      ok: false,
      reason: 'c must not be null (got "NULL", a null marker)',
    });
  });

  it('reads de-DE numbers with a decimal comma and dot groups', () => {
    const de = { decimalSeparator: ',', groupSeparator: '.' } as const;
    expect(castValue('1,7', field('decimal(4,2)'), de)).toEqual({ ok: true, value: '1.70' });
    expect(castValue('200.000.000', field('bigint'), de)).toEqual({ ok: true, value: 200_000_000n });
    expect(castValue('1.234,5', field('double'), de)).toEqual({ ok: true, value: 1234.5 });
    expect(castValue('1,7', field('decimal(4,2)'))).toMatchObject({ ok: false });
  });
});

describe('timestamp fast path', () => {
  const ts = { name: 't', type: { kind: 'timestamp' as const, withZone: false }, nullable: true };
  it('agrees with Date.parse on well-formed values and sends everything else to the general path', () => {
    const wrong: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ms = Date.UTC(1970 + (i % 200), (i * 7) % 12, 1 + ((i * 13) % 28), (i * 5) % 24, (i * 11) % 60, (i * 17) % 60, i % 1000);
      const iso = new Date(ms).toISOString();
      for (const text of [iso, iso.replace('T', ' ').replace('Z', ''), iso.slice(0, 19), `${iso.slice(0, 23)}456Z`]) {
        const expected = BigInt(ms) * 1000n + (text.length > 24 ? 456n : 0n) - (text.length === 19 ? BigInt(ms % 1000) * 1000n : 0n);
        const result = castValue(text, ts);
        if (!result.ok || result.value !== expected) wrong.push(text);
      }
    }
    expect(wrong).toEqual([]);
    for (const bad of [
      '2026-11-0x 00:00:00',
      '202x-11-01 00:00:00',
      '2026-02-30 00:00:00',
      '2026-11-01 24:00:00',
      '2026-11-01 00:60:00',
      '2026-11-01 00:00:00.',
      '2026-11-01 00:00:00.12a',
    ]) {
      expect(castValue(bad, ts).ok, bad).toBe(false);
    }
    expect(castValue('2024-02-29 23:59:59.5', ts)).toEqual({ ok: true, value: BigInt(Date.UTC(2024, 1, 29, 23, 59, 59, 500)) * 1000n });
    expect(castValue('2026-11-01 00:00:00.1234560', ts)).toEqual({ ok: true, value: BigInt(Date.UTC(2026, 10, 1)) * 1000n + 123456n });
    expect(castValue(' 2026-11-01 00:00:00 ', ts)).toEqual({ ok: true, value: BigInt(Date.UTC(2026, 10, 1)) * 1000n });
  });
});

describe('plain readers on spans (the CSV path reads values inside the parsed chunk)', () => {
  /** `text` between digits, so reading past either end changes or spoils the value. */
  const inside = (text: string): [string, number, number] => [`12${text}34`, 2, text.length + 2];

  it('reads a span exactly as the same text on its own', () => {
    for (const text of [
      '2026-11-08 12:41:00',
      '2026-11-08T12:00:00.001Z',
      '1969-12-31 23:59:59.999999',
      '2026-02-29 00:00:00',
      '2026-11-08 12:41',
    ]) {
      expect(plainUtcMicros(...inside(text))).toBe(plainUtcMicros(text));
    }
    expect(plainUtcMicros(...inside('2026-11-08 12:41:00'))).toBe(Date.UTC(2026, 10, 8, 12, 41) * 1000);
    for (const text of ['0', '-7', '2147483647', '-2147483648', '12x', '-', '']) {
      expect(plainInt(...inside(text), -(2 ** 31), 2 ** 31 - 1)).toBe(plainInt(text, 0, text.length, -(2 ** 31), 2 ** 31 - 1));
    }
    expect(plainInt(...inside('-42'), -100, 100)).toBe(-42);
  });
});

describe('plainNumber', () => {
  /** What it returned before short decimals were read from the span: `Number` on the cut text, when plain. */
  const viaNumber = (text: string): number | undefined => {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) || !/\d$/.test(text) || /^0[xXbBoO]/.test(text)) return undefined;
    return Number(text);
  };

  it('gives exactly what Number gives, on spans, for random decimals of every length and scale', () => {
    const random = seededRandom(7);
    const digits = (n: number) => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('');
    const texts = [
      '0',
      '-0',
      '+0',
      '-0.0',
      '0.000',
      '.5',
      '+.5',
      '-.5',
      '5.',
      '.',
      '-',
      '+',
      '',
      '1e5',
      '1.5E-3',
      '0x1f',
      '1.2.3',
      '00012.50',
      '999999999999999',
      '9999999999999999',
      '0.1',
      '0.2',
      '0.30000000000000004',
      '1.7976931348623157',
      '4.9406564584124654',
      '123456789012345.6',
      '1.000000000000000000000',
      '0.0000000000000000000001',
      '0.00000000000000000000001',
    ];
    for (let k = 0; k < 20_000; k++) {
      const sign = ['', '-', '+'][Math.floor(random() * 3)] as string;
      const int = digits(Math.floor(random() * 10));
      const fraction = random() < 0.7 ? `.${digits(Math.floor(random() * 24))}` : '';
      texts.push(`${sign}${random() < 0.1 ? '000' : ''}${int}${fraction}`);
    }
    for (const text of texts) {
      const expected = viaNumber(text);
      const got = plainNumber(`9${text}9`, 1, text.length + 1);
      if (!Object.is(got, expected)) expect({ text, got }).toEqual({ text, got: expected });
      expect(Object.is(plainNumber(text), expected)).toBe(true);
    }
  });
});

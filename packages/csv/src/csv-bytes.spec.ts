import { seededRandom } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { CsvBytes } from './csv-bytes.js';
import { CsvFormatter, type CsvFormatOptions } from './csv-formatter.js';

/** Pieces that hit every quoting rule: separators, quotes, line breaks, Unicode spaces, non-ASCII, the markers. */
const PIECES = [
  'a',
  'Z',
  '0',
  ' ',
  ',',
  ';',
  '|',
  '\t',
  '"',
  "'",
  '\n',
  '\r',
  '\u00a0',
  '\u3000',
  '\ufeff',
  'é',
  '株',
  '😀',
  '\\N',
  'NULL',
  '-',
  '.',
];

function randomText(random: () => number): string {
  let s = '';
  const n = Math.floor(random() * 8);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(random() * PIECES.length)];
  return s;
}

const DIALECTS: CsvFormatOptions[] = [
  {},
  { nullMarker: '\\N' },
  { delimiter: ';', quote: "'" },
  { delimiter: '\t', nullMarker: 'NULL' },
  { delimiter: '|', newline: '\r\n' },
];

describe('CsvBytes', () => {
  it.each(DIALECTS)('writes text fields byte for byte as CsvFormatter formats them (%o)', (options) => {
    const random = seededRandom(3);
    const formatter = new CsvFormatter(options);
    const out = new CsvBytes(formatter);
    for (let record = 0; record < 2000; record++) {
      const fields = Array.from({ length: 1 + Math.floor(random() * 4) }, () => (random() < 0.1 ? null : randomText(random)));
      fields.forEach((f, i) => {
        if (i > 0) out.delimiter();
        if (f === null) out.nullField();
        else out.text(f);
      });
      out.endRecord();
      expect(Buffer.from(out.take()).toString('utf8'), JSON.stringify(fields)).toBe(formatter.format(fields));
    }
  });

  it('writes integers and zero-padded digits across the safe range', () => {
    const out = new CsvBytes(new CsvFormatter());
    const values = [
      0, 7, 9, 10, 99, 2147483647, 2147483648, 4294967296, 999999999999999, 1e15, 9007199254740991, -1, -2147483649, -9007199254740991,
    ];
    for (const v of values) {
      out.integer(v);
      expect(Buffer.from(out.take()).toString(), String(v)).toBe(String(v));
    }
    out.digits(5, 6);
    out.byte(46);
    out.digits(123456, 2);
    expect(Buffer.from(out.take()).toString()).toBe('000005.123456');
  });

  it('lets plain values through only where no dialect rule can touch them', () => {
    expect(new CsvBytes(new CsvFormatter({ nullMarker: '\\N' })).plainIsSafe).toBe(true);
    for (const options of [{ delimiter: '-' }, { delimiter: ' ' }, { quote: '1' }, { nullMarker: '0' }, { nullMarker: 'true' }]) {
      const out = new CsvBytes(new CsvFormatter(options));
      expect(out.plainIsSafe, JSON.stringify(options)).toBe(false);
    }
    const out = new CsvBytes(new CsvFormatter({ nullMarker: '0' }));
    out.plain('0');
    out.delimiter();
    out.plain('1.5');
    expect(Buffer.from(out.take()).toString()).toBe('"0",1.5');
  });

  it('grows past its first buffer and hands everything back in order', () => {
    const out = new CsvBytes(new CsvFormatter());
    const long = 'x'.repeat(100_000);
    for (let i = 0; i < 30; i++) {
      out.text(`${long}${i}`);
      out.endRecord();
    }
    const text = Buffer.from(out.take()).toString();
    expect(text.split('\n').slice(0, -1)).toEqual(Array.from({ length: 30 }, (_, i) => `${long}${i}`));
    expect(out.length).toBe(0);
  });
});

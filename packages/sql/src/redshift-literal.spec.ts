import { TerminalError } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { redshiftLiteral, redshiftLiteralValue } from './redshift-literal.js';

describe('Redshift literals', () => {
  it('doubles backslashes and quotes, as Redshift loaders write NULL AS', () => {
    expect(redshiftLiteral('\\N')).toBe(String.raw`'\\N'`);
    expect(redshiftLiteral("s3://b/o'brien\\x/")).toBe(String.raw`'s3://b/o''brien\\x/'`);
    expect(() => redshiftLiteral('a\u0000b')).toThrow(TerminalError);
    expect(() => redshiftLiteral('a\u0000b')).toThrow('the value "a\\u0000b" contains NUL (\\u0000), which no SQL string can: remove it');
  });

  it('reads escapes the way Redshift does (PostgreSQL 8.0 rules)', () => {
    expect(redshiftLiteralValue(String.raw`'\\N'`)).toBe('\\N');
    expect(redshiftLiteralValue(String.raw`'\N'`)).toBe('N');
    expect(redshiftLiteralValue(String.raw`'\t|\n'`)).toBe('\t|\n');
    expect(redshiftLiteralValue(String.raw`'\0'`)).toBe('\u0000');
    expect(redshiftLiteralValue(String.raw`'\101\102'`)).toBe('AB');
    expect(redshiftLiteralValue(String.raw`'it''s'`)).toBe("it's");
    expect(redshiftLiteralValue(String.raw`'it\'s'`)).toBe("it's");
    expect(redshiftLiteralValue("''")).toBe('');
    expect(() => redshiftLiteralValue("'open")).toThrow('not a string literal');
    expect(() => redshiftLiteralValue(String.raw`'a\'`)).toThrow('not a string literal');
  });

  it('reads back every value it writes', () => {
    let state = 11;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pieces = ['\\', "'", '\\N', '\t', '\n', "''", '0', '\\0', 'é', '日本', '\u{1F600}', 'x'];
    for (let k = 0; k < 2000; k++) {
      const value = Array.from({ length: Math.floor(random() * 8) }, () => pieces[Math.floor(random() * pieces.length)]).join('');
      expect(redshiftLiteralValue(redshiftLiteral(value))).toBe(value);
    }
  });
});

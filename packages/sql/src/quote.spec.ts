import { TerminalError } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { portableLiteral, quoteIdent, quoteLiteral, quoteQualified, splitQualified } from './quote.js';

describe('quoting', () => {
  it('makes hostile names safe identifiers', () => {
    expect(quoteIdent('a"; DROP TABLE x; --')).toBe('"a""; DROP TABLE x; --"');
    expect(quoteIdent('select')).toBe('"select"');
    expect(quoteIdent('商品名')).toBe('"商品名"');
  });

  it('quotes each part of a qualified name', () => {
    expect(quoteQualified('public.orders')).toBe('"public"."orders"');
    expect(splitQualified('"my schema"."A.B"')).toEqual(['my schema', 'A.B']);
    expect(() => splitQualified('a..b')).toThrow('not a table name');
  });

  // Table names and column names come from arguments, config and file headers: the user fixes them.
  it('a name it cannot read or quote is a BAD_ARGUMENT saying how to write one', () => {
    const how = 'write table, schema.table or database.schema.table, double-quoting a part that holds dots or quotes';
    for (const name of ['a..b', 'a.b.c.d', '"a"b', 'a"b', '']) {
      expect(thrown(() => splitQualified(name))).toMatchObject({ code: 'BAD_ARGUMENT', message: `not a table name: ${name}; ${how}` });
    }
    expect(thrown(() => quoteQualified('"my schema.orders'))).toMatchObject({
      code: 'BAD_ARGUMENT',
      message: 'unterminated quoted name in "my schema.orders: close its double quote',
    });
    expect(thrown(() => quoteIdent('a\u0000b'))).toMatchObject({
      code: 'BAD_ARGUMENT',
      message: 'the name "a\\u0000b" contains NUL (\\u0000), which no SQL name can: remove it',
    });
    expect(thrown(() => portableLiteral('s3://b/a\\b\u0000'))).toMatchObject({
      code: 'BAD_ARGUMENT',
      message: 'the value "s3://b/a\\\\b\\u0000" contains NUL (\\u0000), which no SQL string can: remove it',
    });
  });

  it('quotes literals', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    // Backslashes never reach a literal, where Redshift would read them as escapes.
    expect(portableLiteral("s3://b/it's\\x.csv")).toBe("'s3://b/it''s' || CHR(92) || 'x.csv'");
    expect(portableLiteral('plain')).toBe("'plain'");
    expect(portableLiteral('\\')).toBe("'' || CHR(92) || ''");
  });
});

function thrown(fn: () => unknown): TerminalError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TerminalError);
    return error as TerminalError;
  }
  throw new Error('expected a throw');
}

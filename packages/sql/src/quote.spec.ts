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

  it('quotes literals', () => {
    expect(quoteLiteral("it's")).toBe("'it''s'");
    // Backslashes never reach a literal, where Redshift would read them as escapes.
    expect(portableLiteral("s3://b/it's\\x.csv")).toBe("'s3://b/it''s' || CHR(92) || 'x.csv'");
    expect(portableLiteral('plain')).toBe("'plain'");
    expect(portableLiteral('\\')).toBe("'' || CHR(92) || ''");
  });
});

import { describe, expect, it } from 'vitest';
import { formatType, parseType } from './types.js';

describe('parseType', () => {
  it('reads names, aliases and parameters', () => {
    expect(parseType('DECIMAL(38, 18)')).toEqual({ kind: 'decimal', precision: 38, scale: 18 });
    expect(parseType('numeric(10)')).toEqual({ kind: 'decimal', precision: 10, scale: 0 });
    expect(parseType('varchar(256)')).toEqual({ kind: 'string', maxLength: 256 });
    expect(parseType('integer')).toEqual({ kind: 'int' });
    expect(parseType('timestamp with time zone')).toEqual({ kind: 'timestamp', withZone: true });
    expect(formatType(parseType('float8'))).toBe('double');
  });

  it('names what it does not know', () => {
    expect(() => parseType('money')).toThrow('unknown data type "money"');
    expect(() => parseType('decimal(50,2)')).toThrow('precision');
  });
});

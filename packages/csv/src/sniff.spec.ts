import { describe, expect, it } from 'vitest';
import { sniffCsv } from './sniff.js';

describe('sniffCsv', () => {
  it('finds the delimiter that splits records consistently, respecting quotes', () => {
    expect(sniffCsv('a;b;c\n1;"2,5";3\n4;5;6\n').delimiter).toBe(';');
    expect(sniffCsv('a\tb\n1\t2\n').delimiter).toBe('\t');
    expect(sniffCsv('id|name|note\n1|x|"a,b,c,d"\n2|y|z\n').delimiter).toBe('|');
    expect(sniffCsv('a,b\n1,2\n').delimiter).toBe(',');
  });

  it('tells the line ending', () => {
    expect(sniffCsv('a,b\r\n1,2\r\n').lineEnding).toBe('crlf');
    expect(sniffCsv('a,b\r1,2\r').lineEnding).toBe('cr');
    expect(sniffCsv('a,b\n1,2\n').lineEnding).toBe('lf');
  });

  it('tells a header from data', () => {
    expect(sniffCsv('invoice_no,quantity,price\nC536379,1,27.50\n536380,6,2.55\n').header).toBe(true);
    expect(sniffCsv('536379,1,27.50\n536380,6,2.55\n').header).toBe(false);
  });
});

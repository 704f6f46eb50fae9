import { describe, expect, it } from 'vitest';
import { binaryKind } from './binary-input.js';

const bytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('binaryKind (issue: a Parquet file given as CSV was decoded as windows-1256 and every row rejected)', () => {
  it('tells Parquet and ZIP (xlsx) files by their magic', () => {
    expect(binaryKind(bytes('PAR1\x15\x04\x15\x10'), 'windows-1256')).toBe('Parquet');
    expect(binaryKind(bytes('PK\x03\x04\x14\x00\x06\x00'), 'windows-1252')).toBe('a ZIP archive (an Excel workbook?)');
  });

  it('tells NUL-heavy binary data, but not UTF-16 text or a stray NUL in a CSV', () => {
    const binary = new Uint8Array(4096).map((_, i) => (i % 7 === 0 ? 0 : 65 + (i % 26)));
    expect(binaryKind(binary, 'windows-1252')).toBe('binary data');
    expect(binaryKind(bytes('a\x00,b\x00\n\x001\x00,\x002\x00\n'.repeat(100)), 'utf-16le')).toBeUndefined();
    expect(binaryKind(bytes('a\x00,b\x00\n\x001\x00,\x002\x00\n'.repeat(100)), 'unicode')).toBeUndefined(); // a WHATWG label of UTF-16LE
    expect(binaryKind(bytes(`a,b\n1,\x00\n${'3,4\n'.repeat(500)}`), 'utf-8')).toBeUndefined();
  });
});

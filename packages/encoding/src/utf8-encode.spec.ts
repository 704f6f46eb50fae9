import { randomUnicodeText, seededRandom } from '@etl/core';
import { describe, expect, it } from 'vitest';
import { encodeUtf8, utf8Length, writeUtf8 } from './utf8-encode.js';

describe('UTF-8 in JS', () => {
  it('encodes exactly as Buffer does, surrogate pairs and unpaired halves included', () => {
    const random = seededRandom(7);
    const out = Buffer.alloc(300);
    for (let i = 0; i < 5000; i++) {
      const s = randomUnicodeText(random, 60);
      const expected = Buffer.from(s, 'utf8');
      const written = encodeUtf8(s, out, 3);
      expect(Buffer.from(out.subarray(3, 3 + written)).equals(expected), JSON.stringify(s)).toBe(true);
      expect(writeUtf8(s, out, 5), JSON.stringify(s)).toBe(expected.length);
    }
  });

  it('counts bytes exactly as Buffer.byteLength does, short and long strings', () => {
    const random = seededRandom(9);
    for (let i = 0; i < 5000; i++) {
      const s = randomUnicodeText(random, 60);
      expect(utf8Length(s), JSON.stringify(s)).toBe(Buffer.byteLength(s, 'utf8'));
    }
    // A high surrogate at the end, and one before a non-surrogate: each alone, U+FFFD's 3 bytes.
    expect(utf8Length('a\uD800')).toBe(4);
    expect(utf8Length('\uD800b')).toBe(4);
  });
});

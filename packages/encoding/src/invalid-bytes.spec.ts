import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { testContext } from '@etl/core/testing';
import { describe, expect, it } from 'vitest';
import { decodeStream } from './decode-stream.js';

async function decode(chunks: Uint8Array[], encoding = 'utf-8') {
  const { ctx } = testContext();
  const stream = decodeStream(ctx, { encoding, invalid: 'reject' });
  let text = '';
  await pipeline(
    Readable.from(chunks.map((c) => Buffer.from(c))),
    stream,
    new Writable({
      objectMode: true,
      write(chunk: string, _e, cb) {
        text += chunk;
        cb();
      },
    }),
  );
  return { text, offsets: stream.invalidOffsets };
}

const replacements = (text: string) => [...text].filter((c) => c === '\uFFFD').length;

/** A tiny deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

describe('invalid byte offsets (reject policy)', () => {
  it('names the offset of each bad sequence, as the WHATWG decoder replaces them', async () => {
    // a b FF c (E3 81 = a cut 3-byte char) d, then ED A0 80 (a surrogate: three replacements), é
    const bytes = Uint8Array.from([0x61, 0x62, 0xff, 0x63, 0xe3, 0x81, 0x64, 0xed, 0xa0, 0x80, 0xc3, 0xa9]);
    const { text, offsets } = await decode([bytes]);
    expect(text).toBe('ab\uFFFDc\uFFFDd\uFFFD\uFFFD\uFFFDé');
    expect(offsets).toEqual([2, 4, 7, 8, 9]);
  });

  it('judges a character split across chunks as a whole', async () => {
    const euro = Buffer.from('x€y€', 'utf8'); // E2 82 AC twice
    for (let cut = 1; cut < euro.length; cut++) {
      const { text, offsets } = await decode([euro.subarray(0, cut), euro.subarray(cut)]);
      expect(text).toBe('x€y€');
      expect(offsets).toEqual([]);
    }
    const { offsets } = await decode([Buffer.from([0x61, 0xe2, 0x82]), Buffer.from([0x62])]); // cut short, then ASCII
    expect(offsets).toEqual([1]);
    expect((await decode([Buffer.from([0x61, 0xf0, 0x9f])])).offsets).toEqual([1]); // cut short at the end
  });

  it('gives exactly one offset per replacement character on random bytes in random chunks', async () => {
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const bytes = Uint8Array.from({ length: 64 }, () => (next() < 0.6 ? Math.floor(next() * 128) : 0x80 + Math.floor(next() * 128)));
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < bytes.length;) {
        const size = 1 + Math.floor(next() * 9);
        chunks.push(bytes.subarray(at, at + size));
        at += size;
      }
      const { text, offsets } = await decode(chunks);
      expect(offsets.length).toBe(replacements(text));
      expect(offsets.every((o, i) => o >= 0 && o < bytes.length && (i === 0 || o > (offsets[i - 1] as number)))).toBe(true);
    }
  });

  it('locates replacements to their chunk for encodings without a byte model (Shift_JIS)', async () => {
    const { text, offsets } = await decode([Buffer.from([0x82, 0xa0]), Buffer.from([0x41, 0xfd, 0x42])], 'shift_jis');
    expect(replacements(text)).toBe(1);
    expect(offsets).toEqual([2]);
  });
});

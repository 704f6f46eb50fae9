import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { testContext } from '@etl/core/testing';
import { decodeStream } from './decode-stream.js';
import { createDecoder } from './text-decoder.js';

// 日本語の取引先（株）① in Shift_JIS with CP932 extensions (㈱ 0x878A, ① 0x8740).
const sjis = Buffer.from('93fa967b8cea82cc8ee688f890e6878a8740', 'hex');
const SJIS_TEXT = '日本語の取引先㈱①';

async function decodeChunks(chunks: Buffer[], options = {}) {
  const { ctx } = testContext();
  let out = '';
  const collect = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _e, cb) {
      out += chunk.toString();
      cb();
    },
  });
  await pipeline(Readable.from(chunks), decodeStream(ctx, options), collect);
  return out;
}

describe('createDecoder', () => {
  it('decodes windows-1252 0x80-0x9F as Windows does (Node decodes them as C1 controls)', () => {
    expect(createDecoder('windows-1252').write(Uint8Array.from([0x80, 0x93, 0x96, 0x9c, 0xe9]))).toBe('€“–œé');
    expect(createDecoder('latin1').write(Uint8Array.from([0x85]))).toBe('…');
  });

  it('keeps a character split across chunks', () => {
    const decoder = createDecoder('shift_jis');
    expect(decoder.write(sjis.subarray(0, 3)) + decoder.write(sjis.subarray(3)) + decoder.end()).toBe(SJIS_TEXT);
  });
});

describe('decodeStream', () => {
  it('detects Shift_JIS and decodes it whatever the chunking', async () => {
    const bytes = Buffer.concat([sjis, Buffer.from(',1\r\n')]);
    const whole = await decodeChunks([bytes]);
    expect(whole).toBe(`${SJIS_TEXT},1\r\n`);
    expect(await decodeChunks([...bytes].map((b) => Buffer.from([b])))).toBe(whole);
  });

  it('drops a BOM and honours an explicit encoding', async () => {
    expect(await decodeChunks([Buffer.from([0xef, 0xbb, 0xbf, 0x61])])).toBe('a');
    expect(await decodeChunks([Buffer.from([0xff, 0xfe, 0x61, 0x00])])).toBe('a');
    expect(await decodeChunks([Buffer.from([0x93, 0x96])], { encoding: 'windows-1252' })).toBe('“–');
  });

  it('fails with the byte offset when asked to, and names unknown encodings', async () => {
    await expect(
      decodeChunks([Buffer.from('ok,'), Buffer.from([0xff, 0xfe, 0xfd])], { encoding: 'utf-8', invalid: 'fail' }),
    ).rejects.toThrow(/invalid utf-8 bytes after byte offset 3/);
    await expect(decodeChunks([Buffer.from('x')], { encoding: 'klingon' })).rejects.toThrow('unknown encoding "klingon"');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectEncoding } from './detect.js';
import { detectByPlausibility } from './plausibility.js';

const data = (path: string) => readFileSync(new URL(`../test-data/${path}`, import.meta.url));

describe('detectEncoding', () => {
  it('reports BOMs with full confidence', () => {
    expect(detectEncoding(Uint8Array.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', confidence: 1, bom: true });
    expect(detectEncoding(Uint8Array.from([0xff, 0xfe, 0x61, 0x00]))).toMatchObject({ encoding: 'utf-16le', bom: true });
  });

  it('tells CP932 extensions (①, ～, ㈱, NEC/IBM kanji) as shift_jis, and EUC-JP apart', () => {
    const cp932 = Uint8Array.from([
      0x87, 0x40, 0x81, 0x60, 0x87, 0x8a, 0x8a, 0x94, 0x8e, 0xae, 0x89, 0xef, 0x8e, 0xd0, 0x82, 0xcc, 0x8d, 0xdd, 0x8c, 0xc9, 0xed, 0x40,
      0xfa, 0x40,
    ]);
    expect(detectEncoding(cp932).encoding).toBe('shift_jis');
    const eucjp = new Uint8Array(Buffer.from('a4b3a4f3a4cba4c1a4cfa1a2c6fccbdcb8eca4c7a4b9a1a3', 'hex'));
    expect(detectEncoding(eucjp).encoding).toBe('euc-jp');
  });

  it('reads plain ASCII and valid UTF-8 as utf-8, even when the sample cuts a character', () => {
    expect(detectEncoding(new TextEncoder().encode('plain text')).encoding).toBe('utf-8');
    const utf8 = new TextEncoder().encode('株式会社テスト');
    expect(detectEncoding(utf8.subarray(0, utf8.length - 1)).encoding).toBe('utf-8');
  });

  it('names Chinese with rare characters and four-byte sequences gb18030, where our ranking alone said koi8-r', () => {
    const chinese = data('cpython-cjkencodings/gb18030.txt');
    expect(detectByPlausibility(chinese).encoding).toBe('koi8-r');
    expect(detectEncoding(chinese)).toMatchObject({ encoding: 'gb18030', confidence: 0.95 });
  });

  it('names Korean euc-kr, where our ranking alone said euc-jp', () => {
    const korean = data('cpython-cjkencodings/euc_kr.txt');
    const laterLines = korean.subarray(korean.indexOf(0x0a, 200) + 1);
    expect(detectByPlausibility(laterLines).encoding).toBe('euc-jp');
    expect(detectEncoding(laterLines).encoding).toBe('euc-kr');
  });

  it('reads GBK that our ranking picks as gb18030, the decoder that also reads four-byte sequences further on', () => {
    // 中文 in GBK, then ASCII: too short for ICU to be sure, so our ranking decides.
    const gbk = Uint8Array.from([0xd6, 0xd0, 0xce, 0xc4, 0x2c, 0x31, 0x0a]);
    expect(detectByPlausibility(gbk).encoding).toBe('gbk');
    expect(detectEncoding(gbk).encoding).toBe('gb18030');
  });

  it("keeps our answer when ICU's is one it is not trusted for (DuckDB's Shift_JIS CSV, which ICU calls KOI8-R)", () => {
    expect(detectEncoding(data('duckdb-encodings/shift_jis.csv'))).toMatchObject({ encoding: 'shift_jis', bom: false });
  });

  it('names Central European windows-1250, which our ranking does not try', () => {
    expect(detectEncoding(data('uchardet-tests/pl/windows-1250.txt')).encoding).toBe('windows-1250');
  });

  it('judges a long sample on 64 KiB from the line of its first non-ASCII byte', () => {
    const ascii = Buffer.from('id,name\n'.repeat(20_000));
    const sjis = data('duckdb-encodings/shift_jis.csv');
    const sample = Buffer.concat([ascii, sjis, ascii, Buffer.from([0x82, 0xa0])]);
    expect(sample.length).toBeGreaterThan(256 * 1024);
    expect(detectEncoding(sample).encoding).toBe('shift_jis');
  });
});

describe('detectEncoding on short legacy samples (ICU single-byte guesses need evidence)', () => {
  it('keeps a Latin-1 file with a single non-ASCII byte Western, not Turkish (csvkit test_latin1.csv)', () => {
    expect(detectEncoding(Buffer.from('a,b,c\n1,2,3\n4,5,\xa9', 'latin1')).encoding).toBe('windows-1252');
  });

  it('keeps a short CP932 header Shift_JIS, not Central European', () => {
    const header = Buffer.from('9569 94d4 3b 9094 97ca 3b 9250 89bf 3b 8d58 9056 93fa 8e9e 0d0a'.replace(/ /g, ''), 'hex');
    const file = Buffer.concat([header, Buffer.from('A-1;3;1200.50;2026-11-01 09:00\r\nB-2;;980;2026-11-02 10:30\r\n')]);
    expect(detectEncoding(file).encoding).toBe('shift_jis');
  });
});

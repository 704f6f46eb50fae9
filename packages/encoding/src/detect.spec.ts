import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectEncoding } from './detect.js';
import { decodeAll } from './text-decoder.js';

const data = (path: string) => readFileSync(new URL(`../test-data/${path}`, import.meta.url));

/** Expected labels of the corpus mapped to the WHATWG labels TextDecoder knows. */
const WHATWG: Record<string, string> = {
  ascii: 'utf-8',
  'utf-8': 'utf-8',
  'utf-16': 'utf-16',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  shift_jis: 'shift_jis',
  'euc-jp': 'euc-jp',
  'iso-2022-jp': 'iso-2022-jp',
  'iso-8859-1': 'windows-1252',
  'windows-1252': 'windows-1252',
  'iso-8859-15': 'iso-8859-15',
  gb18030: 'gb18030',
  big5: 'big5',
  uhc: 'euc-kr',
  'windows-1251': 'windows-1251',
  'koi8-r': 'koi8-r',
  'iso-8859-5': 'iso-8859-5',
  ibm866: 'ibm866',
  'mac-cyrillic': 'x-mac-cyrillic',
};

/** "Right" means: decoding with the detected encoding gives exactly the text the file holds. */
function decodedLike(bytes: Uint8Array, detected: string, expected: string): boolean {
  const decode = (label: string) => decodeAll(bytes, label === 'utf-16' ? (bytes[0] === 0xfe ? 'utf-16be' : 'utf-16le') : label);
  return decode(detected) === decode(expected);
}

describe('detectEncoding on the uchardet corpus (the encodings this product reads)', () => {
  const rows = readFileSync(new URL('../test-data/uchardet-tests/FILES.tsv', import.meta.url), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter(([, charset]) => charset !== undefined && charset in WHATWG);

  it('decodes at least 95% of the labelled files right, and lists the misses', () => {
    const misses: string[] = [];
    for (const [path, charset] of rows) {
      const bytes = data(`uchardet-tests/${path}`);
      const detected = detectEncoding(bytes).encoding;
      if (!decodedLike(bytes, detected, WHATWG[charset as string] as string)) misses.push(`${path} (${charset}) -> ${detected}`);
    }
    const rate = 1 - misses.length / rows.length;
    console.log(
      `encoding detection: ${rows.length - misses.length}/${rows.length} right (${(rate * 100).toFixed(1)}%); misses:\n  ${misses.join('\n  ')}`,
    );
    expect(rows.length).toBeGreaterThan(80);
    expect(rate).toBeGreaterThanOrEqual(0.95);
  });

  it('gets every Japanese sample right', () => {
    for (const [path, charset] of rows.filter(([p]) => p?.startsWith('ja/'))) {
      const bytes = data(`uchardet-tests/${path}`);
      expect(decodedLike(bytes, detectEncoding(bytes).encoding, WHATWG[charset as string] as string), String(path)).toBe(true);
    }
  });
});

describe("detectEncoding on DuckDB's encoding files", () => {
  it.each([
    ['latin1.csv', 'windows-1252'],
    ['all_latin1.csv', 'windows-1252'],
    ['only_latin1.csv', 'windows-1252'],
    ['utf16.csv', 'utf-16le'],
    ['only_utf16.csv', 'utf-16le'],
    ['shift_jis.csv', 'shift_jis'],
  ])('%s is %s', (file, expected) => {
    const bytes = data(`duckdb-encodings/${file}`);
    expect(decodedLike(bytes, detectEncoding(bytes).encoding, expected)).toBe(true);
  });
});

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
});

import type { Detection, EncodingLabel } from './detect.js';
import { decodeAll } from './text-decoder.js';
import { COMMON_HAN_JAPANESE, COMMON_HAN_SIMPLIFIED, COMMON_HAN_TRADITIONAL, COMMON_HANGUL } from './frequent-characters.js';

/** Multi-byte candidates for text that is not UTF-8, Japanese first (the files this product was built for). */
const MULTI_BYTE = ['shift_jis', 'euc-jp', 'gbk', 'big5', 'euc-kr'] as const;
/** Single-byte candidates: Western European, then Cyrillic, Greek, Hebrew, Arabic, Thai. */
const SINGLE_BYTE = [
  'windows-1252',
  'iso-8859-15',
  'windows-1251',
  'koi8-r',
  'iso-8859-5',
  'ibm866',
  'x-mac-cyrillic',
  'windows-1253',
  'windows-1255',
  'windows-1256',
  'windows-874',
] as const;

/**
 * This package's own detector (before ICU's was combined with it; kept whole as the baseline the
 * measurements compare against): BOM, then ISO-2022 escapes, then UTF-16 without BOM, then UTF-8
 * validity, then the legacy encodings scored by how plausible their decoded text is (script
 * consistency and the frequency of common characters). Pure.
 */
export function detectByPlausibility(sample: Uint8Array): Detection {
  return structuralEncoding(sample) ?? rankLegacy(sample);
}

/**
 * What the bytes' structure alone tells: BOM, ISO-2022-JP escapes, UTF-16 without BOM (zero-byte
 * pattern), ASCII, valid UTF-8. Undefined when only the legacy encodings are left.
 */
export function structuralEncoding(sample: Uint8Array): Detection | undefined {
  const bom = bomOf(sample);
  if (bom) return { encoding: bom, confidence: 1, bom: true };
  if (sample.length === 0) return { encoding: 'utf-8', confidence: 0.5, bom: false };
  const escape = escapeEncoding(sample);
  if (escape) return { encoding: escape, confidence: 1, bom: false };
  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, confidence: 0.8, bom: false };
  if (isAscii(sample)) return { encoding: 'utf-8', confidence: 1, bom: false };
  if (isUtf8(sample)) return { encoding: 'utf-8', confidence: 0.99, bom: false };
  return undefined;
}

function bomOf(b: Uint8Array): EncodingLabel | undefined {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return 'utf-8';
  if (b[0] === 0xff && b[1] === 0xfe) return 'utf-16le';
  if (b[0] === 0xfe && b[1] === 0xff) return 'utf-16be';
  return undefined;
}

/** ISO-2022-JP (ESC $ B, ESC $ @, ESC ( J) is 7-bit with escapes; nothing else looks like it. */
function escapeEncoding(b: Uint8Array): EncodingLabel | undefined {
  for (let i = 0; i + 2 < b.length; i++) {
    if (b[i] !== 0x1b) continue;
    if (b[i + 1] === 0x24 && (b[i + 2] === 0x42 || b[i + 2] === 0x40)) return 'iso-2022-jp';
    if (b[i + 1] === 0x28 && b[i + 2] === 0x4a) return 'iso-2022-jp';
  }
  return undefined;
}

/** UTF-16 without BOM: ASCII-range text leaves zero bytes on one side; CJK text keeps high bytes in plausible blocks. */
function utf16WithoutBom(b: Uint8Array): EncodingLabel | undefined {
  if (b.length < 8) return undefined;
  const pairs = Math.floor(b.length / 2);
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let i = 0; i + 1 < b.length; i += 2) {
    const even = b[i] as number;
    const odd = b[i + 1] as number;
    if (even === 0) zeroEven++;
    if (odd === 0) zeroOdd++;
  }
  if (zeroOdd / pairs > 0.3 && zeroEven / pairs < 0.05) return decodes(b, 'utf-16le') ? 'utf-16le' : undefined;
  if (zeroEven / pairs > 0.3 && zeroOdd / pairs < 0.05) return decodes(b, 'utf-16be') ? 'utf-16be' : undefined;
  return undefined;
}

/**
 * UTF-16 without BOM and without ASCII (Japanese or Chinese text): the high byte of most code units is
 * 0x30 (kana, punctuation), 0x4E-0x9F (CJK) or 0xFF (full-width). Only a candidate: Shift_JIS lead bytes
 * look the same, so the decoded texts compete on plausibility.
 */
function utf16Candidates(b: Uint8Array): string[] {
  if (b.length < 8) return [];
  const pairs = Math.floor(b.length / 2);
  let even = 0;
  let odd = 0;
  for (let i = 0; i + 1 < b.length; i += 2) {
    if (plausibleHighByte(b[i] as number)) even++;
    if (plausibleHighByte(b[i + 1] as number)) odd++;
  }
  if (even / pairs > 0.6 && odd / pairs < 0.4) return ['utf-16be'];
  if (odd / pairs > 0.6 && even / pairs < 0.4) return ['utf-16le'];
  return [];
}

function plausibleHighByte(byte: number): boolean {
  return byte === 0x00 || byte === 0x30 || byte === 0xff || (byte >= 0x4e && byte <= 0x9f) || (byte >= 0xac && byte <= 0xd7);
}

function isAscii(b: Uint8Array): boolean {
  for (const byte of b) if (byte >= 0x80) return false;
  return true;
}

/** Valid UTF-8, tolerating a sequence cut off at the end of the sample. */
export function isUtf8(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length) {
    const byte = b[i] as number;
    const length =
      byte < 0x80 ? 1 : byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 0;
    if (length === 0) return false;
    for (let k = 1; k < length; k++) {
      if (i + k >= b.length) return true;
      if (((b[i + k] as number) & 0xc0) !== 0x80) return false;
    }
    i += length;
  }
  return true;
}

function decodes(b: Uint8Array, label: string): boolean {
  try {
    new TextDecoder(label, { fatal: true }).decode(trimPartial(b, label));
    return true;
  } catch {
    return false;
  }
}

/** A sample may end inside a multi-byte character: drop up to 3 trailing bytes when judging validity. */
function trimPartial(b: Uint8Array, label: string): Uint8Array {
  if (label.startsWith('utf-16')) return b.length % 2 === 1 ? b.subarray(0, b.length - 1) : b;
  return b;
}

/** The legacy encodings (and BOM-less UTF-16 of CJK text) ranked by how plausible their decoded text is. */
export function rankLegacy(b: Uint8Array): Detection {
  const scored: Array<{ encoding: string; score: number; text: string }> = [];
  for (const label of [...utf16Candidates(b), ...MULTI_BYTE]) {
    const text = fatalDecode(b, label);
    if (text !== undefined) scored.push({ encoding: label, score: plausibility(text, label), text });
  }
  const c1 = b.some((byte) => byte >= 0x80 && byte <= 0x9f);
  // Latin-9 differs from Latin-1 in eight bytes (€ Š š Ž ž Œ œ Ÿ); only files holding them are candidates.
  const LATIN9_BYTES = [0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe];
  for (const label of SINGLE_BYTE) {
    if (label === 'iso-8859-15' && (c1 || !LATIN9_BYTES.some((byte) => b.includes(byte)))) continue;
    const text = decodeAll(b, label);
    scored.push({ encoding: label, score: plausibility(text, label), text });
  }
  scored.sort((a, b2) => b2.score - a.score);
  const [best, second] = scored as [{ encoding: string; score: number; text: string }, { encoding: string; score: number } | undefined];
  // Without words to judge (one character per line, `ýýýýý` runs), a script guess is noise: take the
  // most common legacy code page.
  if ((SINGLE_BYTE as readonly string[]).includes(best.encoding) && best.encoding !== 'windows-1252' && evidenceWords(best.text) < 3) {
    return { encoding: 'windows-1252', confidence: 0.3, bom: false };
  }
  const margin = second ? (best.score - second.score) / Math.max(1, Math.abs(best.score)) : 1;
  return { encoding: best.encoding, confidence: Math.max(0.1, Math.min(0.95, 0.5 + margin / 2)), bom: false };
}

/** Decodes strictly; a sample cut inside a character may end with one bad sequence, which is allowed. */
function fatalDecode(b: Uint8Array, label: string): string | undefined {
  for (let cut = 0; cut <= 2 && cut < b.length; cut++) {
    try {
      return new TextDecoder(label, { fatal: true }).decode(b.subarray(0, b.length - cut));
    } catch {
      /* try without the last byte(s) */
    }
  }
  return undefined;
}

// Russian letter frequencies (per mille), lower case: a right Cyrillic decoding is mostly these, lower case.
const CYRILLIC_FREQUENCY: Record<string, number> = {
  о: 110,
  е: 85,
  а: 80,
  и: 74,
  н: 67,
  т: 63,
  с: 55,
  р: 47,
  в: 45,
  л: 44,
  к: 35,
  м: 32,
  д: 30,
  п: 28,
  у: 26,
  я: 20,
  ы: 19,
  ь: 17,
  г: 17,
  з: 16,
  б: 16,
  ч: 15,
  й: 12,
  х: 10,
  ж: 9,
  ш: 7,
  ю: 6,
  ц: 5,
  щ: 4,
  э: 3,
  ф: 2,
  ъ: 1,
  ё: 1,
  і: 20,
  ї: 5,
  є: 4,
  ў: 3,
  ѕ: 1,
  ј: 5,
  љ: 2,
  њ: 3,
  ћ: 2,
  ђ: 1,
  џ: 1,
  ґ: 1,
};

/**
 * How much a decoded text looks like real text in the candidate's script. Garbage signs cost:
 * control characters, replacement characters, rare ideographs, half-width katakana, upper/lower
 * case soup, Latin letters with accents making up most of the letters.
 */
function plausibility(text: string, label: string): number {
  let score = 0;
  let letters = 0;
  let accented = 0;
  let cyrillicLower = 0;
  let cyrillicUpper = 0;
  for (const char of text) {
    const c = char.codePointAt(0) as number;
    if (c < 0x80) {
      if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f) score -= 20;
      else if (/[A-Za-z]/.test(char)) letters++;
      continue;
    }
    if (c === 0xfffd || (c >= 0x80 && c <= 0x9f) || (c >= 0xe000 && c <= 0xf8ff)) score -= 20;
    else if (c >= 0x3040 && c <= 0x30ff) score += label === 'shift_jis' || label === 'euc-jp' || label.startsWith('utf-16') ? 3 : 1;
    else if (c >= 0xff61 && c <= 0xff9f)
      score -= 2; // half-width katakana: what EUC-JP bytes look like through Shift_JIS
    else if (c >= 0x4e00 && c <= 0x9fff) score += hanScore(char, label);
    else if (c >= 0xac00 && c <= 0xd7a3) score += COMMON_HANGUL.has(char) ? 3 : -1;
    else if (c >= 0x0400 && c <= 0x04ff) {
      const lower = char.toLowerCase();
      const frequency = CYRILLIC_FREQUENCY[lower] ?? 0;
      if (char === lower) cyrillicLower++;
      else cyrillicUpper++;
      score += frequency / 30;
    } else if (
      (c >= 0x0370 && c <= 0x03ff) ||
      (c >= 0x05d0 && c <= 0x05ea) ||
      (c >= 0x0620 && c <= 0x064a) ||
      (c >= 0x0e01 && c <= 0x0e5b)
    ) {
      score += 1; // Greek, Hebrew, Arabic, Thai letters
    } else if (
      (c >= 0xc0 && c <= 0xff && c !== 0xd7 && c !== 0xf7) ||
      c === 0x152 ||
      c === 0x153 ||
      c === 0x160 ||
      c === 0x161 ||
      c === 0x17d ||
      c === 0x17e ||
      c === 0x178
    ) {
      accented++;
      letters++;
    } else if (c >= 0xa0 && c <= 0xbf) {
      score -= 1; // ¤ ¦ ¨ ´ ¸ ¼ ½ ¾ …: rare in text, common in wrong decodings
    } else if ((c >= 0x2010 && c <= 0x2026) || c === 0x20ac || c === 0x2122 || c === 0x2030 || c === 0x2039 || c === 0x203a) {
      score += 0.5; // typographic quotes, dashes, ellipsis, €, ™: what Windows code pages put at 0x80-0x9F
    } else if (c >= 0x3000 && c <= 0x303f) {
      score += 1; // CJK punctuation
    } else if (c >= 0xff01 && c <= 0xff5e) {
      score += 0.5; // full-width ASCII
    } else score -= 0.5;
  }
  // Western text has a few accented letters among many plain ones; a wrong decoding of Cyrillic,
  // Greek or CJK bytes is nearly all accented letters.
  const accentedShare = letters === 0 ? 0 : accented / letters;
  score += accentedShare < 0.25 ? accented * 1.5 : -accented * 2;
  // Real Cyrillic text is mostly lower case; a wrong Cyrillic code page flips or scatters case.
  if (cyrillicUpper > cyrillicLower) score -= (cyrillicUpper - cyrillicLower) * 2;
  return score + wordShapes(text);
}

/** Words of three or more letters, not all the same letter, with at least one non-ASCII letter. */
function evidenceWords(text: string): number {
  let count = 0;
  for (const word of text.match(/\p{L}{3,}/gu) ?? []) {
    if (/^[A-Za-z]+$/.test(word)) continue;
    if (new Set(word.toLowerCase()).size >= 2) count++;
  }
  return count;
}

type Script = 'latin' | 'cyrillic' | 'greek' | 'hebrew' | 'arabic' | 'thai' | 'other';

function scriptOf(c: number): Script {
  if (c < 0x250) return 'latin';
  if (c >= 0x0400 && c <= 0x052f) return 'cyrillic';
  if (c >= 0x0370 && c <= 0x03ff) return 'greek';
  if (c >= 0x0590 && c <= 0x05ff) return 'hebrew';
  if (c >= 0x0600 && c <= 0x06ff) return 'arabic';
  if (c >= 0x0e00 && c <= 0x0e7f) return 'thai';
  return 'other';
}

/**
 * Words of alphabetic scripts: one script per word, sensible case (lower, Capitalised or UPPER),
 * sensible length. A wrong single-byte decoding breaks all three: `Mьnchen`, `пРИВет`, 40-letter runs.
 */
function wordShapes(text: string): number {
  let score = 0;
  for (const word of text.match(/\p{L}+/gu) ?? []) {
    const scripts = new Set<Script>();
    let upper = 0;
    let lower = 0;
    let length = 0;
    for (const char of word) {
      const c = char.codePointAt(0) as number;
      scripts.add(scriptOf(c));
      length++;
      if (char !== char.toLowerCase()) upper++;
      else if (char !== char.toUpperCase()) lower++;
    }
    if (scripts.has('other')) continue; // CJK, kana, Hangul: no word structure to judge
    if (scripts.size > 1) score -= 6;
    const firstUpper = word[0] !== undefined && word[0] !== word[0].toLowerCase();
    const caseOk = upper === 0 || lower === 0 || (upper === 1 && firstUpper);
    if (!caseOk) score -= 3;
    if (length > 25 && !scripts.has('thai')) score -= 5;
  }
  return score;
}

function hanScore(char: string, label: string): number {
  switch (label) {
    case 'shift_jis':
    case 'euc-jp':
    case 'utf-16le':
    case 'utf-16be':
      return COMMON_HAN_JAPANESE.has(char) || COMMON_HAN_SIMPLIFIED.has(char) || COMMON_HAN_TRADITIONAL.has(char) ? 2 : 0.5;
    case 'gbk':
      return COMMON_HAN_SIMPLIFIED.has(char) ? 3 : -0.5;
    case 'big5':
      return COMMON_HAN_TRADITIONAL.has(char) ? 3 : -0.5;
    default:
      return 0;
  }
}

import type { EncodingName } from 'chardet';
import { icuGuess } from './icu-guess.js';
import { rankLegacy, structuralEncoding } from './plausibility.js';

/** WHATWG encoding labels in lower case (what `TextDecoder` accepts). */
export type EncodingLabel = string;

export interface Detection {
  encoding: EncodingLabel;
  /** 0..1: 1 for a BOM or an escape-sequence encoding; lower the less sure the detector that decided was. */
  confidence: number;
  bom: boolean;
}

/**
 * ICU's answers that replace this package's ranking, from the confidence (0..1) at which they do:
 * where, on the corpora of `detect-corpus.spec.ts`, ICU's answer was right more often than ours
 * (Big5: as often) and the combination lost no file ours named right (that spec fails otherwise).
 * Its multi-byte recognisers report 1 when every character is valid and common ones are frequent,
 * and were never wrong from 0.9; ours takes Chinese with rare characters for Cyrillic, Korean for
 * Japanese, and lacks GB18030's four-byte sequences (Big5 goes with them: ours judges Traditional
 * Chinese by the same short list of common characters). Its Central European, Turkish, Vietnamese,
 * Arabic and Hebrew models name encodings ours does not try. The rest (Shift_JIS/CP932, Western
 * European, Cyrillic, Greek, Thai, windows-1257, whose ICU answer took Estonian windows-1252) stays with ours.
 */
export const ICU_TRUSTED_FROM: Partial<Record<EncodingName, number>> = {
  GB18030: 0.9,
  'EUC-KR': 0.9,
  'EUC-JP': 0.9,
  Big5: 0.9,
  'windows-1250': 0.2,
  'ISO-8859-2': 0.2,
  'ISO-8859-9': 0.3,
  'windows-1258': 0.3,
  'ISO-8859-6': 0.3,
  'ISO-8859-8': 0.5,
};

/**
 * Legacy encodings are judged on at most this much of a sample (both rankings decode and score all
 * of what they get: ~3 s per MiB for ours), starting at the line of the first non-ASCII byte.
 */
const LEGACY_WINDOW_BYTES = 64 * 1024;

/**
 * Guesses the encoding of a sample of bytes. What the structure tells comes first and from this
 * package (BOM, ISO-2022-JP escapes, UTF-16 without BOM, ASCII, valid UTF-8); then ICU's detector
 * (npm `chardet`) where it is measured better, else this package's plausibility ranking of the legacy
 * encodings (Shift_JIS as CP932 included). Pure; an explicit encoding from the user always wins over this.
 */
export function detectEncoding(sample: Uint8Array): Detection {
  const structural = structuralEncoding(sample);
  if (structural) return structural;
  const window = legacyWindow(sample);
  const icu = icuGuess(window);
  const trust = icuTrust(icu, window);
  if (icu?.encoding !== undefined && trust === 'over-any') return icuDetection(icu.encoding, icu.confidence);
  const ranked = rankLegacy(window);
  if (icu?.encoding !== undefined && trust === 'over-single-byte' && !MULTI_BYTE.has(ranked.encoding))
    return icuDetection(icu.encoding, icu.confidence);
  // Node's gbk decoder stops at GB18030's four-byte sequences, which the rest of a file may hold; gb18030 reads both.
  return ranked.encoding === 'gbk' ? { ...ranked, encoding: 'gb18030' } : ranked;
}

/**
 * The one rule for how far ICU's answer is taken over this package's ranking: not below its
 * `ICU_TRUSTED_FROM` confidence; from 0.9 (its multi-byte recognisers) over any answer of ours;
 * below that (its single-byte language models) only with `MIN_SINGLE_BYTE_EVIDENCE` non-ASCII
 * bytes — a handful is no evidence (one © in csvkit's test_latin1.csv, which it named Turkish) —
 * and never over a multi-byte encoding of ours (in a short CP932 header every byte pair is valid
 * Shift_JIS, and ICU named one windows-1250).
 */
function icuTrust(icu: ReturnType<typeof icuGuess>, window: Uint8Array): 'over-any' | 'over-single-byte' | 'none' {
  const from = icu ? (ICU_TRUSTED_FROM[icu.name] ?? Infinity) : Infinity;
  if (icu?.encoding === undefined || icu.confidence < from) return 'none';
  if (from >= 0.9) return 'over-any';
  return highBytes(window) >= MIN_SINGLE_BYTE_EVIDENCE ? 'over-single-byte' : 'none';
}

const MULTI_BYTE = new Set(['shift_jis', 'euc-jp', 'gbk', 'gb18030', 'big5', 'euc-kr']);

function icuDetection(encoding: string, confidence: number): Detection {
  return { encoding, confidence: Math.min(0.95, confidence), bom: false };
}

/** Non-ASCII bytes ICU's single-byte models need before their answer is taken over ours. */
const MIN_SINGLE_BYTE_EVIDENCE = 8;

function highBytes(window: Uint8Array): number {
  let count = 0;
  for (const byte of window) if (byte >= 0x80 && ++count >= MIN_SINGLE_BYTE_EVIDENCE) break;
  return count;
}

/** The part of a non-UTF-8 sample the legacy rankings look at (see LEGACY_WINDOW_BYTES). */
function legacyWindow(sample: Uint8Array): Uint8Array {
  if (sample.length <= LEGACY_WINDOW_BYTES) return sample;
  let firstHigh = 0;
  while (firstHigh < sample.length && (sample[firstHigh] as number) < 0x80) firstHigh++;
  let start = sample.lastIndexOf(0x0a, firstHigh) + 1;
  // Even, for UTF-16 without BOM or ASCII (ranked too): the line feed itself is a character boundary in the others.
  if (start % 2 === 1) start--;
  return sample.subarray(start, start + LEGACY_WINDOW_BYTES);
}

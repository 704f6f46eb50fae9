import { analyse, type EncodingName } from 'chardet';
import type { EncodingLabel } from './detect.js';

/** The best guess of ICU's detector (npm `chardet`), with the WHATWG label that decodes it. */
export interface IcuGuess {
  /** ICU's name: `GB18030`, `EUC-KR`, `ISO-8859-2`, `windows-1250`, … */
  name: EncodingName;
  /** The WHATWG label TextDecoder knows for it; undefined for what it cannot decode (UTF-32, ISO-2022-KR/CN). */
  encoding: EncodingLabel | undefined;
  /** ICU's confidence, 0..1 (it reports 0..100): 1 for multi-byte text with no invalid and many common characters. */
  confidence: number;
}

/**
 * ICU's names as WHATWG labels. ISO-8859-1 and ISO-8859-9 are windows-1252 and windows-1254 in
 * WHATWG (supersets that agree on every printable character). ISO-8859-8 is read as windows-1255 the
 * same way: ICU names Hebrew with vowel points ISO-8859-8, though only windows-1255 has them (the two
 * differ otherwise in 0xA4 ¤/₪ and 0xDF ‗ alone). GB18030 stays gb18030: Node's `TextDecoder('gbk')`,
 * unlike WHATWG's, cannot decode GB18030's four-byte sequences.
 */
const WHATWG: Record<EncodingName, EncodingLabel | undefined> = {
  ASCII: 'utf-8',
  'UTF-8': 'utf-8',
  'UTF-16LE': 'utf-16le',
  'UTF-16BE': 'utf-16be',
  'UTF-32': undefined,
  'UTF-32LE': undefined,
  'UTF-32BE': undefined,
  Shift_JIS: 'shift_jis',
  'EUC-JP': 'euc-jp',
  'ISO-2022-JP': 'iso-2022-jp',
  ISO_2022: undefined,
  'ISO-2022-KR': undefined,
  'ISO-2022-CN': undefined,
  'EUC-KR': 'euc-kr',
  GB18030: 'gb18030',
  Big5: 'big5',
  'ISO-8859-1': 'windows-1252',
  'ISO-8859-2': 'iso-8859-2',
  'ISO-8859-5': 'iso-8859-5',
  'ISO-8859-6': 'iso-8859-6',
  'ISO-8859-7': 'iso-8859-7',
  'ISO-8859-8': 'windows-1255',
  'ISO-8859-9': 'windows-1254',
  'KOI8-R': 'koi8-r',
  'windows-1250': 'windows-1250',
  'windows-1251': 'windows-1251',
  'windows-1252': 'windows-1252',
  'windows-1253': 'windows-1253',
  'windows-1254': 'windows-1254',
  'windows-1255': 'windows-1255',
  'windows-1256': 'windows-1256',
  'windows-1257': 'windows-1257',
  'windows-1258': 'windows-1258',
  'windows-874': 'windows-874',
  mbcs: undefined,
  sbcs: undefined,
};

/** ICU's best guess for a sample, or undefined when none of its recognisers matched. Pure. */
export function icuGuess(sample: Uint8Array): IcuGuess | undefined {
  const best = analyse(sample)[0];
  if (!best) return undefined;
  return { name: best.name, encoding: WHATWG[best.name], confidence: best.confidence / 100 };
}

/**
 * Conversions from `@etl/schema` values (exact decimal strings, `YYYY-MM-DD` dates, bigint micros) to
 * Parquet physical values. Pure; the hot ones avoid regexes and allocation.
 */
import { daysFromCivil } from '@etl/schema';

/** `'-12.3400'` at scale 4 -> `'-123400'`: the unscaled integer's digits. Throws on a wrong scale. */
export function unscaledDigits(text: string, scale: number): string {
  const dot = text.indexOf('.');
  if (dot === -1) return scale === 0 ? text : text + '0'.repeat(scale);
  const fraction = text.length - dot - 1;
  if (fraction === scale) return text.slice(0, dot) + text.slice(dot + 1);
  if (fraction < scale) return text.slice(0, dot) + text.slice(dot + 1) + '0'.repeat(scale - fraction);
  const extra = text.slice(dot + 1 + scale);
  if (/[^0]/.test(extra)) throw new RangeError(`decimal ${text} has more than ${scale} decimal places`);
  return text.slice(0, dot) + text.slice(dot + 1, dot + 1 + scale);
}

/** Days since 1970-01-01 of `YYYY-MM-DD` (proleptic Gregorian). */
export function epochDays(text: string): number {
  const y = Number(text.slice(0, 4));
  const m = Number(text.slice(5, 7));
  const d = Number(text.slice(8, 10));
  if (text.length !== 10 || !(y >= 0) || !(m >= 1 && m <= 12) || !(d >= 1 && d <= 31))
    throw new RangeError(`not a YYYY-MM-DD date: "${text}"`);
  return daysFromCivil(y, m, d);
}

/** Two's complement, big-endian, `length` bytes: Parquet's FIXED_LEN_BYTE_ARRAY decimals. */
export function decimalBytes(unscaled: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = BigInt.asUintN(length * 8, unscaled);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

/**
 * Code-point order of two strings, which is the UTF-8 byte order Parquet statistics use. Plain `<`
 * compares UTF-16 units and puts U+E000..U+FFFF after astral characters; this does not.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return orderKey(x) - orderKey(y);
  }
  return a.length - b.length;
}

const orderKey = (unit: number): number => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

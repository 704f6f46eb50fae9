/**
 * DynamoDB numbers (`{ N: '…' }`, up to 38 significant digits, magnitudes 1e-130 to 1e126) read as
 * exact decimal text: never through a JS `number`. Pure.
 */
export interface ExactNumber {
  /** Plain decimal text, no exponent, no leading or trailing zeros (`-12.5`, `0.001`, `1000`). */
  text: string;
  /** Digits left of the point (0 for `0.5`). */
  integerDigits: number;
  /** Digits right of the point. */
  scale: number;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** `1.50E+3` -> `1500`; undefined when the text is not a number. */
export function exactNumber(raw: string): ExactNumber | undefined {
  const m = NUMBER.exec(raw.trim());
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 400) return undefined;
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let point = (m[2] ?? '').length + exponent; // position of the point in `digits`
  // Leading zeros move the point left; trailing fraction zeros are dropped (DynamoDB trims them too).
  const lead = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(lead);
  point -= lead;
  if (digits === '') return { text: '0', integerDigits: 0, scale: 0 };
  let end = digits.length;
  while (end > Math.max(point, 0) && digits.charCodeAt(end - 1) === 48) end--;
  digits = digits.slice(0, end);
  const sign = m[1] === '-' ? '-' : '';
  if (point >= digits.length) return { text: sign + digits + '0'.repeat(point - digits.length), integerDigits: point, scale: 0 };
  if (point <= 0) return { text: `${sign}0.${'0'.repeat(-point)}${digits}`, integerDigits: 0, scale: digits.length - point };
  return { text: `${sign}${digits.slice(0, point)}.${digits.slice(point)}`, integerDigits: point, scale: digits.length - point };
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** An integer that fits Parquet's INT64 (checked as BigInt: 2^63 is past exact doubles). */
export function fitsInt64(n: ExactNumber): boolean {
  if (n.scale > 0 || n.integerDigits > 19) return false;
  const value = BigInt(n.text);
  return value >= INT64_MIN && value <= INT64_MAX;
}

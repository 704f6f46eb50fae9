import { writeUtf8 } from '@etl/encoding';
import type { CsvFormatter } from './csv-formatter.js';

/**
 * CSV written field by field straight into UTF-8 bytes: numbers as digits, short strings encoded in
 * JS, no string per value and no rope of concatenations to flatten (formatting a column batch
 * through strings spent about as long building and flattening them as the whole cast). Quoting
 * follows the formatter exactly: a text field that may need it (holds the delimiter, the quote or a
 * line break, starts or ends with a possible space, or equals the null marker) goes through
 * `formatter.field`. Memory: the bytes since the last `take`, grown by doubling.
 */
export class CsvBytes {
  /**
   * Whether plain values (numbers, dates, timestamps, booleans: letters, digits, `.:+-` and inner
   * spaces) can be written as they are (`!formatter.plainMayNeedQuotes`). Callers write such values through `plain`, or through `digits`
   * and `byte` when this is true.
   */
  readonly plainIsSafe: boolean;
  private buffer = Buffer.allocUnsafe(1 << 20);
  private at = 0;
  private readonly delimiterCode: number;
  private readonly quoteCode: number;
  private readonly newline: string;
  private readonly nullMarker: string;

  constructor(private readonly formatter: CsvFormatter) {
    this.delimiterCode = formatter.delimiter.charCodeAt(0);
    this.quoteCode = formatter.quote.charCodeAt(0);
    this.newline = formatter.newline;
    this.nullMarker = formatter.nullMarker;
    this.plainIsSafe = !formatter.plainMayNeedQuotes;
  }

  /** Bytes written since the last `take`. */
  get length(): number {
    return this.at;
  }

  /** The bytes written so far (a copy), and an empty buffer for what follows. */
  take(): Uint8Array {
    const bytes = Uint8Array.prototype.slice.call(this.buffer, 0, this.at);
    this.at = 0;
    return bytes;
  }

  delimiter(): void {
    this.room(1);
    this.buffer[this.at++] = this.delimiterCode;
  }

  endRecord(): void {
    this.ascii(this.newline);
  }

  /** A null: the marker, unquoted. */
  nullField(): void {
    this.ascii(this.nullMarker);
  }

  /** One ASCII byte of a plain value (only when `plainIsSafe`). */
  byte(code: number): void {
    this.room(1);
    this.buffer[this.at++] = code;
  }

  /** A non-negative safe integer in decimal, zero-padded to `width` digits (only when `plainIsSafe`). */
  digits(value: number, width = 1): void {
    let n = digitCount(value);
    if (n < width) n = width;
    this.room(n);
    const buffer = this.buffer;
    let p = this.at + n;
    this.at = p;
    let rest = value;
    // Above 2^31 a digit costs a floating-point remainder; below it, integer arithmetic.
    while (rest >= 2147483648) {
      const digit = rest % 10;
      buffer[--p] = 48 + digit;
      rest = (rest - digit) / 10;
      n--;
    }
    let small = rest | 0;
    for (; n > 0; n--) {
      const q = (small / 10) | 0;
      buffer[--p] = 48 + small - q * 10;
      small = q;
    }
  }

  /** A safe integer, signed (only when `plainIsSafe`). */
  integer(value: number): void {
    if (value < 0) {
      this.byte(45);
      this.digits(-value);
    } else this.digits(value);
  }

  /** A plain value's text (see `plainIsSafe`); quoted as the formatter would when the dialect needs it. */
  plain(value: string): void {
    if (this.plainIsSafe) this.ascii(value);
    else this.text(value);
  }

  /** The first `end` characters of a plain value (a number cut short without a new string). */
  plainPrefix(value: string, end: number): void {
    if (!this.plainIsSafe) return this.text(value.slice(0, end));
    this.room(end);
    const buffer = this.buffer;
    const at = this.at;
    for (let i = 0; i < end; i++) buffer[at + i] = value.charCodeAt(i);
    this.at = at + end;
  }

  /**
   * Any string, quoted where RFC 4180 (or the null marker) needs it. ASCII text with nothing to quote
   * (most values) is copied in the same pass that checks it; anything else (non-ASCII, edge spaces,
   * a character to quote) goes through `formatter.field`, which decides.
   */
  text(value: string): void {
    const n = value.length;
    // Edge spaces: only ASCII ones are tested here; a non-ASCII character anywhere ends the fast path.
    if (n > 0 && value.charCodeAt(0) > 32 && value.charCodeAt(n - 1) > 32 && value !== this.nullMarker) {
      this.room(n);
      const buffer = this.buffer;
      const at = this.at;
      let i = 0;
      for (; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c >= 0x80 || c === this.delimiterCode || c === this.quoteCode || c === 10 || c === 13) break;
        buffer[at + i] = c;
      }
      if (i === n) {
        this.at = at + n;
        return;
      }
    }
    this.raw(this.formatter.field(value));
  }

  private raw(value: string): void {
    this.room(3 * value.length);
    this.at += writeUtf8(value, this.buffer, this.at);
  }

  private ascii(value: string): void {
    const n = value.length;
    this.room(n);
    const buffer = this.buffer;
    const at = this.at;
    for (let i = 0; i < n; i++) buffer[at + i] = value.charCodeAt(i);
    this.at = at + n;
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.at + bytes));
    this.buffer.copy(grown, 0, 0, this.at);
    this.buffer = grown;
  }
}

/** Decimal digits of a non-negative safe integer (at most 16). */
function digitCount(value: number): number {
  let n = 1;
  for (let limit = 10; value >= limit; limit *= 10) n++;
  return n;
}

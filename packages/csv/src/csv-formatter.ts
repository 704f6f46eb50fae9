export interface CsvFormatOptions {
  /** One character; `,` by default. */
  delimiter?: string;
  /** One character; `"` by default. Quotes inside a field are doubled (RFC 4180). */
  quote?: string;
  /**
   * Written, unquoted, for a null (default: empty, as PostgreSQL/Redshift `FORMAT CSV` reads it). A
   * real value equal to the marker is quoted, so `""` stays an empty string and `\N` stays text.
   */
  nullMarker?: string;
  /** Line ending (default `\n`; `\r\n` for RFC 4180 strictness). */
  newline?: '\n' | '\r\n';
}

/**
 * RFC 4180 record formatting with no knowledge of streams or types: fields that hold the delimiter,
 * the quote, a line break, or leading/trailing spaces are quoted; quotes are doubled.
 */
export class CsvFormatter {
  readonly delimiter: string;
  readonly quote: string;
  private readonly doubled: string;
  readonly nullMarker: string;
  readonly newline: string;
  private readonly needsQuotes: RegExp;
  /**
   * Whether text made of letters, digits, `.:+-` and inner spaces (numbers, dates, timestamps,
   * booleans) can need quotes: only when the delimiter or quote is one of those characters, or the
   * null marker is made of them (a value could equal it).
   */
  readonly plainMayNeedQuotes: boolean;

  constructor(options: CsvFormatOptions = {}) {
    this.delimiter = options.delimiter ?? ',';
    this.quote = options.quote ?? '"';
    if (this.delimiter.length !== 1 || this.quote.length !== 1) throw new RangeError('delimiter and quote must be one character each');
    this.doubled = this.quote + this.quote;
    this.nullMarker = options.nullMarker ?? '';
    this.newline = options.newline ?? '\n';
    const escape = (c: string) => c.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&');
    this.needsQuotes = new RegExp(`[${escape(this.delimiter)}${escape(this.quote)}\\r\\n]|^\\s|\\s$`);
    this.plainMayNeedQuotes = /[0-9A-Za-z.:+\- ]/.test(this.delimiter + this.quote) || /^[0-9A-Za-z.:+\- ]+$/.test(this.nullMarker);
  }

  /** One record, line ending included. */
  format(fields: ReadonlyArray<string | null>): string {
    let line = '';
    for (let i = 0; i < fields.length; i++) {
      if (i > 0) line += this.delimiter;
      line += this.field(fields[i] ?? null);
    }
    return line + this.newline;
  }

  field(value: string | null): string {
    if (value === null) return this.nullMarker;
    if (value === this.nullMarker || this.needsQuotes.test(value))
      return this.quote + value.split(this.quote).join(this.doubled) + this.quote;
    return value;
  }
}

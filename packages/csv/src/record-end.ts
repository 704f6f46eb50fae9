export interface RecordEndOptions {
  /** One character, as the parser's. */
  delimiter: string;
  /** One character, as the parser's. */
  quote: string;
  /** The file's line break (`detectNewline`): `\n` for LF and CRLF files, `\r` for lone CR. */
  newline: '\n' | '\r';
}

/**
 * Record ends in CSV text fed piece by piece, found without cutting fields: where a file can be cut
 * into pieces that parse on their own (a parallel reader's chunks). A line break ends a record unless
 * it is inside a quoted field, and a quote opens one only at a field's start (after a delimiter or a
 * line break): that is `CsvParser`'s own rule, lenient quotes included (`5" pipe` keeps its quote as
 * data), so a cut never falls where the parser would be inside quotes. Counting quotes alone would
 * not do: one stray quote in an unquoted field would flip every later cut.
 *
 * Speed: `indexOf` jumps from quote to quote, and to a line break only past the target; the work is
 * per quote, not per character. Memory: three numbers of state.
 */
export class RecordEnds {
  private readonly quote: string;
  private readonly quoteCode: number;
  private readonly delimiterCode: number;
  private readonly newline: string;
  private readonly newlineCode: number;
  /** Inside a quoted field. */
  private quoted = false;
  /** The last piece ended in a quote inside a quoted field: the next character says closed or doubled. */
  private quoteAtEnd = false;
  /** The character before the next piece (a line break before the first). */
  private previousCode: number;

  constructor(options: RecordEndOptions) {
    this.quote = options.quote;
    this.quoteCode = options.quote.charCodeAt(0);
    this.delimiterCode = options.delimiter.charCodeAt(0);
    this.newline = options.newline;
    this.newlineCode = options.newline.charCodeAt(0);
    this.previousCode = this.newlineCode;
  }

  /** Inside a quoted field where the text fed so far ends. */
  get inQuotes(): boolean {
    return this.quoted;
  }

  /**
   * Scans `text` from `start` (where the previous scan stopped: its return value, or 0 in the next
   * piece) and returns the index just after the first line break at or after `target` that ends a
   * record; -1 when none does in this piece (the state then carries on to the next piece).
   */
  next(text: string, start: number, target: number): number {
    const { quote, newline } = this;
    return this.scan(
      text.length,
      (quoteNotBreak, from) => text.indexOf(quoteNotBreak ? quote : newline, from),
      (i) => text.charCodeAt(i),
      start,
      target,
    );
  }

  /**
   * `next` over UTF-8 bytes (or any ASCII-compatible encoding whose multibyte characters never hold
   * an ASCII byte): the delimiter, quote and line break must be ASCII. Lets a reader cut a file
   * before decoding it, so each piece is decoded where it is parsed.
   */
  nextInBytes(bytes: Uint8Array, start: number, target: number): number {
    const view = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const { quoteCode, newlineCode } = this;
    return this.scan(
      view.length,
      (quoteNotBreak, from) => view.indexOf(quoteNotBreak ? quoteCode : newlineCode, from),
      (i) => view[i] as number,
      start,
      target,
    );
  }

  /** The scan over text or bytes: `find` jumps to the next quote (true) or line break (false). */
  private scan(
    length: number,
    find: (quoteNotBreak: boolean, from: number) => number,
    codeAt: (i: number) => number,
    start: number,
    target: number,
  ): number {
    let i = start;
    if (this.quoteAtEnd && i < length) {
      this.quoteAtEnd = false;
      if (codeAt(i) === this.quoteCode) i++;
      else this.quoted = false;
    }
    let lineBreak = -2;
    while (i < length) {
      if (this.quoted) {
        const close = find(true, i);
        if (close === -1) {
          i = length;
          break;
        }
        if (close + 1 === length) {
          this.quoteAtEnd = true;
          i = length;
          break;
        }
        if (codeAt(close + 1) === this.quoteCode) i = close + 2;
        else {
          this.quoted = false;
          i = close + 1;
        }
        continue;
      }
      let open = find(true, i);
      while (open !== -1 && !this.opensField(codeAt, open)) open = find(true, open + 1);
      const from = i > target ? i : target;
      if (open === -1 || open > from) {
        if (lineBreak !== -1 && lineBreak < from) lineBreak = from < length ? find(false, from) : -1;
        if (lineBreak !== -1 && (open === -1 || lineBreak < open)) {
          this.previousCode = this.newlineCode;
          return lineBreak + 1;
        }
      }
      if (open === -1) {
        i = length;
        break;
      }
      this.quoted = true;
      i = open + 1;
    }
    if (length > 0) this.previousCode = codeAt(length - 1);
    return -1;
  }

  private opensField(codeAt: (i: number) => number, at: number): boolean {
    const before = at === 0 ? this.previousCode : codeAt(at - 1);
    return before === this.delimiterCode || before === this.newlineCode;
  }
}

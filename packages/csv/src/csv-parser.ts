import { RecordError } from '@etl/core';
import { CsvBatch } from './csv-batch.js';

export interface CsvParserOptions {
  /** One character; `,` by default (see `sniffCsv` to detect it). */
  delimiter?: string;
  /** One character; `"` by default. */
  quote?: string;
  /**
   * Longest record kept, in characters (default 16 Mi). A longer one — typically a quote that never
   * closes — is rejected with the line it started on and skipped without being held in memory.
   */
  maxRecordChars?: number;
  /** Named in rejects. */
  file?: string;
  /** Physical lines dropped before anything is parsed (a title or notes above the header). */
  skipLines?: number;
  /**
   * The line break: `\n` (LF and CRLF files) or `\r` (lone CR). Detected from the first text when
   * absent; a piece of a file cut at a record boundary (`recordEnd`) is given its file's, since a
   * piece can hold a lone CR inside a quoted field before its first real line break.
   */
  newline?: '\n' | '\r';
}

/** Called per record with its fields and the physical line it starts on (1-based). */
export type OnRecord = (fields: string[], line: number) => void;
export type OnReject = (error: RecordError) => void;
/** Called as each record is added to the batch (it is the batch's last): a reader may check or drop it. */
export type OnBatchRecord = (batch: CsvBatch) => void;

const enum State {
  FieldStart,
  Unquoted,
  Quoted,
  QuoteInQuoted,
  AfterQuoted,
}

/**
 * A streaming RFC 4180 parser over decoded text, with no knowledge of streams (node-csv's shape):
 * `push` chunks as they come, `end` once. Quoted fields may hold delimiters, quotes (`""`) and line
 * breaks; LF, CRLF and CR line endings; blank lines are skipped. Lenient where real files are: a quote
 * inside an unquoted field is kept as is, text after a closing quote is appended.
 *
 * Two ways out: `push` hands each record over as strings; `pushInto` adds them to a `CsvBatch`, where
 * the fields of a record whole in the chunk stay spans of it, a quoted one between its quotes (no
 * string made until a consumer wants one).
 *
 * Speed: a line of the chunk with no quote is cut into fields in one go; a record with quoted fields
 * that ends in the chunk is cut with one `indexOf` per field (`cutQuotedRecord`); anything else goes
 * through the state machine, where unquoted fields are cut with `indexOf` over the chunk (positions
 * cached until passed) and the per-character work happens only inside quotes. Memory: one partial
 * record at most.
 */
export class CsvParser {
  private readonly delimiter: string;
  private readonly quote: string;
  private readonly maxRecordChars: number;
  private readonly file: string | undefined;

  private state = State.FieldStart;
  private fields: string[] = [];
  private field = '';
  private recordChars = 0;
  private recordLine = 1;
  private line = 1;
  /** The line break character: '\n' (LF and CRLF files) or '\r' (old Mac files); decided on first sight. */
  private newline: '\n' | '\r' | undefined;
  /** The current record went over `maxRecordChars`: keep parsing to find its end, keep nothing. */
  private discarding = false;
  /** The discarded record's reject, told when the record ends, with the lines it took. */
  private tooLarge: Pick<RecordError, 'reason' | 'raw'> | undefined;
  /** The last text parsed ended with a line break (a record open at the end spans no line after it). */
  private endedWithNewline = false;
  private linesToSkip: number;
  /** The chunk ended in a CR before the line breaks were known (see `pushInto`). */
  private heldCr = false;
  /** `push`'s batch, emptied after every record. */
  private readonly scratch = new CsvBatch();

  constructor(options: CsvParserOptions = {}) {
    this.delimiter = single('delimiter', options.delimiter ?? ',');
    this.quote = single('quote', options.quote ?? '"');
    this.maxRecordChars = options.maxRecordChars ?? 16 * 1024 * 1024;
    this.file = options.file;
    this.linesToSkip = options.skipLines ?? 0;
    this.newline = options.newline;
  }

  /** The line break, once known: `\n` (LF and CRLF files) or `\r` (CR files). */
  get lineBreak(): '\n' | '\r' | undefined {
    return this.newline;
  }

  /** The physical line the parser has reached (for progress and errors). */
  get currentLine(): number {
    return this.line;
  }

  /** Parses `text`, handing over each record's fields as strings. */
  push(text: string, onRecord: OnRecord, onReject: OnReject): void {
    this.scratch.clear(text);
    this.pushInto(text, this.scratch, (batch) => this.handOver(batch, onRecord), onReject);
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(onRecord: OnRecord, onReject: OnReject): void {
    this.scratch.clear('');
    this.endInto(this.scratch, (batch) => this.handOver(batch, onRecord), onReject);
  }

  private handOver(batch: CsvBatch, onRecord: OnRecord): void {
    const fields = batch.fields(0);
    const line = batch.line(0);
    batch.clear(batch.text);
    onRecord(fields, line);
  }

  /**
   * Parses `text` into `batch`, whose `text` must be this chunk (a fresh `new CsvBatch(text)` or one
   * `clear`ed to it): records of the chunk are added as they close, `onRecord` told after each.
   */
  pushInto(text: string, batch: CsvBatch, onRecord: OnBatchRecord | undefined, onReject: OnReject): void {
    if (text.length === 0) return;
    if (this.heldCr) {
      // Its successor tells CRLF from CR-only; alone it holds no span, so `batch.text` stays `text`.
      this.heldCr = false;
      this.newline ??= detectNewline(`\r${text.charAt(0)}`);
      this.parse('\r', batch, onRecord, onReject);
    }
    this.newline ??= detectNewline(text);
    if (this.newline === undefined && text.charCodeAt(text.length - 1) === 13) {
      // A lone CR at the chunk's end, line breaks still undecided: hold it for the next chunk.
      // Cutting the end leaves every offset into `text` as it was.
      this.heldCr = true;
      this.parse(text.slice(0, -1), batch, onRecord, onReject);
      return;
    }
    this.parse(text, batch, onRecord, onReject);
    this.endedWithNewline = text.endsWith(this.newline ?? '\n');
  }

  private parse(text: string, batch: CsvBatch, onRecord: OnBatchRecord | undefined, onReject: OnReject): void {
    if (text.length === 0) return;
    const nl = this.newline ?? '\n';
    const { delimiter, quote } = this;
    const length = text.length;
    let nextDelimiter = -2;
    let nextNewline = -2;
    let i = 0;
    while (this.linesToSkip > 0 && i < length) {
      const end = text.indexOf(nl, i);
      if (end === -1) return;
      i = end + 1;
      this.line++;
      this.recordLine = this.line;
      this.linesToSkip--;
    }

    const quoteCode = quote.charCodeAt(0);
    let nextQuote = -2;
    while (i < length) {
      // Fastest path: at a record's start, a whole line of this chunk without a quote is cut into its
      // fields in one go, with no per-field state changes.
      if (this.state === State.FieldStart && this.fields.length === 0 && this.field === '' && !this.discarding) {
        if (nextNewline !== -1 && nextNewline < i) nextNewline = text.indexOf(nl, i);
        if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf(quote, i);
        const lineEnd = nextNewline;
        if (lineEnd !== -1 && (nextQuote === -1 || nextQuote > lineEnd) && lineEnd - i <= this.maxRecordChars) {
          // The CR of a CRLF ends the last field; a lone CR inside a field stays.
          const end = nl === '\n' && lineEnd > i && text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
          if (end > i) {
            let start = i;
            for (;;) {
              if (nextDelimiter !== -1 && nextDelimiter < start) nextDelimiter = text.indexOf(delimiter, start);
              if (nextDelimiter === -1 || nextDelimiter >= end) break;
              batch.addSpan(start, nextDelimiter);
              start = nextDelimiter + 1;
            }
            batch.addSpan(start, end);
            batch.endRecord(this.line);
            onRecord?.(batch);
          }
          this.line++;
          this.recordLine = this.line;
          i = lineEnd + 1;
          continue;
        }
        // Next fastest: a record with quoted fields that ends in this chunk, cut as spans too.
        if (lineEnd !== -1) {
          const next = this.cutQuotedRecord(text, i, batch);
          if (next !== -1) {
            onRecord?.(batch);
            i = next;
            continue;
          }
        }
      }
      switch (this.state) {
        case State.FieldStart: {
          if (text.charCodeAt(i) === quoteCode) {
            this.state = State.Quoted;
            i++;
            break;
          }
          this.state = State.Unquoted;
          // Fast path: a whole unquoted field in this chunk goes straight into the record, without
          // `append`'s concatenation; the general case below handles the rest.
          if (this.field !== '' || this.discarding) break;
          if (nextDelimiter !== -1 && nextDelimiter < i) nextDelimiter = text.indexOf(delimiter, i);
          if (nextNewline !== -1 && nextNewline < i) nextNewline = text.indexOf(nl, i);
          if (nextDelimiter !== -1 && (nextDelimiter < nextNewline || nextNewline === -1)) {
            if (this.recordChars + (nextDelimiter - i) > this.maxRecordChars) break; // `append` rejects it
            this.recordChars += nextDelimiter - i;
            this.fields.push(text.slice(i, nextDelimiter));
            i = nextDelimiter + 1;
            this.state = State.FieldStart;
          }
          break;
        }
        case State.Unquoted: {
          if (nextDelimiter !== -1 && nextDelimiter < i) nextDelimiter = text.indexOf(delimiter, i);
          if (nextNewline !== -1 && nextNewline < i) nextNewline = text.indexOf(nl, i);
          const end = nextDelimiter === -1 ? nextNewline : nextNewline === -1 ? nextDelimiter : Math.min(nextDelimiter, nextNewline);
          if (end === -1) {
            this.append(text.slice(i));
            i = length;
            break;
          }
          this.append(text.slice(i, end));
          i = end + 1;
          if (end === nextDelimiter) this.endField();
          else this.endRecord(batch, onRecord, onReject, true);
          break;
        }
        case State.Quoted: {
          const close = text.indexOf(quote, i);
          const piece = close === -1 ? text.slice(i) : text.slice(i, close);
          this.line += count(piece, nl);
          this.append(piece);
          if (close === -1) {
            i = length;
          } else {
            i = close + 1;
            this.state = State.QuoteInQuoted;
          }
          break;
        }
        case State.QuoteInQuoted: {
          if (text[i] === quote) {
            this.append(quote);
            this.state = State.Quoted;
            i++;
          } else this.state = State.AfterQuoted;
          break;
        }
        case State.AfterQuoted: {
          const c = text[i];
          if (c === delimiter) {
            this.endField();
            i++;
          } else if (c === nl) {
            this.endRecord(batch, onRecord, onReject, false);
            i++;
          } else if (c === '\r' && nl === '\n') {
            i++; // the CR of a CRLF after a closing quote
          } else {
            this.state = State.Unquoted; // `"abc"def`: keep the rest of the field as written
          }
          break;
        }
      }
    }
  }

  /**
   * Cuts the record starting at `i` into `batch` when it is whole in `text` and written the common
   * way: each field unquoted, or quoted and followed by a delimiter or the line break. A quoted field
   * is a span between its quotes, or a string when it holds doubled quotes. Returns the index after
   * the record's line break, or -1 (and adds nothing) for anything else: the state machine decides.
   */
  private cutQuotedRecord(text: string, i: number, batch: CsvBatch): number {
    const { delimiter, quote } = this;
    const nl = this.newline ?? '\n';
    const delimiterCode = delimiter.charCodeAt(0);
    const quoteCode = quote.charCodeAt(0);
    const nlCode = nl.charCodeAt(0);
    const crlf = nl === '\n';
    const limit = Math.min(text.length, i + this.maxRecordChars);
    let nextDelimiter = -2;
    let nextNewline = -2;
    let lines = 0;
    let at = i;
    for (;;) {
      if (text.charCodeAt(at) === quoteCode) {
        const start = at + 1;
        let close = text.indexOf(quote, start);
        if (close === -1 || close >= limit) break;
        if (text.charCodeAt(close + 1) === quoteCode) {
          // Doubled quotes: the value is the pieces between them, each with one quote.
          let value = text.slice(start, close + 1);
          for (;;) {
            const from = close + 2;
            close = text.indexOf(quote, from);
            if (close === -1 || close >= limit) break;
            if (text.charCodeAt(close + 1) !== quoteCode) {
              value += text.slice(from, close);
              break;
            }
            value += text.slice(from, close + 1);
          }
          if (close === -1 || close >= limit) break;
          batch.addString(value);
        } else batch.addSpan(start, close);
        for (let n = text.indexOf(nl, start); n !== -1 && n < close; n = text.indexOf(nl, n + 1)) lines++;
        at = close + 1;
        const c = text.charCodeAt(at);
        if (c === delimiterCode) {
          at++;
          continue;
        }
        if (c === nlCode) return this.closeCutRecord(batch, lines, at + 1);
        if (crlf && c === 13 && text.charCodeAt(at + 1) === 10) return this.closeCutRecord(batch, lines, at + 2);
        break; // text after the closing quote, a lone CR, or the chunk's end
      }
      if (nextDelimiter !== -1 && nextDelimiter < at) nextDelimiter = text.indexOf(delimiter, at);
      if (nextNewline < at) nextNewline = text.indexOf(nl, at);
      if (nextNewline === -1 || nextNewline >= limit) break;
      if (nextDelimiter !== -1 && nextDelimiter < nextNewline) {
        batch.addSpan(at, nextDelimiter);
        at = nextDelimiter + 1;
        continue;
      }
      // The CR of a CRLF ends the last field, as on the whole-line path.
      const end = crlf && nextNewline > at && text.charCodeAt(nextNewline - 1) === 13 ? nextNewline - 1 : nextNewline;
      batch.addSpan(at, end);
      return this.closeCutRecord(batch, lines, nextNewline + 1);
    }
    batch.dropOpenFields();
    return -1;
  }

  private closeCutRecord(batch: CsvBatch, quotedLineBreaks: number, next: number): number {
    batch.endRecord(this.line);
    this.line += quotedLineBreaks + 1;
    this.recordLine = this.line;
    return next;
  }

  /** `end` into a batch: the last record, if any, is added as strings. */
  endInto(batch: CsvBatch, onRecord: OnBatchRecord | undefined, onReject: OnReject): void {
    if (this.heldCr) {
      this.heldCr = false;
      this.newline ??= '\r';
      this.parse('\r', batch, onRecord, onReject);
      this.endedWithNewline = true;
    }
    // A record still open spans the lines to the end, the last one unless the text ended with its line break.
    const lines = this.line - this.recordLine + (this.endedWithNewline ? 0 : 1);
    switch (this.state) {
      case State.Quoted:
        if (!this.discarding) {
          const rest = lines > 1 ? ` (it takes the ${lines} lines to the end of the file)` : '';
          onReject(this.reject('UNTERMINATED_QUOTE', `quoted field starting on line ${this.recordLine} is never closed${rest}`, lines));
        }
        break;
      case State.FieldStart:
        if (this.fields.length > 0) this.endRecord(batch, onRecord, onReject, false);
        break;
      default:
        this.endRecord(batch, onRecord, onReject, this.state === State.Unquoted);
    }
    if (this.discarding) this.rejectTooLarge(onReject, lines);
    this.reset();
  }

  private append(piece: string): void {
    if (this.discarding) return;
    this.recordChars += piece.length;
    if (this.recordChars > this.maxRecordChars) {
      // Told when the record ends (`rejectTooLarge`), with the lines it took: a quote that never
      // closes can take the rest of the file.
      const { reason, raw } = this.reject(
        'TOO_LARGE',
        `record starting on line ${this.recordLine} is longer than ${this.maxRecordChars} characters (an unclosed quote?); skipped`,
      );
      this.tooLarge = { reason, raw };
      this.discarding = true;
      this.field = '';
      this.fields = [];
      return;
    }
    this.field = this.field === '' ? piece : this.field + piece;
  }

  private endField(): void {
    if (!this.discarding) this.fields.push(this.field);
    this.field = '';
    this.state = State.FieldStart;
  }

  private endRecord(batch: CsvBatch, onRecord: OnBatchRecord | undefined, onReject: OnReject, unquotedLast: boolean): void {
    let last = this.field;
    // The CR of a CRLF ends an unquoted last field (`a,b\r\n`); inside quotes it is data.
    if (unquotedLast && this.newline === '\n' && last.endsWith('\r')) last = last.slice(0, -1);
    const blank = this.fields.length === 0 && last === '' && unquotedLast;
    if (!this.discarding && !blank) {
      for (const field of this.fields) batch.addString(field);
      batch.addString(last);
      batch.endRecord(this.recordLine);
      onRecord?.(batch);
    }
    if (this.discarding) this.rejectTooLarge(onReject, this.line - this.recordLine + 1);
    this.line++;
    this.reset();
  }

  /** The discarded record's reject, now that its end (or the file's) is known. */
  private rejectTooLarge(onReject: OnReject, lines: number): void {
    const { reason, raw } = this.tooLarge ?? { reason: 'record too large', raw: undefined };
    const many = lines > 1 ? { reason: `${reason} (${lines} lines)`, lines } : { reason };
    onReject(RecordError.restored({ code: 'TOO_LARGE', ...many, file: this.file, line: this.recordLine, raw }));
    this.discarding = false;
  }

  private reset(): void {
    this.fields = [];
    this.field = '';
    this.recordChars = 0;
    this.recordLine = this.line;
    this.state = State.FieldStart;
    this.discarding = false;
    this.tooLarge = undefined;
  }

  private reject(code: 'UNTERMINATED_QUOTE' | 'TOO_LARGE', reason: string, lines?: number): RecordError {
    const raw = this.fields.length > 0 || this.field ? [...this.fields, this.field].join(this.delimiter) : undefined;
    return new RecordError({
      code,
      reason,
      file: this.file,
      line: this.recordLine,
      ...(raw === undefined ? {} : { raw }),
      ...(lines !== undefined && lines > 1 ? { lines } : {}),
    });
  }
}

function single(name: string, value: string): string {
  if (value.length !== 1) throw new RangeError(`${name} must be one character, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * The line break of a file from its first text: LF (also for CRLF files) unless the text breaks lines
 * with a lone CR; undefined while the text holds no line break (or ends in a CR whose successor decides).
 */
export function detectNewline(text: string): '\n' | '\r' | undefined {
  const lf = text.indexOf('\n');
  const cr = text.indexOf('\r');
  if (cr === -1) return lf === -1 ? undefined : '\n';
  if (lf === -1) return cr === text.length - 1 ? undefined : '\r';
  return cr < lf && text[cr + 1] !== '\n' ? '\r' : '\n';
}

function count(text: string, char: string): number {
  let n = 0;
  for (let i = text.indexOf(char); i !== -1; i = text.indexOf(char, i + 1)) n++;
  return n;
}

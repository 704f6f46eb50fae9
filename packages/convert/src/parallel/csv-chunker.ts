import { RecordError } from '@etl/core';
import { CsvRecordReader, detectNewline, RecordEnds } from '@etl/csv';

export interface CsvChunkerOptions {
  delimiter: string;
  quote: string;
  /** The first record is the header. */
  header: boolean;
  skipLines?: number;
  /** A chunk is cut at the first record end past this many characters. */
  chunkChars: number;
  /**
   * A record still open this many characters past a chunk's size is read as a stream of pieces
   * instead (so a runaway quote never makes a chunk the size of the file): the parser's
   * `maxRecordChars`, past which it rejects the record anyway.
   */
  maxRecordChars: number;
  file?: string;
  /** The decoder's queue of bad-byte offsets (`decodeStream`), claimed as the single-thread reader would. */
  decoded?: { invalidOffsets: number[]; encoding: string | undefined };
}

/** What the chunker hands on, in file order. */
export type ChunkEvent =
  /** The header's columns (unique, as `uniqueHeader` made them), once, before the first chunk. */
  | { kind: 'columns'; names: string[] }
  /** Rejects of the header's reading, lines final. */
  | { kind: 'rejects'; rejects: RecordError[] }
  /**
   * Text for a worker: whole records (`first` and `last`), or a piece of a stream (a record longer
   * than a chunk); `invalidOffsets` are the bad bytes behind its U+FFFD.
   */
  | { kind: 'chunk'; text: string; first: boolean; last: boolean; invalidOffsets: number[] };

/**
 * A CSV file's text, fed piece by piece as decoded, cut into chunks that parse on their own: at
 * record ends (`RecordEnds`, the parser's own quote rule), at the first one past `chunkChars`. The
 * line break is detected once, from the file's start, as the parser does (a chunk could otherwise
 * take a lone CR inside quotes for one). Skipped lines and the header are read here, on the main
 * thread, with the same reader the single thread uses. A chunk's first line is known only once the
 * chunks before it are parsed: the caller adds up the lines workers report (`ChunkReply.lines`)
 * from `linesBeforeData`.
 *
 * Memory: one chunk's text (at most `chunkChars` plus one record, or `chunkChars + maxRecordChars`
 * before a long record goes as a stream).
 */
export class CsvChunker {
  /** The file's line break, once known. */
  newline: '\n' | '\r' | undefined;
  private head = '';
  private toSkip: number;
  private linesSkipped = 0;
  private ends: RecordEnds | undefined;
  private headerReader: CsvRecordReader | undefined;
  private headerPending: boolean;
  private open: string[] = [];
  private openChars = 0;
  /** A record longer than a chunk is being handed on in pieces. */
  private streaming = false;

  constructor(private readonly options: CsvChunkerOptions) {
    this.toSkip = options.skipLines ?? 0;
    this.headerPending = options.header;
  }

  /** Lines before the first data chunk: skipped ones and the header's (known once the header is read). */
  get linesBeforeData(): number {
    return this.linesSkipped + (this.headerReader ? this.headerReader.currentLine - 1 : 0);
  }

  push(piece: string): ChunkEvent[] {
    const events: ChunkEvent[] = [];
    let text = piece;
    if (this.newline === undefined) {
      this.head += text;
      const newline = detectNewline(this.head);
      if (newline === undefined) return events;
      this.start(newline);
      text = this.head;
      this.head = '';
    }
    this.take(text, events);
    return events;
  }

  end(): ChunkEvent[] {
    const events: ChunkEvent[] = [];
    if (this.newline === undefined) {
      // No line break in the whole file: the parser's default.
      this.start('\n');
      const text = this.head;
      this.head = '';
      this.take(text, events);
    }
    if (this.headerPending && this.headerReader) {
      const { rejects } = this.headerReader.end();
      this.headerRejects(rejects, events);
      return events;
    }
    if (this.streaming) this.chunk('', false, true, events);
    else if (this.openChars > 0) this.chunk(this.takeOpen(), true, true, events);
    return events;
  }

  private start(newline: '\n' | '\r'): void {
    const { options } = this;
    this.newline = newline;
    this.ends = new RecordEnds({ delimiter: options.delimiter, quote: options.quote, newline });
    if (this.headerPending)
      this.headerReader = new CsvRecordReader({
        delimiter: options.delimiter,
        quote: options.quote,
        newline,
        header: true,
        maxRecordChars: options.maxRecordChars,
        ...(options.file === undefined ? {} : { file: options.file }),
        ...(options.decoded ? { decoded: options.decoded } : {}),
      });
  }

  private take(text: string, events: ChunkEvent[]): void {
    const ends = this.ends as RecordEnds;
    const newline = this.newline as string;
    let at = 0;
    // Skipped lines are physical lines, quotes or not (as the parser skips them).
    while (this.toSkip > 0 && at < text.length) {
      const end = text.indexOf(newline, at);
      if (end === -1) return;
      at = end + 1;
      this.toSkip--;
      this.linesSkipped++;
    }
    // The header: record by record on the main thread until the reader has taken one as the header
    // (a blank line or a rejected record before it is no header).
    while (this.headerPending && at < text.length) {
      const reader = this.headerReader as CsvRecordReader;
      const end = ends.next(text, at, at);
      const { rejects } = reader.push(end === -1 ? text.slice(at) : text.slice(at, end));
      this.headerRejects(rejects, events);
      at = end === -1 ? text.length : end;
    }
    const { chunkChars, maxRecordChars } = this.options;
    while (at < text.length) {
      if (this.streaming) {
        const end = ends.next(text, at, at);
        this.chunk(end === -1 ? text.slice(at) : text.slice(at, end), false, end !== -1, events);
        if (end === -1) return;
        this.streaming = false;
        at = end;
        continue;
      }
      const end = ends.next(text, at, at + Math.max(0, chunkChars - this.openChars));
      if (end === -1) {
        this.open.push(at === 0 ? text : text.slice(at));
        this.openChars += text.length - at;
        if (this.openChars > chunkChars + maxRecordChars) {
          this.streaming = true;
          this.chunk(this.takeOpen(), true, false, events);
        }
        return;
      }
      this.open.push(text.slice(at, end));
      this.chunk(this.takeOpen(), true, true, events);
      at = end;
    }
  }

  private takeOpen(): string {
    const text = this.open.length === 1 ? (this.open[0] as string) : this.open.join('');
    this.open = [];
    this.openChars = 0;
    return text;
  }

  private headerRejects(rejects: RecordError[], events: ChunkEvent[]): void {
    const reader = this.headerReader as CsvRecordReader;
    if (rejects.length > 0) events.push({ kind: 'rejects', rejects: rejects.map((r) => movedBy(r, this.linesSkipped)) });
    if (this.headerPending && reader.columns) {
      this.headerPending = false;
      events.push({ kind: 'columns', names: reader.columns });
    }
  }

  private chunk(text: string, first: boolean, last: boolean, events: ChunkEvent[]): void {
    const invalidOffsets = this.options.decoded ? this.claimInvalid(text, this.options.decoded.invalidOffsets) : [];
    events.push({ kind: 'chunk', text, first, last, invalidOffsets });
  }

  /** As the single-thread reader claims them: one offset per U+FFFD, from the front of the queue. */
  private claimInvalid(text: string, offsets: number[]): number[] {
    if (offsets.length === 0) return [];
    let count = 0;
    for (let i = text.indexOf('\uFFFD'); i !== -1; i = text.indexOf('\uFFFD', i + 1)) count++;
    return count === 0 ? [] : offsets.splice(0, count);
  }
}

/** The same reject, `lines` further down the file. */
export function movedBy(reject: RecordError, lines: number): RecordError {
  if (lines === 0 || reject.line === undefined) return reject;
  const { code, reason, file, line, column, offset, raw, stage, lines: spans } = reject;
  const moved = { code, reason: movedReason(code, reason, line, lines), file, line: line + lines, column, offset, raw, stage };
  return RecordError.restored(spans === undefined ? moved : { ...moved, lines: spans });
}

/** The parser's rejects name the line their record starts on in the reason too (`… starting on line 3 …`). */
export function movedReason(code: string, reason: string, line: number | undefined, lines: number): string {
  if (line === undefined || (code !== 'UNTERMINATED_QUOTE' && code !== 'TOO_LARGE')) return reason;
  return reason.replace(`starting on line ${line} `, `starting on line ${line + lines} `);
}

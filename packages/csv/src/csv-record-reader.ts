import { RecordError } from '@etl/core';
import { CsvBatch, type CsvRecord } from './csv-batch.js';
import { CsvParser, type CsvParserOptions, type OnBatchRecord, type OnReject } from './csv-parser.js';
import { uniqueHeader } from './header.js';

export interface CsvRecordReaderOptions extends CsvParserOptions {
  /** The first record names the columns (default true). */
  header?: boolean;
  /** Column names when the file has no header (or to replace it). */
  columns?: readonly string[];
  /** Called once with the column names, before the first record goes out. */
  onColumns?: (columns: string[]) => void;
  /**
   * A record with too few fields is joined with the next one, the break kept as a line break inside
   * the field where they meet (csvkit's `--join-short-rows`: a value with an unquoted line break).
   * A join that overshoots the column count is a `RAGGED_ROW` reject.
   */
  joinShortRows?: boolean;
  /**
   * The decoder in `reject` mode (`@etl/encoding` `decodeStream`): a record holding characters it
   * replaced is an `ENCODING` reject naming the byte offset of the bad bytes. Its `bytesDecoded` also
   * counts the input bytes behind text chunks (the decoder may be a chunk ahead of the parser).
   */
  decoded?: { readonly invalidOffsets: number[]; readonly encoding: string | undefined; readonly bytesDecoded?: number };
}

/** The records of one chunk of text: a batch of the good ones, and the rejected ones in the order met. */
export interface CsvChunkRecords {
  batch: CsvBatch;
  rejects: RecordError[];
}

/** Takes the offsets of the replacement characters in `fields` off the queue; the first, if any. */
function claimInvalid(offsets: number[], fields: readonly string[]): number | undefined {
  let count = 0;
  for (const field of fields) for (let i = field.indexOf('\uFFFD'); i !== -1; i = field.indexOf('\uFFFD', i + 1)) count++;
  if (count === 0) return undefined;
  const claimed = offsets.splice(0, count);
  return claimed[0];
}

/**
 * Text -> one `CsvBatch` per chunk, stream-free (`csvReader` is its stream adapter; a worker thread
 * uses it on its piece of a file). The header is made unique (`uniqueHeader`); a record with a
 * different number of fields is a `RAGGED_ROW` reject, an unclosed quote `UNTERMINATED_QUOTE`, an
 * over-long record `TOO_LARGE`, bad bytes `ENCODING` — each with its line. Memory: the parser's one
 * partial record, and a short record waiting to be joined.
 */
export class CsvRecordReader {
  /** Records met so far, rejected ones included (the reader's rows in). */
  recordsIn = 0;
  /** The column names: given, or the header's once read. */
  columns: string[] | undefined;
  private readonly parser: CsvParser;
  private headerPending: boolean;
  /** A short record waiting to be joined with the next (`joinShortRows`). */
  private short: CsvRecord | undefined;
  /** Fields in the last batch: the next one is sized for a quarter more (growing copies the arrays). */
  private expectedFields = 1024;

  constructor(private readonly options: CsvRecordReaderOptions = {}) {
    this.parser = new CsvParser(options);
    this.columns = options.columns ? [...options.columns] : undefined;
    this.headerPending = options.header ?? true;
    if (this.columns) options.onColumns?.(this.columns);
  }

  /** The physical line the parser has reached: one past the lines it has read through. */
  get currentLine(): number {
    return this.parser.currentLine;
  }

  /** The records that close in `text`. */
  push(text: string): CsvChunkRecords {
    return this.read(text, (batch, onRecord, onReject) => this.parser.pushInto(text, batch, onRecord, onReject));
  }

  /** The records of `rest` (the decoder's last text) and the file's last record, which needs no line break. */
  end(rest = ''): CsvChunkRecords {
    return this.read(rest, (batch, onRecord, onReject) => {
      if (rest) this.parser.pushInto(rest, batch, onRecord, onReject);
      this.parser.endInto(batch, onRecord, onReject);
      if (this.short) {
        const { fields, line } = this.short;
        this.short = undefined;
        onReject(
          new RecordError({
            code: 'RAGGED_ROW',
            reason: `expected ${this.columns?.length} fields, found ${fields.length} and no next row to join`,
            file: this.options.file,
            line,
            raw: fields.join(this.options.delimiter ?? ','),
          }),
        );
      }
    });
  }

  private read(text: string, parse: (batch: CsvBatch, onRecord: OnBatchRecord, onReject: OnReject) => void): CsvChunkRecords {
    const { options } = this;
    const file = options.file;
    const batch = new CsvBatch(text, this.expectedFields);
    const rejects: RecordError[] = [];
    const rejectLast = (code: 'ENCODING' | 'RAGGED_ROW', reason: string, extra: { offset?: number } = {}) => {
      const r = batch.length - 1;
      const raw = batch.fields(r).join(options.delimiter ?? ',');
      // A record of too many fields over several lines is most likely a stray quote closed by another
      // field's quote far below: the lines it took count (`RecordError.lines`). A record whose quoted
      // field legitimately holds line breaks is rejected for fewer fields, or for bad bytes: one record.
      const swallowed = code === 'RAGGED_ROW' && this.columns !== undefined && batch.fieldCount(r) > this.columns.length;
      const lines = swallowed ? linesOf(raw, this.parser.lineBreak ?? '\n') : 1;
      rejects.push(new RecordError({ code, reason, file, line: batch.line(r), raw, ...extra, ...(lines > 1 ? { lines } : {}) }));
      batch.dropLast();
    };
    parse(
      batch,
      () => {
        const r = batch.length - 1;
        const bad =
          options.decoded && options.decoded.invalidOffsets.length > 0
            ? claimInvalid(options.decoded.invalidOffsets, batch.fields(r))
            : undefined;
        if (this.headerPending) {
          this.headerPending = false;
          if (!options.columns) {
            this.columns = uniqueHeader(batch.fields(r));
            options.onColumns?.(this.columns);
          }
          batch.dropLast();
          return;
        }
        if (bad !== undefined) {
          this.recordsIn++;
          const encoding = options.decoded?.encoding ?? 'the detected encoding';
          rejectLast(
            'ENCODING',
            `invalid ${encoding} bytes at byte offset ${bad} (replaced by U+FFFD); if the file is not ${encoding}, name its encoding`,
            { offset: bad },
          );
          return;
        }
        const columns = this.columns;
        if (options.joinShortRows && columns) {
          if (this.short) {
            const fields = batch.fields(r);
            const short = this.short;
            const joined = [
              ...short.fields.slice(0, -1),
              `${short.fields[short.fields.length - 1] ?? ''}\n${fields[0] ?? ''}`,
              ...fields.slice(1),
            ];
            this.short = undefined;
            batch.dropLast();
            for (const field of joined) batch.addString(field);
            batch.endRecord(short.line);
          }
          if (batch.fieldCount(r) < columns.length) {
            this.short = { fields: batch.fields(r), line: batch.line(r) };
            batch.dropLast();
            return;
          }
        }
        this.recordsIn++;
        if (columns && batch.fieldCount(r) !== columns.length)
          rejectLast('RAGGED_ROW', `expected ${columns.length} fields, found ${batch.fieldCount(r)}`);
      },
      (error) => {
        this.recordsIn++;
        rejects.push(error);
      },
    );
    this.expectedFields = Math.ceil((batch.first[batch.length] as number) * 1.25);
    return { batch, rejects };
  }
}

/** The physical lines a record's text spans: the line breaks inside its quoted fields, plus one. */
function linesOf(text: string, lineBreak: '\n' | '\r'): number {
  let breaks = 0;
  for (let i = text.indexOf(lineBreak); i !== -1; i = text.indexOf(lineBreak, i + 1)) breaks++;
  return breaks + 1;
}

import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { RecordError, writeRejects, type RunContext } from '@etl/core';
import { CsvParser, type CsvParserOptions } from './csv-parser.js';
import { uniqueHeader } from './header.js';

/** One data record: its fields in header order, and the physical line it started on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

export interface CsvReaderOptions extends CsvParserOptions {
  /** The first record names the columns (default true). */
  header?: boolean;
  /** Column names when the file has no header (or to replace it). */
  columns?: readonly string[];
  /** Component name in the run report (default `csv-parse`). */
  name?: string;
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

/** Takes the offsets of the replacement characters in `fields` off the queue; the first, if any. */
function claimInvalid(offsets: number[], fields: readonly string[]): number | undefined {
  let count = 0;
  for (const field of fields) for (let i = field.indexOf('\uFFFD'); i !== -1; i = field.indexOf('\uFFFD', i + 1)) count++;
  if (count === 0) return undefined;
  const claimed = offsets.splice(0, count);
  return claimed[0];
}

/**
 * Text (or UTF-8 bytes) -> batches of `CsvRecord`, one batch per input chunk. The header is made
 * unique (`uniqueHeader`); a record with a different number of fields is a `RAGGED_ROW` reject, an
 * unclosed quote `UNTERMINATED_QUOTE`, an over-long record `TOO_LARGE` — each with its line. Counted
 * as the run's reader.
 */
export function csvReader(ctx: RunContext, options: CsvReaderOptions = {}): Transform {
  const name = options.name ?? 'csv-parse';
  const metrics = ctx.counters.component(name, 'reader');
  const parser = new CsvParser(options);
  const decoder = new StringDecoder('utf8');
  const file = options.file;
  let columns: string[] | undefined = options.columns ? [...options.columns] : undefined;
  let headerPending = options.header ?? true;
  /** A short record waiting to be joined with the next (`joinShortRows`). */
  let short: CsvRecord | undefined;
  if (columns && options.header === undefined) headerPending = true;
  if (columns) options.onColumns?.(columns);
  let bytesCounted = 0;
  /** Bytes behind a text chunk: the decoder's count when it has one, else the text's UTF-8 length. */
  const decodedBytes = (text: string): number => {
    const total = options.decoded?.bytesDecoded;
    if (total === undefined) return Buffer.byteLength(text);
    const delta = total - bytesCounted;
    bytesCounted = total;
    return delta;
  };

  return new Transform({
    readableObjectMode: true,
    readableHighWaterMark: 2,
    // Text from a decoder stays text: no round trip through UTF-8 bytes.
    decodeStrings: false,
    transform(chunk: Buffer | string, _encoding, callback) {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      metrics.bytesIn += typeof chunk !== 'string' ? chunk.length : decodedBytes(chunk);
      flushTo(this, (onRecord, onReject) => parser.push(text, onRecord, onReject), callback);
    },
    flush(callback) {
      const rest = decoder.end();
      flushTo(this, (onRecord, onReject) => {
        if (rest) parser.push(rest, onRecord, onReject);
        parser.end(onRecord, onReject);
        if (short) {
          const { fields, line } = short;
          short = undefined;
          onReject(new RecordError({ code: 'RAGGED_ROW', reason: `expected ${columns?.length} fields, found ${fields.length} and no next row to join`, file, line, raw: fields.join(options.delimiter ?? ',') }));
        }
      }, callback);
    },
  });

  function flushTo(stream: Transform, parse: (onRecord: (fields: string[], line: number) => void, onReject: (e: RecordError) => void) => void, callback: (error?: Error | null) => void): void {
    const out: CsvRecord[] = [];
    const rejects: RecordError[] = [];
    parse(
      (parsed, parsedLine) => {
        let fields = parsed;
        let line = parsedLine;
        const bad = options.decoded && options.decoded.invalidOffsets.length > 0 ? claimInvalid(options.decoded.invalidOffsets, fields) : undefined;
        if (headerPending) {
          headerPending = false;
          if (!options.columns) {
            columns = uniqueHeader(fields);
            options.onColumns?.(columns);
          }
          return;
        }
        if (bad !== undefined) {
          metrics.rowsIn++;
          const encoding = options.decoded?.encoding ?? 'the detected encoding';
          rejects.push(new RecordError({ code: 'ENCODING', reason: `invalid ${encoding} bytes at byte offset ${bad} (replaced by U+FFFD); if the file is not ${encoding}, name its encoding`, file, line, offset: bad, raw: fields.join(options.delimiter ?? ',') }));
          return;
        }
        if (options.joinShortRows && columns) {
          if (short) {
            fields = [...short.fields.slice(0, -1), `${short.fields[short.fields.length - 1] ?? ''}\n${fields[0] ?? ''}`, ...fields.slice(1)];
            line = short.line;
            short = undefined;
          }
          if (fields.length < columns.length) {
            short = { fields, line };
            return;
          }
        }
        metrics.rowsIn++;
        if (columns && fields.length !== columns.length) {
          rejects.push(new RecordError({ code: 'RAGGED_ROW', reason: `expected ${columns.length} fields, found ${fields.length}`, file, line, raw: fields.join(options.delimiter ?? ',') }));
          return;
        }
        out.push({ fields, line });
      },
      (error) => {
        metrics.rowsIn++;
        rejects.push(error);
      },
    );
    const done = () => {
      metrics.rowsOut += out.length;
      if (out.length > 0) stream.push(out);
      callback();
    };
    if (rejects.length === 0) return done();
    writeRejects(ctx, metrics, name, rejects).then(done, callback);
  }
}

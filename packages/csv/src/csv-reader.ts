import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { RecordError, writeRejects, type RunContext } from '@etl/core';
import { CsvBatch, type CsvRecord } from './csv-batch.js';
import { CsvParser, type CsvParserOptions, type OnBatchRecord, type OnReject } from './csv-parser.js';
import { uniqueHeader } from './header.js';

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
 * Text (or UTF-8 bytes) -> one `CsvBatch` per input chunk (`batch.records()` gives the records as
 * strings; a caster reads the fields as spans of the chunk). The header is made
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
  /** Fields in the last batch: the next one is sized for a quarter more (growing copies the arrays). */
  let expectedFields = 1024;
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
      flushTo(this, text, (batch, onRecord, onReject) => parser.pushInto(text, batch, onRecord, onReject), callback);
    },
    flush(callback) {
      const rest = decoder.end();
      flushTo(
        this,
        rest,
        (batch, onRecord, onReject) => {
          if (rest) parser.pushInto(rest, batch, onRecord, onReject);
          parser.endInto(batch, onRecord, onReject);
          if (short) {
            const { fields, line } = short;
            short = undefined;
            onReject(
              new RecordError({
                code: 'RAGGED_ROW',
                reason: `expected ${columns?.length} fields, found ${fields.length} and no next row to join`,
                file,
                line,
                raw: fields.join(options.delimiter ?? ','),
              }),
            );
          }
        },
        callback,
      );
    },
  });

  function flushTo(
    stream: Transform,
    text: string,
    parse: (batch: CsvBatch, onRecord: OnBatchRecord, onReject: OnReject) => void,
    callback: (error?: Error | null) => void,
  ): void {
    const batch = new CsvBatch(text, expectedFields);
    const rejects: RecordError[] = [];
    const rejectLast = (code: 'ENCODING' | 'RAGGED_ROW', reason: string, extra: { offset?: number } = {}) => {
      const r = batch.length - 1;
      rejects.push(
        new RecordError({ code, reason, file, line: batch.line(r), raw: batch.fields(r).join(options.delimiter ?? ','), ...extra }),
      );
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
        if (headerPending) {
          headerPending = false;
          if (!options.columns) {
            columns = uniqueHeader(batch.fields(r));
            options.onColumns?.(columns);
          }
          batch.dropLast();
          return;
        }
        if (bad !== undefined) {
          metrics.rowsIn++;
          const encoding = options.decoded?.encoding ?? 'the detected encoding';
          rejectLast(
            'ENCODING',
            `invalid ${encoding} bytes at byte offset ${bad} (replaced by U+FFFD); if the file is not ${encoding}, name its encoding`,
            { offset: bad },
          );
          return;
        }
        if (options.joinShortRows && columns) {
          if (short) {
            const fields = batch.fields(r);
            const joined = [
              ...short.fields.slice(0, -1),
              `${short.fields[short.fields.length - 1] ?? ''}\n${fields[0] ?? ''}`,
              ...fields.slice(1),
            ];
            const line = short.line;
            short = undefined;
            batch.dropLast();
            for (const field of joined) batch.addString(field);
            batch.endRecord(line);
          }
          if (batch.fieldCount(r) < columns.length) {
            short = { fields: batch.fields(r), line: batch.line(r) };
            batch.dropLast();
            return;
          }
        }
        metrics.rowsIn++;
        if (columns && batch.fieldCount(r) !== columns.length)
          rejectLast('RAGGED_ROW', `expected ${columns.length} fields, found ${batch.fieldCount(r)}`);
      },
      (error) => {
        metrics.rowsIn++;
        rejects.push(error);
      },
    );
    expectedFields = Math.ceil((batch.first[batch.length] as number) * 1.25);
    const done = () => {
      metrics.rowsOut += batch.length;
      if (batch.length > 0) stream.push(batch);
      callback();
    };
    if (rejects.length === 0) return done();
    writeRejects(ctx, metrics, name, rejects).then(done, callback);
  }
}

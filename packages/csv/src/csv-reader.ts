import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';
import { writeRejects, type RunContext } from '@etl/core';
import { CsvRecordReader, type CsvChunkRecords, type CsvRecordReaderOptions } from './csv-record-reader.js';

export interface CsvReaderOptions extends CsvRecordReaderOptions {
  /** Component name in the run report (default `csv-parse`). */
  name?: string;
}

/**
 * Text (or UTF-8 bytes) -> one `CsvBatch` per input chunk (`batch.records()` gives the records as
 * strings; a caster reads the fields as spans of the chunk): the stream adapter of `CsvRecordReader`,
 * whose rejects (`RAGGED_ROW`, `UNTERMINATED_QUOTE`, `TOO_LARGE`, `ENCODING`, each with its line) go
 * to `ctx.rejects`. Counted as the run's reader.
 */
export function csvReader(ctx: RunContext, options: CsvReaderOptions = {}): Transform {
  const name = options.name ?? 'csv-parse';
  const metrics = ctx.counters.component(name, 'reader');
  const reader = new CsvRecordReader(options);
  const decoder = new StringDecoder('utf8');
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
      handOver(this, () => reader.push(text), callback);
    },
    flush(callback) {
      const rest = decoder.end();
      handOver(this, () => reader.end(rest), callback);
    },
  });

  function handOver(stream: Transform, read: () => CsvChunkRecords, callback: (error?: Error | null) => void): void {
    const before = reader.recordsIn;
    const { batch, rejects } = read();
    metrics.rowsIn += reader.recordsIn - before;
    const done = () => {
      metrics.rowsOut += batch.length;
      if (batch.length > 0) stream.push(batch);
      callback();
    };
    if (rejects.length === 0) return done();
    writeRejects(ctx, metrics, name, rejects).then(done, callback);
  }
}

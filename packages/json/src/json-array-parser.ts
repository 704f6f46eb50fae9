import { Transform } from 'node:stream';
import { TerminalError, type RunContext } from '@etl/core';
import streamArray from 'stream-json/streamers/stream-array.js';
import type { Located } from './ndjson-parser.js';

export interface JsonArrayParserOptions {
  file?: string;
  /** Component name in the run report (default `json-array-parse`). */
  name?: string;
  /** Elements per batch passed downstream (default 500). */
  batchSize?: number;
}

/**
 * A top-level JSON array (`[{…}, {…}]`) streamed element by element with `stream-json`, never held
 * whole: bytes -> batches of `Located<unknown>`, where `line` is the element's 1-based position.
 * Malformed JSON cannot be skipped past, so it fails the run with a `TerminalError` naming the file.
 * Backpressure: the parser is paused while downstream is full.
 */
export function jsonArrayParser(ctx: RunContext, options: JsonArrayParserOptions = {}): Transform {
  const metrics = ctx.counters.component(options.name ?? 'json-array-parse', 'reader');
  const batchSize = options.batchSize ?? 500;
  const file = options.file ?? 'input';
  const parser = streamArray.withParserAsStream();
  let batch: Located<unknown>[] = [];
  let failure: Error | undefined;

  const emit = (stream: Transform) => {
    if (batch.length === 0) return true;
    metrics.rowsOut += batch.length;
    const out = batch;
    batch = [];
    return stream.push(out);
  };

  const wrapper: Transform = new Transform({
    readableObjectMode: true,
    readableHighWaterMark: 2,
    transform(chunk: Buffer, _encoding, callback) {
      if (failure) return callback(failure);
      metrics.bytesIn += chunk.length;
      if (parser.write(chunk)) callback();
      else parser.once('drain', () => callback(failure));
    },
    flush(callback) {
      if (failure) return callback(failure);
      parser.once('end', () => {
        emit(wrapper);
        callback(failure);
      });
      parser.end();
    },
    read(size) {
      parser.resume();
      Transform.prototype._read.call(this, size);
    },
    destroy(error, callback) {
      parser.destroy();
      callback(error);
    },
  });

  parser.on('data', (item: { key: number; value: unknown }) => {
    metrics.rowsIn++;
    batch.push({ value: item.value, line: item.key + 1 });
    if (batch.length >= batchSize && !emit(wrapper)) parser.pause();
  });
  parser.on('error', (error: Error) => {
    // stream-json's messages do not say which file; name it for the user.
    failure = new TerminalError('BAD_ARGUMENT', `${file} is not a valid JSON array: ${error.message}`, { cause: error });
    wrapper.destroy(failure);
  });
  return wrapper;
}

import { Transform } from 'node:stream';
import { RecordError, writeRejects, type RunContext } from '@etl/core';
import { LineSplitter } from './line-splitter.js';

/** A parsed value and where it came from, so later stages can reject it with a line number. */
export interface Located<T> {
  value: T;
  line: number;
}

export interface NdjsonParserOptions {
  /** Named in rejects and the run report. */
  file?: string;
  /** Component name in the run report. Default `ndjson-parse`. */
  name?: string;
  /** Longest accepted line (memory bound of the parser). Default 16 MiB. */
  maxLineBytes?: number;
}

/**
 * Bytes -> batches of `Located<unknown>`, one batch per input chunk. A line that is not JSON, or too
 * long, becomes a `RecordError` with its line number in the run's rejects; blank lines are skipped.
 */
export function ndjsonParser(ctx: RunContext, options: NdjsonParserOptions = {}): Transform {
  const metrics = ctx.counters.component(options.name ?? 'ndjson-parse', 'reader');
  const splitter = new LineSplitter(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes });
  const file = options.file;

  const parseInto = (out: Located<unknown>[], rejects: RecordError[]) => ({
    onLine: ({ text, line }: { text: string; line: number }) => {
      if (text.trim() === '') return;
      metrics.rowsIn++;
      try {
        out.push({ value: JSON.parse(text) as unknown, line });
      } catch (error) {
        rejects.push(new RecordError({ code: 'PARSE', reason: `invalid JSON: ${(error as Error).message}`, file, line, raw: text }));
      }
    },
    onOversized: ({ line, bytes }: { line: number; bytes: number }) => {
      metrics.rowsIn++;
      rejects.push(
        new RecordError({
          code: 'TOO_LARGE',
          reason: `line of ${bytes} bytes exceeds the ${options.maxLineBytes ?? 16 * 1024 * 1024}-byte limit`,
          file,
          line,
        }),
      );
    },
  });

  const emit = async (self: Transform, out: Located<unknown>[], rejects: RecordError[]) => {
    await writeRejects(ctx, metrics, options.name ?? 'ndjson-parse', rejects);
    metrics.rowsOut += out.length;
    if (out.length > 0) self.push(out);
  };

  return new Transform({
    readableObjectMode: true,
    readableHighWaterMark: 2,
    transform(chunk: Buffer, _encoding, callback) {
      metrics.bytesIn += chunk.length;
      const out: Located<unknown>[] = [];
      const rejects: RecordError[] = [];
      const { onLine, onOversized } = parseInto(out, rejects);
      splitter.push(chunk, onLine, onOversized);
      emit(this, out, rejects).then(() => callback(), callback);
    },
    flush(callback) {
      const out: Located<unknown>[] = [];
      const rejects: RecordError[] = [];
      const { onLine, onOversized } = parseInto(out, rejects);
      splitter.end(onLine, onOversized);
      emit(this, out, rejects).then(() => callback(), callback);
    },
  });
}

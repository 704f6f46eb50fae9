import { Transform } from 'node:stream';
import type { RecordBatch, RunContext } from '@etl/core';

export interface NdjsonWriterOptions {
  /** Component name in the run report. Default `ndjson-write`. */
  name?: string;
}

/**
 * Record batches -> NDJSON bytes, one chunk per batch. Counted as the run's sink: rows and bytes
 * written are what went into the output object.
 */
export function ndjsonWriter(ctx: RunContext, options: NdjsonWriterOptions = {}): Transform {
  const metrics = ctx.counters.component(options.name ?? 'ndjson-write', 'sink');
  return new Transform({
    writableObjectMode: true,
    writableHighWaterMark: 2,
    transform(batch: RecordBatch<unknown>, _encoding, callback) {
      let text = '';
      for (const record of batch) text += `${JSON.stringify(record)}\n`;
      const bytes = Buffer.from(text, 'utf8');
      metrics.rowsIn += batch.length;
      metrics.rowsOut += batch.length;
      metrics.bytesOut += bytes.length;
      callback(null, bytes);
    },
  });
}

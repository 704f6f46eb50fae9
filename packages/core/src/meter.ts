import { Transform } from 'node:stream';
import type { ComponentMetrics } from './counters.js';

/**
 * Counts what passes without changing it: bytes for `Buffer`/string chunks, rows for record batches.
 * Sources are wrapped in one so every run reports rows and bytes read the same way.
 */
export function meter(
  metrics: ComponentMetrics,
  fields: { bytes: 'bytesIn' | 'bytesOut'; rows: 'rowsIn' | 'rowsOut' },
  highWaterMark?: number,
): Transform {
  return new Transform({
    objectMode: true,
    ...(highWaterMark === undefined ? {} : { highWaterMark }),
    transform(chunk: unknown, _encoding, callback) {
      if (typeof chunk === 'string') metrics[fields.bytes] += Buffer.byteLength(chunk);
      else if (ArrayBuffer.isView(chunk)) metrics[fields.bytes] += chunk.byteLength;
      else if (Array.isArray(chunk)) metrics[fields.rows] += chunk.length;
      callback(null, chunk);
    },
  });
}

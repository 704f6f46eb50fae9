import { Transform } from 'node:stream';
import type { ComponentMetrics } from './counters.js';

/**
 * Counts what passes without changing it: bytes for `Buffer`/string chunks, rows for record batches.
 * Sources are wrapped in one so every run reports rows and bytes read the same way.
 */
export function meter(metrics: ComponentMetrics, side: 'in' | 'out' = 'out', highWaterMark?: number): Transform {
  return new Transform({
    objectMode: true,
    ...(highWaterMark === undefined ? {} : { highWaterMark }),
    transform(chunk: unknown, _encoding, callback) {
      if (typeof chunk === 'string') metrics[side === 'in' ? 'bytesIn' : 'bytesOut'] += Buffer.byteLength(chunk);
      else if (ArrayBuffer.isView(chunk)) metrics[side === 'in' ? 'bytesIn' : 'bytesOut'] += chunk.byteLength;
      else if (Array.isArray(chunk)) metrics[side === 'in' ? 'rowsIn' : 'rowsOut'] += chunk.length;
      callback(null, chunk);
    },
  });
}

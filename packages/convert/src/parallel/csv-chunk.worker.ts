/**
 * The worker thread of a parallel CSV -> Parquet conversion: `ChunkConverter` on the settings of
 * the first message, one reply per request (requests' byte buffers come transferred; the replies' row
 * groups go back transferred). Bundled to
 * `csv-chunk.worker.mjs` beside a bundle that uses it (tools/bundle.mjs); see `worker-url.ts`.
 */
import { parentPort } from 'node:worker_threads';
import { ChunkConverter } from './chunk-converter.js';
import type { ChunkReply, ChunkRequest, ChunkSettings } from './chunk-protocol.js';

const port = parentPort;
if (!port) throw new Error('csv-chunk.worker runs as a worker thread');
let converter: ChunkConverter | undefined;
let failed: Error | undefined;
port.on('message', (message: ChunkRequest | { settings: ChunkSettings }) => {
  if ('settings' in message) {
    try {
      converter = new ChunkConverter(message.settings);
    } catch (error) {
      failed = error as Error;
    }
    return;
  }
  const request = message;
  let reply: ChunkReply;
  try {
    if (!converter) throw failed ?? new Error('a chunk before the settings');
    reply = converter.convert(request);
  } catch (error) {
    const { message, stack } = error as Error;
    reply = { seq: request.seq, groups: [], rejects: [], records: 0, parsed: 0, rows: 0, error: { message, ...(stack ? { stack } : {}) } };
  }
  port.postMessage(
    reply,
    reply.groups.map((g) => g.bytes.buffer as ArrayBuffer),
  );
});

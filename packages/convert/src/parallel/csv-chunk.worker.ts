/**
 * The worker thread of a conversion of CSV on threads: `ChunkConverter` on the settings of the
 * first message, one reply per request (requests' byte buffers come transferred; the replies' row
 * groups or CSV text go back transferred). Bundled to
 * `csv-chunk.worker.mjs` beside a bundle that uses it (tools/bundle.mjs); see `worker-url.ts`.
 */
import { parentPort } from 'node:worker_threads';
import { ChunkConverter } from './chunk-converter.js';
import { replyTransfer, type ChunkReply, type ChunkRequest, type ChunkSettings } from './chunk-protocol.js';

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
    const failure = { message, ...(stack ? { stack } : {}) };
    reply = { seq: request.seq, groups: [], keys: [], rejects: [], records: 0, parsed: 0, rows: 0, error: failure };
  }
  port.postMessage(reply, replyTransfer(reply));
});

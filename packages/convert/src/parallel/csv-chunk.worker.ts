/**
 * The worker thread of a parallel CSV -> Parquet conversion: `ChunkConverter` on the settings in
 * `workerData`, one reply per request, the row groups' buffers transferred (not copied). Bundled to
 * `csv-chunk.worker.mjs` beside a bundle that uses it (tools/bundle.mjs); see `worker-url.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ChunkConverter } from './chunk-converter.js';
import type { ChunkReply, ChunkRequest, ChunkSettings } from './chunk-protocol.js';

const port = parentPort;
if (!port) throw new Error('csv-chunk.worker runs as a worker thread');
const converter = new ChunkConverter(workerData as ChunkSettings);
port.on('message', (request: ChunkRequest) => {
  let reply: ChunkReply;
  try {
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

import { Worker } from 'node:worker_threads';
import type { ChunkReply, ChunkRequest, ChunkSettings } from './chunk-protocol.js';

interface Pending {
  resolve: (reply: ChunkReply) => void;
  reject: (error: Error) => void;
}

/**
 * `threads` worker threads running `csv-chunk.worker`. They start at once (an isolate takes a while
 * to load its modules: better while the main thread sniffs the file), and are given the file's
 * settings with `start` once its header is read. A request goes to the worker named (each serves
 * its requests in order, so the pieces of one long record go to one), and its reply comes back as
 * a promise. A worker that fails fails every request it holds; `close` terminates them all.
 */
export class ChunkWorkers {
  private readonly workers: Worker[];
  private readonly pending: Array<Map<number, Pending>>;
  private failure: Error | undefined;

  constructor(script: URL, threads: number) {
    this.pending = Array.from({ length: threads }, () => new Map<number, Pending>());
    this.workers = Array.from({ length: threads }, (_, w) => {
      const worker = new Worker(script);
      const pending = this.pending[w] as Map<number, Pending>;
      worker.on('message', (reply: ChunkReply) => {
        const waiting = pending.get(reply.seq);
        pending.delete(reply.seq);
        if (!waiting) return;
        if (reply.error) {
          const error = new Error(reply.error.message);
          if (reply.error.stack) error.stack = reply.error.stack;
          waiting.reject(error);
        } else waiting.resolve(reply);
      });
      const fail = (error: Error) => {
        this.failure ??= error;
        for (const waiting of pending.values()) waiting.reject(error);
        pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (pending.size > 0) fail(new Error(`a CSV conversion worker thread exited (code ${code}) with chunks unconverted`));
      });
      return worker;
    });
  }

  /** Every worker is given the file's settings; requests follow. */
  start(settings: ChunkSettings): void {
    for (const worker of this.workers) worker.postMessage({ settings });
  }

  get size(): number {
    return this.workers.length;
  }

  convert(worker: number, request: ChunkRequest): Promise<ChunkReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      (this.pending[worker] as Map<number, Pending>).set(request.seq, { resolve, reject });
      (this.workers[worker] as Worker).postMessage(request, request.pieces ? request.pieces.map((p) => p.buffer as ArrayBuffer) : []);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

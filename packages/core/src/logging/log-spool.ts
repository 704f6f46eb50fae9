import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pino, type DestinationStream } from 'pino';

/**
 * Every log line of a run, kept on local disk (not in memory) so it can be exported as one object
 * when the run ends, success or failure: the seed jobs' `LogBuffer`, with a bounded memory footprint.
 */
export class LogSpool {
  readonly path: string;
  readonly stream: DestinationStream & { flushSync(): void; end(): void };
  private readonly dir: string;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'etl-logs-'));
    this.path = join(this.dir, 'run.log.ndjson');
    this.stream = pino.destination({ dest: this.path, sync: true, mkdir: true });
  }

  sizeBytes(): number {
    return statSync(this.path, { throwIfNoEntry: false })?.size ?? 0;
  }

  /** The lines written so far, as NDJSON bytes. */
  read(): Readable {
    this.stream.flushSync();
    return createReadStream(this.path);
  }

  dispose(): void {
    try {
      this.stream.end();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { makeFolders } from '@etl/core';
import { spoolPrefix } from './spool-sweep.js';
import type { Item } from './write-sink.js';

/**
 * Items parked on local disk between the scan and the write, so the schema can be inferred over every
 * item with one scan (one read of the table's capacity, and the schema matches exactly what is
 * written). Disk: about the items' DynamoDB JSON (≈ 1.3x their size in the table), deleted by
 * `remove`. Memory: the write stream's buffer (16 KiB, writes wait for it to drain) and one batch
 * when reading back. Binary values are kept as `{"$b64": "…"}`.
 */
export class ItemSpool {
  private out: WriteStream | undefined;
  bytes = 0;
  items = 0;

  private constructor(
    readonly dir: string,
    readonly file: string,
  ) {}

  /**
   * A spool in a new folder below `parent` (made if missing; default the OS temp folder), named for this host and
   * process (`item-spool-<host>-<pid>-XXXXXX`), so a later run can tell a killed run's spool from a
   * live one and sweep it (`sweepStaleSpools`).
   */
  static async create(parent: string = tmpdir()): Promise<ItemSpool> {
    await makeFolders(parent);
    const dir = await mkdtemp(join(parent, spoolPrefix()));
    const spool = new ItemSpool(dir, join(dir, 'items.ndjson'));
    spool.out = createWriteStream(spool.file);
    return spool;
  }

  async write(items: readonly Item[]): Promise<void> {
    const out = this.out;
    if (!out) throw new Error('the spool was finished');
    let text = '';
    for (const item of items) text += `${JSON.stringify(item, binaryOut)}\n`;
    this.bytes += Buffer.byteLength(text);
    this.items += items.length;
    if (!out.write(text)) await once(out, 'drain'); // `once` rejects on the stream's 'error'
  }

  /** Flushes what was written; call before `read`. */
  async finish(): Promise<void> {
    const out = this.out;
    this.out = undefined;
    if (!out) return;
    out.end();
    await finished(out);
  }

  /** The items back, in the order written, `batchSize` at a time. */
  async *read(batchSize = 1000): AsyncGenerator<Item[]> {
    const lines = createInterface({ input: createReadStream(this.file), crlfDelay: Infinity });
    let batch: Item[] = [];
    for await (const line of lines) {
      if (line === '') continue;
      batch.push(JSON.parse(line, binaryIn) as Item);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  async remove(): Promise<void> {
    this.out?.destroy();
    this.out = undefined;
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** `this[key]` is the value before `toJSON` (a Buffer would arrive as `{ type: 'Buffer', data }`). */
function binaryOut(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Uint8Array ? { $b64: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') } : value;
}

function binaryIn(_key: string, value: unknown): unknown {
  // Attribute values and map entries are objects, never strings, so a string `$b64` is only ever ours.
  if (typeof value === 'object' && value !== null && typeof (value as { $b64?: unknown }).$b64 === 'string')
    return new Uint8Array(Buffer.from((value as { $b64: string }).$b64, 'base64'));
  return value;
}

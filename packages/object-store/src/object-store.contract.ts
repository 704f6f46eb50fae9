import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { TerminalError, settledPipeline } from '@etl/core';
import type { ObjectStore } from './object-store.js';
import { objectWriter } from './object-writer.js';
import { objectsBelow } from './objects-under.js';
import { joinUri } from './uri.js';

export interface ContractTarget {
  store: ObjectStore;
  /** A fresh, empty prefix URI for one test, ending in `/`. */
  root(): string;
  /** Multipart uploads or temp files still pending under `prefixUri`: must always be empty. */
  leftovers(prefixUri: string): Promise<string[]>;
}

const MiB = 1024 * 1024;

/** Deterministic bytes, generated lazily chunk by chunk so nothing holds the whole object. */
async function* generated(totalBytes: number, hash?: ReturnType<typeof createHash>, failAfter?: number): AsyncGenerator<Uint8Array> {
  const chunk = Buffer.alloc(MiB);
  for (let sent = 0, n = 0; sent < totalBytes; n++) {
    if (failAfter !== undefined && sent >= failAfter) throw new Error('source failed mid-stream');
    const size = Math.min(MiB, totalBytes - sent);
    chunk.fill(n % 251);
    chunk.writeUInt32BE(n, 0);
    const piece = Buffer.from(chunk.subarray(0, size));
    hash?.update(piece);
    sent += size;
    yield piece;
  }
}

async function sha256(stream: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The behaviour every `ObjectStore` adapter must have; run against each backend. */
export function objectStoreContract(backend: string, target: () => ContractTarget): void {
  describe(`ObjectStore contract: ${backend}`, () => {
    it('stores and streams back bytes, with head metadata', async () => {
      const { store, root } = target();
      const uri = joinUri(root(), 'data/hello world ✓.txt');
      const result = await store.put(uri, 'こんにちは, world\n');
      expect(result.size).toBe(Buffer.byteLength('こんにちは, world\n'));
      expect(await text(await store.get(uri))).toBe('こんにちは, world\n');
      const info = await store.head(uri);
      expect(info?.size).toBe(result.size);
      expect(info?.lastModified).toBeInstanceOf(Date);
    });

    it('says NOT_FOUND for a missing object and undefined from head', async () => {
      const { store, root } = target();
      const uri = joinUri(root(), 'missing.csv');
      await expect(store.get(uri)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.get(uri)).rejects.toBeInstanceOf(TerminalError);
      expect(await store.head(uri)).toBeUndefined();
    });

    it('reads byte ranges: start-end, open end and suffix', async () => {
      const { store, root } = target();
      const uri = joinUri(root(), 'digits.txt');
      await store.put(uri, '0123456789');
      expect(await text(await store.get(uri, { range: { start: 2, end: 5 } }))).toBe('2345');
      expect(await text(await store.get(uri, { range: { start: 7 } }))).toBe('789');
      expect(await text(await store.get(uri, { range: { suffix: 3 } }))).toBe('789');
      expect(await text(await store.get(uri, { range: { start: 8, end: 100 } }))).toBe('89');
    });

    it('lists by prefix in key order, lazily across pages', async () => {
      const { store, root } = target();
      const base = root();
      const keys = ['in/b.csv', 'in/a.csv', 'in/sub/c.csv', 'in.txt', 'inbox/d.csv', 'out/e.csv', 'in/a.csv.bak'];
      for (const key of keys) await store.put(joinUri(base, key), key);
      const listed = await collect(store.list(joinUri(base, 'in') + '/', { pageSize: 2 }));
      expect(listed.map((o) => o.uri.slice(o.uri.indexOf('/in/')))).toEqual(['/in/a.csv', '/in/a.csv.bak', '/in/b.csv', '/in/sub/c.csv']);
      const byBarePrefix = await collect(store.list(joinUri(base, 'in')));
      expect(byBarePrefix).toHaveLength(6);
      expect(listed[0]?.size).toBe('in/a.csv'.length);
      expect(await collect(store.list(joinUri(base, 'nothing-here/')))).toEqual([]);
      // The same folder by objectsBelow: keys below it, with or without the trailing slash.
      const below = await collect(objectsBelow(store, joinUri(base, 'in')));
      expect(below.map((o) => o.key)).toEqual(['a.csv', 'a.csv.bak', 'b.csv', 'sub/c.csv']);
      expect(below.map((o) => o.uri)).toEqual(listed.map((o) => o.uri));
    });

    it('streams a 64 MiB object in (multipart on S3) and out, byte for byte', async () => {
      const { store, root, leftovers } = target();
      const uri = joinUri(root(), 'big/blob.bin');
      const written = createHash('sha256');
      const result = await store.put(uri, Readable.from(generated(64 * MiB, written)), { partSize: 8 * MiB, queueSize: 2 });
      expect(result.size).toBe(64 * MiB);
      expect((await store.head(uri))?.size).toBe(64 * MiB);
      expect(await sha256(await store.get(uri))).toBe(written.digest('hex'));
      expect(await leftovers(root())).toEqual([]);
    });

    it('leaves nothing behind when the body fails mid-upload', async () => {
      const { store, root, leftovers } = target();
      const dir = root();
      const uri = joinUri(dir, 'failed/part.bin');
      await expect(store.put(uri, Readable.from(generated(40 * MiB, undefined, 20 * MiB)), { partSize: 5 * MiB })).rejects.toThrow(
        'source failed mid-stream',
      );
      expect(await store.head(uri)).toBeUndefined();
      expect(await leftovers(dir)).toEqual([]);
    });

    it('leaves nothing behind when the upload is aborted', async () => {
      const { store, root, leftovers } = target();
      const dir = root();
      const uri = joinUri(dir, 'aborted/part.bin');
      const controller = new AbortController();
      async function* slowly() {
        let n = 0;
        for await (const chunk of generated(60 * MiB)) {
          if (++n === 25) setTimeout(() => controller.abort(new Error('stopped by test')), 10);
          if (n >= 25) await new Promise((r) => setTimeout(r, 20));
          yield chunk;
        }
      }
      await expect(store.put(uri, Readable.from(slowly()), { partSize: 5 * MiB, signal: controller.signal })).rejects.toThrow();
      expect(await store.head(uri)).toBeUndefined();
      expect(await leftovers(dir)).toEqual([]);
    });

    it('replaces an object whole on overwrite', async () => {
      const { store, root } = target();
      const uri = joinUri(root(), 'state/watermark.json');
      await store.put(uri, '{"v":1}');
      await store.put(uri, '{"v":2}');
      expect(await text(await store.get(uri))).toBe('{"v":2}');
    });

    it('copies, moves and deletes many', async () => {
      const { store, root } = target();
      const base = root();
      const source = joinUri(base, 'data/in/file.csv');
      await store.put(source, 'a,b\n1,2\n');
      await store.copy(source, joinUri(base, 'data/copy/file.csv'));
      await store.move(source, joinUri(base, 'data/archive/2026/11/file.csv'));
      expect(await store.head(source)).toBeUndefined();
      expect(await text(await store.get(joinUri(base, 'data/archive/2026/11/file.csv')))).toBe('a,b\n1,2\n');
      expect(await text(await store.get(joinUri(base, 'data/copy/file.csv')))).toBe('a,b\n1,2\n');
      await expect(store.move(joinUri(base, 'data/in/gone.csv'), joinUri(base, 'x.csv'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const count = await store.deleteMany([
        joinUri(base, 'data/copy/file.csv'),
        joinUri(base, 'data/archive/2026/11/file.csv'),
        joinUri(base, 'never.csv'),
      ]);
      expect(count).toBe(3);
      expect(await collect(store.list(joinUri(base, 'data/')))).toEqual([]);
    });

    it('objectWriter: visible only after the pipeline finished; nothing on failure', async () => {
      const { store, root, leftovers } = target();
      const dir = root();
      const good = joinUri(dir, 'w/good.ndjson');
      await settledPipeline([Readable.from(['{"a":1}\n', '{"a":2}\n']), objectWriter(store, good)]);
      expect(await text(await store.get(good))).toBe('{"a":1}\n{"a":2}\n');

      const bad = joinUri(dir, 'w/bad.bin');
      await expect(
        settledPipeline([Readable.from(generated(30 * MiB, undefined, 12 * MiB)), objectWriter(store, bad, { partSize: 5 * MiB })]),
      ).rejects.toThrow('source failed mid-stream');
      expect(await store.head(bad)).toBeUndefined();
      expect(await leftovers(dir)).toEqual([]);
    });

    it('objectWriter with skipEmpty: no byte, no object (an existing one is left as it was); bytes are stored as usual', async () => {
      const { store, root, leftovers } = target();
      const dir = root();
      const empty = joinUri(dir, 'e/empty.ndjson');
      const writer = objectWriter(store, empty, { skipEmpty: true });
      await settledPipeline([Readable.from([]), writer]);
      expect(await writer.result).toBeUndefined();
      expect(await store.head(empty)).toBeUndefined();

      const kept = joinUri(dir, 'e/kept.ndjson');
      await store.put(kept, Buffer.from('old\n'));
      await settledPipeline([Readable.from([]), objectWriter(store, kept, { skipEmpty: true })]);
      expect(await text(await store.get(kept))).toBe('old\n');

      const some = objectWriter(store, kept, { skipEmpty: true });
      await settledPipeline([Readable.from(['new\n']), some]);
      expect((await some.result)?.size).toBe(4);
      expect(await text(await store.get(kept))).toBe('new\n');
      expect(await leftovers(dir)).toEqual([]);
    });
  });
}
